// Admission of console API requests: Origin, session cookie, CSRF token and the route's permission,
// in that order, before any handler touches an object.
#include "api/api_common.hpp"

#include "api/async_console.hpp"
#include "yorisoi/gateway/account_gate.hpp"
#include "yorisoi/gateway/web_security.hpp"

namespace yorisoi::gateway {
namespace asio = boost::asio;

http_response api_json(unsigned status, std::string body) {
  return json_response(status, std::move(body));
}

http_response no_content() {
  http_response response;
  response.status = 204;
  response.content_type = "application/json";
  return response;
}

http_response api_error_response(const api_error& error) {
  http_response response = json_response(error.status, error_json(error));
  if (error.status == 503) {
    response.headers.emplace_back("Retry-After", "1");
  }
  return response;
}

http_response api_error_response(std::string_view code) {
  return api_error_response(make_api_error(code));
}

http_response op_error_response(storage::op_status status, std::string_view reason) {
  if (status != storage::op_status::conflict && status != storage::op_status::invalid) {
    return op_error_response(status);
  }
  return api_error_response(
      refusal_error(status == storage::op_status::conflict ? "conflict" : "invalid", reason));
}

http_response op_error_response(storage::op_status status) {
  switch (status) {
    case storage::op_status::ok:
      break;  // not an error: a caller bug, answered as such
    case storage::op_status::not_found:
      return api_error_response("not_found");
    case storage::op_status::conflict:
      return api_error_response("conflict");
    case storage::op_status::invalid:
      return api_error_response("invalid");
    case storage::op_status::throttled:
      return api_error_response("throttled");
    case storage::op_status::unavailable:
      return api_error_response("unavailable");
  }
  return api_error_response("internal");
}

std::string_view own_scheme(const config::settings& settings) {
  return settings.server.plain_http_loopback ? "http" : "https";
}

bool origin_acceptable(const config::settings& settings, const http_request& request) {
  if (!request.origin) {
    return true;
  }
  return origin_allowed(*request.origin, own_scheme(settings), request.host, settings.server.allowed_origins);
}

bool is_json_content(const http_request& request) {
  std::string_view type = request.content_type;
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') {
    type.remove_suffix(1);
  }
  std::string lower(type);
  for (auto& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower == "application/json";
}

std::optional<http_response> require_json(const http_request& request) {
  if (!is_json_content(request)) {
    return api_error_response("unsupported_media_type");
  }
  return std::nullopt;
}

asio::awaitable<std::variant<api_caller, http_response>> authenticate_request(handler_context& context,
                                                                              const http_request& request) {
  const auto token =
      find_cookie(request.cookie, session_cookie_name(!context.settings.server.plain_http_loopback));
  if (!token || token->empty()) {
    co_return api_error_response("unauthenticated");
  }
  auto& console = context.console;
  const auto result = co_await await_op<storage::session_info>([&](auto done) {
    // A background refetch is no sign of a person at the console: it does not keep the session alive.
    if (request.background) {
      console.check_session(*token, std::move(done));
    } else {
      console.authenticate(*token, std::move(done));
    }
  });
  if (result.status == storage::op_status::unavailable) {
    co_return api_error_response("unavailable");
  }
  if (result.status != storage::op_status::ok) {
    co_return api_error_response("unauthenticated");
  }
  const config::tenant* tenant = context.settings.find_tenant(result.value.who.tenant_id);
  if (tenant == nullptr) {
    // A session of a tenant no longer configured: nothing it could do would make sense.
    co_return api_error_response("unauthenticated");
  }
  co_return api_caller{result.value, *token, tenant};
}

asio::awaitable<http_response> run_api(handler_context& context, const route_match& match,
                                       const http_request& request, api_handler handler) {
  const route& r = *match.found;
  if (!origin_acceptable(context.settings, request)) {
    co_return api_error_response("csrf");
  }
  auto admitted = co_await authenticate_request(context, request);
  if (auto* refusal = std::get_if<http_response>(&admitted)) {
    co_return std::move(*refusal);
  }
  const api_caller caller = std::get<api_caller>(std::move(admitted));
  if (request.method != "GET" && request.method != "HEAD") {
    if (!request.csrf_token || !equal_secrets(*request.csrf_token, caller.session.csrf_token)) {
      co_return api_error_response("csrf");
    }
  }
  // An unfinished account set-up (an admin's password, a required second factor) opens only its own
  // step and the session itself, whatever the role: the console learns the one thing to do next.
  if (auto refusal = account_gate_refusal(caller.session, *caller.tenant, r.account_step)) {
    co_return api_error_response(*refusal);
  }
  if (!r.permission || !routing::allows(caller.session.who.role, *r.permission)) {
    co_return api_error_response("forbidden");
  }
  co_return co_await handler(context, api_call{caller, match, request});
}

}  // namespace yorisoi::gateway
