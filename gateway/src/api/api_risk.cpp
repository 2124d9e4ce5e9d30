// Risk levels of a consultation (work_consultations): set one with a reason, read the history. The
// storage layer decides whether it is a lowering, seals the reason and audits both.
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"
#include "yorisoi/gateway/api_risk_json.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

asio::awaitable<http_response> handle_set_risk(handler_context& context, const api_call& call) {
  auto wanted = parse_json_body(call.request, parse_risk_request);
  if (!wanted.value) {
    co_return api_error_response(wanted.error);
  }
  auto& console = context.console;
  const std::string consultation_id = call.param("consultation_id");
  const auto result = co_await await_op<storage::queue_item>([&](auto done) {
    console.set_risk(call.caller.session.who, consultation_id, wanted.value->level, std::move(wanted.value->reason),
                     std::move(done));
  });
  co_return op_answer(result, 200, queue_item_json);
}

asio::awaitable<http_response> handle_risk_history(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::string consultation_id = call.param("consultation_id");
  const auto result = co_await await_op<std::vector<storage::risk_change>>([&](auto done) {
    console.risk_history(call.caller.session.who, consultation_id, std::move(done));
  });
  co_return op_answer(result, 200, risk_history_json);
}

}  // namespace yorisoi::gateway
