#pragma once
// What every console API handler shares: the admitted caller, JSON and error answers, and the
// mapping of storage outcomes to HTTP statuses. No Beast here.

#include "http/handlers.hpp"
#include "http/http_message.hpp"
#include "http/route_handler.hpp"
#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/storage/console.hpp"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace yorisoi::gateway {

// A request that passed admission: a live session (with its tenant's config) allowed the route.
struct api_caller {
  storage::session_info session;
  std::string token;  // the cookie value (sensitive: never logged)
  const config::tenant* tenant = nullptr;
};

// What an API handler is given besides the context: the admitted caller, the route's match (its
// placeholders) and the request.
struct api_call {
  const api_caller& caller;
  const route_match& match;
  const http_request& request;

  // The placeholder `name` of the route's pattern ("" when the pattern has none).
  [[nodiscard]] std::string param(std::string_view name) const {
    return std::string(match.param(name).value_or(""));
  }
};

[[nodiscard]] http_response api_json(unsigned status, std::string body);
// 204 No Content (an answer with nothing to say).
[[nodiscard]] http_response no_content();
[[nodiscard]] http_response api_error_response(const api_error& error);
[[nodiscard]] http_response api_error_response(std::string_view code);
// not_found → 404, conflict → 409, invalid → 422, unavailable → 503 (with Retry-After).
[[nodiscard]] http_response op_error_response(storage::op_status status);
// The same, for conflict/invalid with the rule's stable code as `reason` and its Japanese message
// (see refusal_error); other statuses as above.
[[nodiscard]] http_response op_error_response(storage::op_status status, std::string_view reason);

// "https" when the deployment runs behind TLS (secure cookies), else "http": the scheme of our own origin.
[[nodiscard]] std::string_view own_scheme(const config::settings& settings);
// A request without Origin passes; one with a foreign Origin does not.
[[nodiscard]] bool origin_acceptable(const config::settings& settings, const http_request& request);
// Whether the Content-Type is application/json (parameters such as charset allowed).
[[nodiscard]] bool is_json_content(const http_request& request);
// 415 unless the Content-Type is application/json.
[[nodiscard]] std::optional<http_response> require_json(const http_request& request);

// A JSON request body read by `parse` (a parser of api_json.hpp taking the body text): its value, or the
// refusal to answer — unsupported_media_type (415) unless the Content-Type is application/json, else
// the parser's own.
template <typename Parse>
[[nodiscard]] auto parse_json_body(const http_request& request, Parse&& parse) -> decltype(parse(request.body)) {
  if (!is_json_content(request)) {
    decltype(parse(request.body)) refused;
    refused.error = make_api_error("unsupported_media_type");
    return refused;
  }
  return parse(request.body);
}

// A storage outcome as the answer: `status` with serialise(value) when it succeeded, else its refusal
// (op_error_response with the rule's reason).
template <typename T, typename Serialise>
[[nodiscard]] http_response op_answer(const storage::op_result<T>& result, unsigned status, Serialise serialise) {
  if (result.status != storage::op_status::ok) {
    return op_error_response(result.status, result.reason);
  }
  return api_json(status, serialise(result.value));
}

// Session cookie → authenticated session of a known tenant, or the answer to give (401/503).
[[nodiscard]] boost::asio::awaitable<std::variant<api_caller, http_response>> authenticate_request(
    handler_context& context, const http_request& request);

// GET /api/v1/stream before the upgrade: Origin present and allowed (403 csrf), a live session (401),
// after=N well formed (400). `refusal` is set when the upgrade must not happen.
struct stream_admission {
  std::optional<http_response> refusal;
  api_caller caller;
  std::optional<std::int64_t> after;
};
[[nodiscard]] boost::asio::awaitable<stream_admission> admit_stream(handler_context& context,
                                                                    const http_request& request);

// Admission of a console API request, in this order: Origin (403 csrf), session cookie (401), CSRF
// token on anything but GET/HEAD (403 csrf), the account gate (403 with its reason), the route's
// permission (403 forbidden); then `handler` runs with the admitted caller.
[[nodiscard]] boost::asio::awaitable<http_response> run_api(handler_context& context,
                                                            const route_match& match,
                                                            const http_request& request, api_handler handler);

}  // namespace yorisoi::gateway
