#pragma once
// The resident's tap on a consent button (a postback webhook), applied inside the inbox processor's
// transaction: the postback data names an opaque token (routing/consent_request.hpp), the token names
// one consent request, and the tapping resident must be that referral's resident. Anything else is
// ignored (logged with ids only). The resident's tap is shown in the referral's transcript (even when
// it changes nothing); 同意しない after 同意する is a withdrawal (routing::tapped_event). An accepted
// answer is acknowledged through the outbox (reply token while fresh) and recorded in the transcript.

#include "inbox/inbox_apply.hpp"

#include <optional>

namespace yorisoi::storage::detail {

void prepare_postback_consent_statements(pqxx::connection& conn);

// nullopt: the data is not a consent postback (the caller tries the other kinds). Otherwise whether
// outbox rows were written.
[[nodiscard]] std::optional<bool> apply_consent_postback(pqxx::transaction_base& tx, const apply_context& ctx,
                                                         const inbox_row& row, const routing::line_event& ev);

}  // namespace yorisoi::storage::detail
