#pragma once
// Request handlers: a plain request in, a plain response out, database work awaited on the storage
// pool. They run on the session's strand; they hold no state of their own.

#include "http_message.hpp"
#include "metrics.hpp"
#include "spool.hpp"
#include "spool_replayer.hpp"
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
};

// `console` next to the running binary: where the build copies the console.
[[nodiscard]] std::string default_console_dir();

// Runs the handler of `match.found` (which must not be null).
[[nodiscard]] boost::asio::awaitable<http_response> dispatch(handler_context& context,
                                                             const route_match& match,
                                                             const http_request& request);

// The console API (/api/v1/…, except the stream): admission (Origin, session, CSRF, permission) and
// the area handlers (api_*.cpp).
[[nodiscard]] boost::asio::awaitable<http_response> handle_api(handler_context& context,
                                                               const route_match& match,
                                                               const http_request& request);

// GET /, /console and /console/{path...}: redirects and static files from the console folder.
[[nodiscard]] http_response handle_console_file(const handler_context& context, const route_match& match);

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
