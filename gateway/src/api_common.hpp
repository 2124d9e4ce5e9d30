#pragma once
// What every console API handler shares: the admitted caller, JSON and error answers, and the
// mapping of storage outcomes to HTTP statuses. No Beast here.

#include "handlers.hpp"
#include "http_message.hpp"
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

[[nodiscard]] http_response api_json(unsigned status, std::string body);
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
// 415 unless the Content-Type is application/json (parameters such as charset allowed).
[[nodiscard]] std::optional<http_response> require_json(const http_request& request);

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

// Area handlers, called after admission with the route's handler id.
[[nodiscard]] boost::asio::awaitable<http_response> handle_login(handler_context& context,
                                                                 const http_request& request);
[[nodiscard]] boost::asio::awaitable<http_response> handle_session_api(handler_context& context,
                                                                       handler_id id,
                                                                       const api_caller& caller,
                                                                       const http_request& request);
// The TOTP second factor (api_totp.cpp): one's own, and an admin's reset of another's.
[[nodiscard]] boost::asio::awaitable<http_response> handle_totp_api(handler_context& context, handler_id id,
                                                                    const api_caller& caller,
                                                                    const route_match& match,
                                                                    const http_request& request);
[[nodiscard]] boost::asio::awaitable<http_response> handle_staff_api(handler_context& context, handler_id id,
                                                                     const api_caller& caller,
                                                                     const route_match& match,
                                                                     const http_request& request);
[[nodiscard]] boost::asio::awaitable<http_response> handle_consultation_api(handler_context& context,
                                                                            handler_id id,
                                                                            const api_caller& caller,
                                                                            const route_match& match,
                                                                            const http_request& request);
// Referrals (api_referrals.cpp): the counsellors' and the officers' routes.
[[nodiscard]] boost::asio::awaitable<http_response> handle_referral_api(handler_context& context,
                                                                        handler_id id,
                                                                        const api_caller& caller,
                                                                        const route_match& match,
                                                                        const http_request& request);
// Reports (api_reports.cpp): the summary as JSON or CSV.
[[nodiscard]] boost::asio::awaitable<http_response> handle_report_api(handler_context& context, handler_id id,
                                                                      const api_caller& caller,
                                                                      const http_request& request);
[[nodiscard]] boost::asio::awaitable<http_response> handle_events_api(handler_context& context,
                                                                      const api_caller& caller,
                                                                      const http_request& request);

}  // namespace yorisoi::gateway
