#pragma once
// Request handlers: a plain request in, a plain response out, database work awaited on the storage
// pool. They run on the session's strand; they hold no state of their own.

#include "http/http_message.hpp"
#include "http/metrics.hpp"
#include "spool/spool.hpp"
#include "spool/spool_replayer.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/address_limits.hpp"
#include "yorisoi/gateway/routes.hpp"
#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/referral.hpp"
#include "yorisoi/storage/report.hpp"
#include "yorisoi/storage/service.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>

namespace yorisoi::gateway {

class line_signals;

// What handlers may use; owned by the server, outlives every session.
struct handler_context {
  const config::settings& settings;
  storage::service& store;
  gateway::metrics& metrics;
  storage::console_store& console;
  storage::referral_store& referrals;
  storage::report_store& reports;
  std::string console_dir;  // static console files (resolved at start-up)
  // The webhook spool (line_webhook.cpp), its replayer and the threads its appends block on.
  gateway::spool& spool;
  spool_replayer& replayer;
  boost::asio::thread_pool& spool_pool;
  // Tracked links: which client address has just had its click on a code counted (link_redirect.cpp).
  click_window& link_clicks;
  // LINE's chat signals (line/line_signals.hpp): set by the server once it exists; null in handlers
  // run without one, which then send none.
  line_signals* chat_signals = nullptr;
};

// `console` next to the running binary: where the build copies the console.
[[nodiscard]] std::string default_console_dir();

// Runs the handler the table names for `match.found` (which must not be null): a console API route's
// after admission (run_api, api_common.cpp), a public route's as it is.
[[nodiscard]] boost::asio::awaitable<http_response> dispatch(handler_context& context,
                                                             const route_match& match,
                                                             const http_request& request);

// The routes the session treats apart: the webhook (exempt from the per-address connection cap) and
// the stream (upgraded to a WebSocket by the session itself).
[[nodiscard]] bool is_webhook_route(const route& r) noexcept;
[[nodiscard]] bool is_stream_route(const route& r) noexcept;

// The public routes' handlers, each named after its route (`handle_<name>`).

// GET /healthz, /readyz and /metrics (handlers.cpp).
[[nodiscard]] boost::asio::awaitable<http_response> handle_healthz(handler_context& context,
                                                                   const route_match& match,
                                                                   const http_request& request);
[[nodiscard]] boost::asio::awaitable<http_response> handle_readyz(handler_context& context,
                                                                  const route_match& match,
                                                                  const http_request& request);
[[nodiscard]] boost::asio::awaitable<http_response> handle_metrics(handler_context& context,
                                                                   const route_match& match,
                                                                   const http_request& request);

// GET /api/v1/stream without a WebSocket upgrade: 426 (handlers.cpp). The session upgrades real
// WebSocket requests itself (admit_stream, api_events.cpp).
[[nodiscard]] boost::asio::awaitable<http_response> handle_stream(handler_context& context,
                                                                  const route_match& match,
                                                                  const http_request& request);

// GET / and /console redirect to /console/; /console/{path...} serves a file of the console folder
// (console_files.cpp).
[[nodiscard]] boost::asio::awaitable<http_response> handle_root(handler_context& context,
                                                                const route_match& match,
                                                                const http_request& request);
[[nodiscard]] boost::asio::awaitable<http_response> handle_console_redirect(handler_context& context,
                                                                            const route_match& match,
                                                                            const http_request& request);
[[nodiscard]] boost::asio::awaitable<http_response> handle_console_file(handler_context& context,
                                                                        const route_match& match,
                                                                        const http_request& request);

// POST /api/v1/session: sign-in (api_session.cpp). Public, but a foreign Origin is refused (403 csrf)
// like on every console API route.
[[nodiscard]] boost::asio::awaitable<http_response> handle_login(handler_context& context,
                                                                 const route_match& match,
                                                                 const http_request& request);

// GET /l/{code}: counts a click of a configured tracked link and redirects to its channel's add-friend
// URL; 404 for an unknown code. One click per client address and code per minute is counted (repeats
// are redirected without a database write); the address is held in memory for that minute only, never
// stored or logged. No cookie is read or set; no code is logged.
[[nodiscard]] boost::asio::awaitable<http_response> handle_link_redirect(handler_context& context,
                                                                         const route_match& match,
                                                                         const http_request& request);

[[nodiscard]] boost::asio::awaitable<http_response> handle_line_webhook(handler_context& context,
                                                                        const route_match& match,
                                                                        const http_request& request);

}  // namespace yorisoi::gateway
