// Staff administration of the caller's tenant (manage_staff), with the confirmation of raises.
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"

#include <algorithm>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

// Units come from the configuration, which storage does not know: an officer's unit must be one of
// the tenant's.
bool known_unit(const config::tenant& tenant, const std::string& unit) {
  return unit.empty() || std::any_of(tenant.org_units.begin(), tenant.org_units.end(),
                                     [&unit](const config::org_unit& u) { return u.id == unit; });
}

http_response unknown_unit() {
  api_error error = refusal_error("invalid", "unknown_unit");
  error.message = "所属が正しくありません。";
  return api_error_response(error);
}

}  // namespace

asio::awaitable<http_response> handle_list_staff(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const auto result = co_await await_op<std::vector<storage::staff_user>>(
      [&](auto done) { console.list_staff(call.caller.session.who, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  co_return api_json(200, staff_list_json(result.value));
}

asio::awaitable<http_response> handle_confirm_role(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::string user_id = call.param("user_id");
  const auto result = co_await await_op<storage::staff_user>(
      [&](auto done) { console.confirm_role(call.caller.session.who, user_id, std::move(done)); });
  co_return op_answer(result, 200, staff_json);
}

asio::awaitable<http_response> handle_cancel_role(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::string user_id = call.param("user_id");
  const auto result = co_await await_op<storage::staff_user>(
      [&](auto done) { console.cancel_role(call.caller.session.who, user_id, std::move(done)); });
  co_return op_answer(result, 200, staff_json);
}

asio::awaitable<http_response> handle_create_staff(handler_context& context, const api_call& call) {
  auto body = parse_json_body(call.request, parse_new_staff);
  if (!body.value) {
    co_return api_error_response(body.error);
  }
  if (!known_unit(*call.caller.tenant, body.value->org_unit)) {
    co_return unknown_unit();
  }
  auto& console = context.console;
  const auto result = co_await await_op<storage::staff_user>([&](auto done) {
    console.create_staff(call.caller.session.who, std::move(*body.value), std::move(done));
  });
  co_return op_answer(result, 201, staff_json);
}

asio::awaitable<http_response> handle_update_staff(handler_context& context, const api_call& call) {
  auto body = parse_json_body(call.request, parse_staff_patch);
  if (!body.value) {
    co_return api_error_response(body.error);
  }
  if (body.value->org_unit && !known_unit(*call.caller.tenant, *body.value->org_unit)) {
    co_return unknown_unit();
  }
  auto& console = context.console;
  const std::string user_id = call.param("user_id");
  const auto result = co_await await_op<storage::staff_user>([&](auto done) {
    console.update_staff(call.caller.session.who, user_id, std::move(*body.value), std::move(done));
  });
  co_return op_answer(result, 200, staff_json);
}

}  // namespace yorisoi::gateway
