#pragma once
// A resident's message: gather what the rules need to know, ask routing::decide_message, and carry
// the decision out (open or continue the consultation, urgency, arrival, due time, the transcript,
// the off-hours memory, and the automatic answers through the outbox).

#include "inbox/inbox_apply.hpp"

namespace yorisoi::storage::detail {

void prepare_message_statements(pqxx::connection& conn);

// True when outbox rows were written.
bool apply_message(pqxx::transaction_base& tx, const apply_context& ctx, const inbox_row& row,
                   const routing::line_event& ev);

}  // namespace yorisoi::storage::detail
