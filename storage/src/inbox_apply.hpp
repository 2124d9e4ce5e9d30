#pragma once
// Applying one stored webhook event to the domain tables, inside the inbox processor's transaction.
//
// One small function per event type (follow, unfollow, message, unsend); every other type is only
// marked processed. The routing rules (automatic replies, risk, arrival) will move the decisions
// into routing/ later; what stays here is the SQL that carries them out.

#include "yorisoi/routing/line_event.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <string>

namespace yorisoi::storage::detail {

// What the inbox row says about the event besides its payload.
struct inbox_row {
  std::string tenant_id;
  std::string event_id;  // uuid, as text
  std::string channel_key;
  std::string occurred_at;  // timestamptz, as PostgreSQL printed it
};

// Prepares the statements used below on a fresh connection.
void prepare_apply_statements(pqxx::connection& conn);

// Whether apply_event does anything for this type; the others are only marked processed.
[[nodiscard]] bool changes_domain(routing::line_event_type type) noexcept;

// Applies `event` (parsed from `row`'s payload). Throws unusable_event for an event that can never
// apply; database errors propagate to the caller, which decides between retry and giving up.
void apply_event(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                 const routing::line_event& event);

}  // namespace yorisoi::storage::detail
