#pragma once
// Applying one stored webhook event to the domain tables, inside the inbox processor's transaction.
//
// One small function per event type (follow, unfollow, message, unsend, postback); every other type
// is only marked processed. The decisions (automatic answers, urgency, arrival, due time) come from
// the pure rules in routing/; what stays here is the SQL that carries them out, including the outbox
// rows of the answers, so a decision and its messages commit together.

#include "yorisoi/routing/alert.hpp"
#include "yorisoi/routing/inbound.hpp"
#include "yorisoi/routing/line_event.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <chrono>
#include <string>

namespace yorisoi::storage::detail {

// What the inbox row says about the event besides its payload.
struct inbox_row {
  std::string tenant_id;
  std::string event_id;  // uuid, as text
  std::string channel_key;
  std::string occurred_at;  // timestamptz, as PostgreSQL printed it
  std::string received_at;  // timestamptz: when the webhook stored it (the reply token's clock)
};

struct apply_context {
  const keyring& keys;
  const routing::tenant_rules* rules = nullptr;  // the event's tenant; null = no automatic answers
  std::chrono::seconds reply_token_usable{50};
  const routing::alert_policy* alert = nullptr;  // the tenant's on-call alert; null = none
};

// Prepares the statements used below on a fresh connection.
void prepare_apply_statements(pqxx::connection& conn);

// Whether apply_event does anything for this type; the others are only marked processed.
[[nodiscard]] bool changes_domain(routing::line_event_type type) noexcept;

// Applies `event` (parsed from `row`'s payload); true when it wrote outbox rows. Throws unusable_event
// for an event that can never apply; database errors propagate to the caller, which decides between
// retry and giving up.
bool apply_event(pqxx::transaction_base& tx, const apply_context& ctx, const inbox_row& row,
                 const routing::line_event& event);

// Shared by the handlers: creates or refreshes the event's resident; returns its id. `following` is
// "follow", "unfollow" or "seen" (a message: following unchanged).
[[nodiscard]] std::string upsert_resident(pqxx::transaction_base& tx, const keyring& keys,
                                          const inbox_row& row, const routing::line_event& ev,
                                          const char* following);

}  // namespace yorisoi::storage::detail
