// The transfer candidates of the caller's tenant, filtered from the staff list in the gateway so that
// storage keeps one staff query.
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <tuple>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

bool can_take_consultations(const storage::staff_user& user) {
  if (user.disabled) {
    return false;
  }
  switch (user.role) {
    case routing::staff_role::counsellor:
    case routing::staff_role::supervisor:
      return true;
    case routing::staff_role::admin:
    case routing::staff_role::officer:
    case routing::staff_role::analyst:
      return false;
  }
  return false;
}

// Only what the choice needs: no login names (they are half a credential), units or account state.
std::string assignees_json(std::vector<storage::staff_user> staff) {
  std::erase_if(staff, [](const storage::staff_user& u) { return !can_take_consultations(u); });
  // Byte order of UTF-8 is code point order: stable and the same on every instance.
  std::sort(staff.begin(), staff.end(), [](const storage::staff_user& a, const storage::staff_user& b) {
    return std::tie(a.display_name, a.user_id) < std::tie(b.display_name, b.user_id);
  });
  boost::json::array items;
  items.reserve(staff.size());
  for (const auto& user : staff) {
    boost::json::object entry;
    entry["user_id"] = user.user_id;
    entry["display_name"] = user.display_name;
    entry["role"] = routing::to_string(user.role);
    items.push_back(std::move(entry));
  }
  boost::json::object body;
  body["items"] = std::move(items);
  return boost::json::serialize(body);
}

}  // namespace

asio::awaitable<http_response> handle_list_assignees(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const storage::actor who = call.caller.session.who;
  auto result = co_await await_op<std::vector<storage::staff_user>>(
      [&](auto done) { console.list_staff(who, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  co_return api_json(200, assignees_json(std::move(result.value)));
}

}  // namespace yorisoi::gateway
