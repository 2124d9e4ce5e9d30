// Referrals: the counsellors' routes (work_consultations; an emergency also
// needs emergency_referral, checked here because only the body says whether a proposal is one) and
// the officers' (officer_inbox). The route's permission was checked by handle_api; the store limits
// every referral to the caller's tenant and, for officers, to what their unit may see (not_found).
#include "api_common.hpp"
#include "async_console.hpp"
#include "yorisoi/gateway/api_referral_json.hpp"
#include "yorisoi/storage/referral.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

template <typename T, typename Serialise>
http_response answer(const storage::op_result<T>& result, unsigned status, Serialise serialise) {
  if (result.status != storage::op_status::ok) {
    return op_error_response(result.status, result.reason);
  }
  return api_json(status, serialise(result.value));
}

const config::org_unit* unit_of(const config::tenant& tenant, const std::string& unit_id) {
  for (const auto& unit : tenant.org_units) {
    if (unit.id == unit_id) {
      return &unit;
    }
  }
  return nullptr;
}

// GET routes and the body-less POSTs.
asio::awaitable<std::optional<http_response>> without_body(storage::referral_store& referrals, handler_id id,
                                                           const api_caller& caller,
                                                           const std::string& object_id,
                                                           std::string_view query) {
  const storage::actor& who = caller.session.who;
  switch (id) {
    case handler_id::api_referrals_list: {
      const auto result = co_await await_op<std::vector<storage::referral_view>>(
          [&](auto done) { referrals.list_for_consultation(who, object_id, std::move(done)); });
      co_return answer(result, 200, referral_list_json);
    }
    case handler_id::api_referral_close: {
      const auto result = co_await await_op<storage::referral_view>(
          [&](auto done) { referrals.close(who, object_id, std::move(done)); });
      co_return answer(result, 200, referral_json);
    }
    case handler_id::api_officer_inbox: {
      auto page = parse_officer_inbox_request(query);
      if (!page.value) {
        co_return api_error_response(page.error);
      }
      const auto result = co_await await_op<storage::officer_inbox_page>(
          [&](auto done) { referrals.officer_inbox(who, std::move(*page.value), std::move(done)); });
      if (result.status != storage::op_status::ok) {
        co_return op_error_response(result.status, result.reason);
      }
      co_return api_json(200, officer_inbox_json(unit_of(*caller.tenant, who.org_unit), result.value));
    }
    case handler_id::api_officer_referral: {
      const auto result = co_await await_op<storage::officer_referral>(
          [&](auto done) { referrals.officer_detail(who, object_id, std::move(done)); });
      co_return answer(result, 200, officer_referral_json);
    }
    case handler_id::api_officer_return: {
      const auto result = co_await await_op<storage::officer_referral>(
          [&](auto done) { referrals.return_answers(who, object_id, std::move(done)); });
      co_return answer(result, 200, officer_referral_json);
    }
    default:
      break;
  }
  co_return std::nullopt;
}

}  // namespace

asio::awaitable<http_response> handle_referral_api(handler_context& context, handler_id id,
                                                   const api_caller& caller, const route_match& match,
                                                   const http_request& request) {
  auto& referrals = context.referrals;
  const storage::actor who = caller.session.who;
  // Every route names one object: the consultation (list, propose) or the referral.
  const std::string object_id(
      match
          .param(id == handler_id::api_referrals_list || id == handler_id::api_referral_propose
                     ? "consultation_id"
                     : "referral_id")
          .value_or(""));

  if (auto done = co_await without_body(referrals, id, caller, object_id, request.query)) {
    co_return std::move(*done);
  }
  if (auto refusal = require_json(request)) {
    co_return std::move(*refusal);
  }
  switch (id) {
    case handler_id::api_referral_propose: {
      auto proposal = parse_referral_proposal(request.body, *caller.tenant);
      if (!proposal.value) {
        co_return api_error_response(proposal.error);
      }
      // Sending without consent is a supervisor's decision: refused before the body's content is judged.
      if (proposal.value->emergency && !routing::allows(who.role, routing::permission::emergency_referral)) {
        co_return api_error_response("forbidden");
      }
      proposal.value->consultation_id = object_id;
      const auto result = co_await await_op<storage::referral_view>(
          [&](auto done) { referrals.propose(who, std::move(*proposal.value), std::move(done)); });
      co_return answer(result, 201, referral_json);
    }
    case handler_id::api_referral_consent: {
      auto consent = parse_consent_record(request.body);
      if (!consent.value) {
        co_return api_error_response(consent.error);
      }
      const auto result = co_await await_op<storage::referral_view>([&](auto done) {
        referrals.record_consent(who, object_id, consent.value->granted, consent.value->message_id,
                                 std::move(done));
      });
      co_return answer(result, 200, referral_json);
    }
    case handler_id::api_referral_withdraw: {
      auto message_id = parse_withdrawal(request.body);
      if (!message_id.value) {
        co_return api_error_response(message_id.error);
      }
      const auto result = co_await await_op<storage::referral_view>(
          [&](auto done) { referrals.withdraw(who, object_id, *message_id.value, std::move(done)); });
      co_return answer(result, 200, referral_json);
    }
    case handler_id::api_referral_emergency: {
      auto basis = parse_emergency_basis(request.body);
      if (!basis.value) {
        co_return api_error_response(basis.error);
      }
      const auto result = co_await await_op<storage::referral_view>([&](auto done) {
        referrals.emergency_send(who, object_id, std::move(*basis.value), std::move(done));
      });
      co_return answer(result, 200, referral_json);
    }
    case handler_id::api_officer_forward: {
      auto units = parse_forward(request.body);
      if (!units.value) {
        co_return api_error_response(units.error);
      }
      const auto result = co_await await_op<storage::officer_referral>(
          [&](auto done) { referrals.forward(who, object_id, std::move(*units.value), std::move(done)); });
      co_return answer(result, 200, officer_referral_json);
    }
    case handler_id::api_officer_answer: {
      auto text = parse_text(request.body);
      if (!text.value) {
        co_return api_error_response(text.error);
      }
      const auto result = co_await await_op<storage::officer_referral>(
          [&](auto done) { referrals.answer(who, object_id, std::move(*text.value), std::move(done)); });
      co_return answer(result, 200, officer_referral_json);
    }
    default:
      break;
  }
  co_return api_error_response("not_found");
}

}  // namespace yorisoi::gateway
