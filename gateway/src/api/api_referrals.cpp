// Referrals: the counsellors' routes (work_consultations; an emergency also
// needs emergency_referral, checked here because only the body says whether a proposal is one) and
// the officers' (officer_inbox). The route's permission was checked by run_api; the store limits
// every referral to the caller's tenant and, for officers, to what their unit may see (not_found).
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"
#include "yorisoi/gateway/api_referral_json.hpp"
#include "yorisoi/storage/referral.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

const config::org_unit* unit_of(const config::tenant& tenant, const std::string& unit_id) {
  for (const auto& unit : tenant.org_units) {
    if (unit.id == unit_id) {
      return &unit;
    }
  }
  return nullptr;
}

}  // namespace

asio::awaitable<http_response> handle_list_referrals(handler_context& context, const api_call& call) {
  auto& referrals = context.referrals;
  const std::string consultation_id = call.param("consultation_id");
  const auto result = co_await await_op<std::vector<storage::referral_view>>([&](auto done) {
    referrals.list_for_consultation(call.caller.session.who, consultation_id, std::move(done));
  });
  co_return op_answer(result, 200, referral_list_json);
}

asio::awaitable<http_response> handle_close_referral(handler_context& context, const api_call& call) {
  auto& referrals = context.referrals;
  const std::string referral_id = call.param("referral_id");
  const auto result = co_await await_op<storage::referral_view>(
      [&](auto done) { referrals.close(call.caller.session.who, referral_id, std::move(done)); });
  co_return op_answer(result, 200, referral_json);
}

asio::awaitable<http_response> handle_officer_inbox(handler_context& context, const api_call& call) {
  auto page = parse_officer_inbox_request(call.request.query);
  if (!page.value) {
    co_return api_error_response(page.error);
  }
  auto& referrals = context.referrals;
  const storage::actor& who = call.caller.session.who;
  const auto result = co_await await_op<storage::officer_inbox_page>(
      [&](auto done) { referrals.officer_inbox(who, std::move(*page.value), std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status, result.reason);
  }
  co_return api_json(200, officer_inbox_json(unit_of(*call.caller.tenant, who.org_unit), result.value));
}

asio::awaitable<http_response> handle_officer_referral(handler_context& context, const api_call& call) {
  auto& referrals = context.referrals;
  const std::string referral_id = call.param("referral_id");
  const auto result = co_await await_op<storage::officer_referral>(
      [&](auto done) { referrals.officer_detail(call.caller.session.who, referral_id, std::move(done)); });
  co_return op_answer(result, 200, officer_referral_json);
}

asio::awaitable<http_response> handle_return_referral(handler_context& context, const api_call& call) {
  auto& referrals = context.referrals;
  const std::string referral_id = call.param("referral_id");
  const auto result = co_await await_op<storage::officer_referral>(
      [&](auto done) { referrals.return_answers(call.caller.session.who, referral_id, std::move(done)); });
  co_return op_answer(result, 200, officer_referral_json);
}

asio::awaitable<http_response> handle_propose_referral(handler_context& context, const api_call& call) {
  auto proposal = parse_json_body(call.request, [&](std::string_view body) { return parse_referral_proposal(body, *call.caller.tenant); });
  if (!proposal.value) {
    co_return api_error_response(proposal.error);
  }
  const storage::actor& who = call.caller.session.who;
  // Sending without consent is a supervisor's decision: refused before the body's content is judged.
  if (proposal.value->emergency && !routing::allows(who.role, routing::permission::emergency_referral)) {
    co_return api_error_response("forbidden");
  }
  proposal.value->consultation_id = call.param("consultation_id");
  auto& referrals = context.referrals;
  const auto result = co_await await_op<storage::referral_view>(
      [&](auto done) { referrals.propose(who, std::move(*proposal.value), std::move(done)); });
  co_return op_answer(result, 201, referral_json);
}

asio::awaitable<http_response> handle_record_consent(handler_context& context, const api_call& call) {
  auto consent = parse_json_body(call.request, parse_consent_record);
  if (!consent.value) {
    co_return api_error_response(consent.error);
  }
  auto& referrals = context.referrals;
  const std::string referral_id = call.param("referral_id");
  const auto result = co_await await_op<storage::referral_view>([&](auto done) {
    referrals.record_consent(call.caller.session.who, referral_id, consent.value->granted,
                             consent.value->message_id, std::move(done));
  });
  co_return op_answer(result, 200, referral_json);
}

asio::awaitable<http_response> handle_withdraw_consent(handler_context& context, const api_call& call) {
  auto message_id = parse_json_body(call.request, parse_withdrawal);
  if (!message_id.value) {
    co_return api_error_response(message_id.error);
  }
  auto& referrals = context.referrals;
  const std::string referral_id = call.param("referral_id");
  const auto result = co_await await_op<storage::referral_view>([&](auto done) {
    referrals.withdraw(call.caller.session.who, referral_id, *message_id.value, std::move(done));
  });
  co_return op_answer(result, 200, referral_json);
}

asio::awaitable<http_response> handle_emergency_referral(handler_context& context, const api_call& call) {
  auto basis = parse_json_body(call.request, parse_emergency_basis);
  if (!basis.value) {
    co_return api_error_response(basis.error);
  }
  auto& referrals = context.referrals;
  const std::string referral_id = call.param("referral_id");
  const auto result = co_await await_op<storage::referral_view>([&](auto done) {
    referrals.emergency_send(call.caller.session.who, referral_id, std::move(*basis.value), std::move(done));
  });
  co_return op_answer(result, 200, referral_json);
}

asio::awaitable<http_response> handle_forward_referral(handler_context& context, const api_call& call) {
  auto units = parse_json_body(call.request, parse_forward);
  if (!units.value) {
    co_return api_error_response(units.error);
  }
  auto& referrals = context.referrals;
  const std::string referral_id = call.param("referral_id");
  const auto result = co_await await_op<storage::officer_referral>([&](auto done) {
    referrals.forward(call.caller.session.who, referral_id, std::move(*units.value), std::move(done));
  });
  co_return op_answer(result, 200, officer_referral_json);
}

asio::awaitable<http_response> handle_answer_referral(handler_context& context, const api_call& call) {
  auto text = parse_json_body(call.request, parse_text);
  if (!text.value) {
    co_return api_error_response(text.error);
  }
  auto& referrals = context.referrals;
  const std::string referral_id = call.param("referral_id");
  const auto result = co_await await_op<storage::officer_referral>([&](auto done) {
    referrals.answer(call.caller.session.who, referral_id, std::move(*text.value), std::move(done));
  });
  co_return op_answer(result, 200, officer_referral_json);
}

}  // namespace yorisoi::gateway
