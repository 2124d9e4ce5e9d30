// On shift: one's own presence (work_consultations), the whole shift with everyone's load
// (supervise_shift) and a person's capacity (set_capacity). The tenant's default capacity comes from
// its config; the storage layer limits every account to the caller's tenant and audits each change.
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"
#include "yorisoi/gateway/api_shift_json.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

asio::awaitable<http_response> handle_get_presence(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::optional<unsigned> capacity = call.caller.tenant->shift.capacity;
  const auto result = co_await await_op<storage::presence_entry>(
      [&](auto done) { console.my_presence(call.caller.session.who, capacity, std::move(done)); });
  co_return op_answer(result, 200, presence_json);
}

asio::awaitable<http_response> handle_set_presence(handler_context& context, const api_call& call) {
  auto change = parse_json_body(call.request, parse_presence_request);
  if (!change.value) {
    co_return api_error_response(change.error);
  }
  auto& console = context.console;
  const std::optional<unsigned> capacity = call.caller.tenant->shift.capacity;
  const auto result = co_await await_op<storage::presence_outcome>([&](auto done) {
    console.set_presence(call.caller.session.who, change.value->status, std::move(change.value->handover_note),
                         capacity, std::move(done));
  });
  co_return op_answer(result, 200, presence_outcome_json);
}

asio::awaitable<http_response> handle_get_shift(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::optional<unsigned> capacity = call.caller.tenant->shift.capacity;
  const auto result = co_await await_op<std::vector<storage::presence_entry>>(
      [&](auto done) { console.shift(call.caller.session.who, capacity, std::move(done)); });
  co_return op_answer(result, 200, shift_json);
}

asio::awaitable<http_response> handle_set_capacity(handler_context& context, const api_call& call) {
  auto wanted = parse_json_body(call.request, parse_capacity);
  if (!wanted.value) {
    co_return api_error_response(wanted.error);
  }
  auto& console = context.console;
  const std::optional<unsigned> capacity = call.caller.tenant->shift.capacity;
  const std::string user_id = call.param("user_id");
  const auto result = co_await await_op<storage::presence_entry>([&](auto done) {
    console.set_capacity(call.caller.session.who, user_id, *wanted.value, capacity, std::move(done));
  });
  co_return op_answer(result, 200, presence_json);
}

}  // namespace yorisoi::gateway
