#include "yorisoi/gateway/account_gate.hpp"

namespace yorisoi::gateway {

routing::account_pending pending_step_of(const storage::session_info& session, const config::tenant& tenant) {
  routing::account_facts facts;
  facts.must_change_password = session.must_change_password;
  facts.factor_required =
      routing::second_factor_required(tenant.second_factor_required_for_readers, session.who.role);
  facts.has_factor = session.has_second_factor;
  return routing::pending_step(facts);
}

std::optional<api_error> account_gate_refusal(const storage::session_info& session,
                                              const config::tenant& tenant, routing::account_step step) {
  const auto pending = pending_step_of(session, tenant);
  if (routing::gate_admits(pending, step)) {
    return std::nullopt;
  }
  api_error error = make_api_error("forbidden");
  error.reason = std::string(routing::gate_reason(pending).value_or("forbidden"));
  switch (pending) {
    case routing::account_pending::nothing:
      break;
    case routing::account_pending::password_change:
      error.message = "パスワードを変更してからご利用ください。";
      break;
    case routing::account_pending::factor_enrolment:
      error.message = "二要素認証を設定してからご利用ください。";
      break;
  }
  return error;
}

}  // namespace yorisoi::gateway
