// The TOTP second factor of one's own account — begin (the secret and its otpauth URI), confirm with
// a code (the recovery codes, shown once), disable with the password and a code — and an admin's
// reset of another user's factor. The rules and the audit are in storage; here bodies and answers.
#include "api/api_common.hpp"
#include "api/api_handlers.hpp"
#include "api/async_console.hpp"
#include "api/json_body.hpp"

#include <boost/json.hpp>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

// Longer than any TOTP or recovery code: refused before anything is looked up.
constexpr std::size_t max_code_bytes = 64;

struct code_body {
  std::string code;
  std::string password;
};

// {"code": "123456"} (and "password" when `with_password`); anything else 400.
std::optional<code_body> parse_code_body(std::string_view text, bool with_password) {
  auto object = detail::parse_object(text);
  code_body out;
  if (!object || detail::get_string(*object, "code", out.code) != 1 || out.code.size() > max_code_bytes) {
    return std::nullopt;
  }
  if (with_password) {
    if (detail::get_string(*object, "password", out.password) != 1 ||
        detail::unknown_keys(*object, {"code", "password"})) {
      return std::nullopt;
    }
  } else if (detail::unknown_keys(*object, {"code"})) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

asio::awaitable<http_response> handle_reset_totp(handler_context& context, const api_call& call) {
  auto& console = context.console;
  const std::string user_id = call.param("user_id");
  const auto result = co_await await_op<storage::nothing>(
      [&](auto done) { console.totp_reset(call.caller.session.who, user_id, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status, result.reason);
  }
  co_return no_content();
}

asio::awaitable<http_response> handle_begin_totp(handler_context& context, const api_call& call) {
  if (auto refusal = require_json(call.request)) {
    co_return std::move(*refusal);
  }
  auto& console = context.console;
  const auto result = co_await await_op<storage::totp_enrolment>([&](auto done) {
    console.totp_begin(call.caller.session.who, call.caller.tenant->name, std::move(done));
  });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status, result.reason);
  }
  boost::json::object out{{"secret", result.value.secret_base32}, {"uri", result.value.uri}};
  co_return api_json(201, boost::json::serialize(out));
}

asio::awaitable<http_response> handle_confirm_totp(handler_context& context, const api_call& call) {
  if (auto refusal = require_json(call.request)) {
    co_return std::move(*refusal);
  }
  const auto body = parse_code_body(call.request.body, false);
  if (!body) {
    co_return api_error_response("bad_request");
  }
  auto& console = context.console;
  const auto result = co_await await_op<std::vector<std::string>>(
      [&](auto done) { console.totp_confirm(call.caller.session.who, body->code, std::move(done)); });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status, result.reason);
  }
  boost::json::array codes;
  for (const auto& c : result.value) {
    codes.emplace_back(c);
  }
  co_return api_json(200, boost::json::serialize(boost::json::object{{"recovery_codes", std::move(codes)}}));
}

asio::awaitable<http_response> handle_disable_totp(handler_context& context, const api_call& call) {
  if (auto refusal = require_json(call.request)) {
    co_return std::move(*refusal);
  }
  const auto body = parse_code_body(call.request.body, true);
  if (!body) {
    co_return api_error_response("bad_request");
  }
  auto& console = context.console;
  const auto result = co_await await_op<storage::nothing>([&](auto done) {
    console.totp_disable(call.caller.session.who, body->password, body->code, std::move(done));
  });
  if (result.status != storage::op_status::ok) {
    co_return op_error_response(result.status, result.reason);
  }
  co_return no_content();
}

}  // namespace yorisoi::gateway
