// Staff administration of the caller's tenant (manage_staff), with the confirmation of raises.
#include "api_common.hpp"
#include "async_console.hpp"

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
  api_error error = make_api_error("invalid");
  error.message = "所属が正しくありません。";
  return api_error_response(error);
}

}  // namespace

asio::awaitable<http_response> handle_staff_api(handler_context& context, handler_id id,
                                                const api_caller& caller, const route_match& match,
                                                const http_request& request) {
  auto& console = context.console;
  const storage::actor who = caller.session.who;
  if (id == handler_id::api_staff_list) {
    const auto result = co_await await_op<std::vector<storage::staff_user>>(
        [&](auto done) { console.list_staff(who, std::move(done)); });
    if (result.status != storage::op_status::ok) {
      co_return op_error_response(result.status);
    }
    co_return api_json(200, staff_list_json(result.value));
  }
  if (id == handler_id::api_staff_role_confirm || id == handler_id::api_staff_role_cancel) {
    const std::string user_id(match.param("user_id").value_or(""));
    const bool confirm = id == handler_id::api_staff_role_confirm;
    const auto result = co_await await_op<storage::staff_user>([&](auto done) {
      if (confirm) {
        console.confirm_role(who, user_id, std::move(done));
      } else {
        console.cancel_role(who, user_id, std::move(done));
      }
    });
    if (result.status != storage::op_status::ok) {
      co_return op_error_response(result.status, result.reason);
    }
    co_return api_json(200, staff_json(result.value));
  }
  if (auto refusal = require_json(request)) {
    co_return std::move(*refusal);
  }
  if (id == handler_id::api_staff_create) {
    auto body = parse_new_staff(request.body);
    if (!body.value) {
      co_return api_error_response(body.error);
    }
    if (!known_unit(*caller.tenant, body.value->org_unit)) {
      co_return unknown_unit();
    }
    const auto result = co_await await_op<storage::staff_user>(
        [&](auto done) { console.create_staff(who, std::move(*body.value), std::move(done)); });
    if (result.status != storage::op_status::ok) {
      co_return op_error_response(result.status);
    }
    co_return api_json(201, staff_json(result.value));
  }
  auto body = parse_staff_patch(request.body);
  if (!body.value) {
    co_return api_error_response(body.error);
  }
  if (body.value->org_unit && !known_unit(*caller.tenant, *body.value->org_unit)) {
    co_return unknown_unit();
  }
  const std::string user_id(match.param("user_id").value_or(""));
  const auto result = co_await await_op<storage::staff_user>(
      [&](auto done) { console.update_staff(who, user_id, std::move(*body.value), std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  co_return api_json(200, staff_json(result.value));
}

}  // namespace yorisoi::gateway
