// Sign-in and one's own account: login, session, logout (here and everywhere), password, tenant.
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"
#include "yorisoi/gateway/tenant_rules.hpp"
#include "yorisoi/gateway/web_security.hpp"
#include "yorisoi/routing/schedule.hpp"

#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include <chrono>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

// 204 that also clears the session cookie in the browser.
http_response signed_out(const handler_context& context) {
  http_response response = no_content();
  response.headers.emplace_back("Set-Cookie",
                                cleared_session_cookie(!context.settings.server.plain_http_loopback));
  return response;
}

// The tenant's JSON with `hours`: whether it is staffed now, until when, and when the next staffed
// window opens (null when none is scheduled), computed at request time so the console's banner needs no
// rules.
std::string tenant_with_hours_json(const config::tenant& tenant) {
  const auto rules = make_schedule_rules(tenant);
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto current = routing::window_at(rules, now);
  const auto next = routing::next_window(rules, now);
  boost::json::object hours;
  hours["staffed_now"] = current.has_value();
  if (current) {
    hours["staffed_until"] = format_time(storage::time_point{current->end});
  } else {
    hours["staffed_until"] = nullptr;
  }
  if (next) {
    hours["next_window_start"] = format_time(storage::time_point{next->start});
  } else {
    hours["next_window_start"] = nullptr;
  }
  boost::json::value out = boost::json::parse(tenant_json(tenant));
  out.as_object()["hours"] = std::move(hours);
  return boost::json::serialize(out);
}

}  // namespace

asio::awaitable<http_response> handle_login(handler_context& context, const route_match&,
                                            const http_request& request) {
  if (!origin_acceptable(context.settings, request)) {
    co_return api_error_response("csrf");
  }
  auto body = parse_json_body(request, parse_login);
  if (!body.value) {
    co_return api_error_response(body.error);
  }
  storage::login_request login = std::move(*body.value);
  login.address = request.peer_address;
  auto& console = context.console;
  const auto result = co_await await_console<storage::login_result>(
      [&](auto done) { console.login(std::move(login), std::move(done)); });
  switch (result.status) {
    case storage::login_status::ok: {
      const config::tenant* tenant = context.settings.find_tenant(result.session.who.tenant_id);
      if (tenant == nullptr) {
        co_return api_error_response("bad_credentials");
      }
      // Ids only: never the login name or the token.
      spdlog::info("console login user={} tenant={}", result.session.who.user_id, tenant->id);
      http_response response = api_json(200, session_json(result.session, *tenant));
      response.headers.emplace_back(
          "Set-Cookie", session_cookie(result.token, !context.settings.server.plain_http_loopback));
      co_return response;
    }
    case storage::login_status::bad_credentials:
      co_return api_error_response("bad_credentials");
    case storage::login_status::second_factor_required: {
      api_error error = make_api_error("second_factor_required");
      error.reason = "second_factor_required";
      co_return api_error_response(error);
    }
    case storage::login_status::throttled: {
      http_response response = api_error_response("throttled");
      const auto seconds = std::max<std::int64_t>(1, result.retry_after.count());
      response.headers.emplace_back("Retry-After", std::to_string(seconds));
      co_return response;
    }
    case storage::login_status::unavailable:
      break;
  }
  co_return api_error_response("unavailable");
}

asio::awaitable<http_response> handle_get_session(handler_context&, const api_call& call) {
  co_return api_json(200, session_json(call.caller.session, *call.caller.tenant));
}

asio::awaitable<http_response> handle_get_tenant(handler_context&, const api_call& call) {
  co_return api_json(200, tenant_with_hours_json(*call.caller.tenant));
}

asio::awaitable<http_response> handle_logout(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const auto result = co_await await_op<storage::nothing>(
      [&](auto done) { console.logout(call.caller.token, std::move(done)); });
  if (result.status != storage::op_status::ok && result.status != storage::op_status::not_found) {
    co_return op_error_response(result.status);
  }
  co_return signed_out(context);
}

asio::awaitable<http_response> handle_logout_everywhere(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const auto result = co_await await_op<storage::nothing>(
      [&](auto done) { console.logout_everywhere(call.caller.session.who, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status);
  }
  co_return signed_out(context);
}

asio::awaitable<http_response> handle_change_password(handler_context& context, const api_call& call) {
  auto body = parse_json_body(call.request, parse_password_change);
  if (!body.value) {
    co_return api_error_response(body.error);
  }
  auto& console = context.console;
  const auto result = co_await await_op<storage::nothing>([&](auto done) {
    console.change_password(call.caller.session.who, body.value->current_password, body.value->new_password,
                            std::move(done));
  });
  if (result.status == storage::op_status::throttled) {
    http_response response = api_error_response("throttled");
    response.headers.emplace_back("Retry-After",
                                  std::to_string(std::max<std::int64_t>(1, result.retry_after.count())));
    co_return response;
  }
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status, result.reason);
  }
  co_return no_content();
}

}  // namespace yorisoi::gateway
