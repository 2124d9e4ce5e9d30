#pragma once
// Writing an on-call alert row, inside the inbox processor's transaction that applies the resident's
// message: the alert is durable exactly when the message is applied, and an event applied once (the
// inbox drops redeliveries) writes it at most once. Whether to alert is routing::decide_alert's call;
// this file reads what it needs (the consultation's earlier alerts) and records the decision.

#include "inbox/inbox_apply.hpp"

#include <pqxx/connection>
#include <pqxx/transaction_base>

#include <string>

namespace yorisoi::storage::detail {

void prepare_alert_write_statements(pqxx::connection& conn);

// The message just applied: its consultation (empty when none holds it) and resident.
struct alert_subject {
  const inbox_row& row;
  const std::string& consultation_id;
  const std::string& resident_id;
};

// Asks the rules whether the message pages the tenant's on-call person and, if so, writes the alert
// row. Nothing for a tenant without alert policy or without rules. True when a row was written.
bool write_alert_if_due(pqxx::transaction_base& tx, const apply_context& ctx, const alert_subject& subject,
                        routing::instant at, bool standby, const routing::message_decision& decision);

}  // namespace yorisoi::storage::detail
