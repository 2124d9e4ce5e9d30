// Staff administration of the caller's tenant (manage_staff).
#include "api_common.hpp"
#include "async_console.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

asio::awaitable<http_response> handle_staff_api(handler_context& context, handler_id id, const api_caller& caller,
                                                const route_match& match, const http_request& request) {
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
  if (auto refusal = require_json(request)) {
    co_return std::move(*refusal);
  }
  if (id == handler_id::api_staff_create) {
    auto body = parse_new_staff(request.body);
    if (!body.value) {
      co_return api_error_response(body.error);
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
  const std::string user_id(match.param("user_id").value_or(""));
  const auto result = co_await await_op<storage::staff_user>(
      [&](auto done) {
        console.update_staff(who, user_id, std::move(*body.value), std::move(done));
      });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  co_return api_json(200, staff_json(result.value));
}

}  // namespace yorisoi::gateway
