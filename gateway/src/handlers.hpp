#pragma once
// Request handlers: a plain request in, a plain response out, database work awaited on the storage
// pool. They run on the session's strand; they hold no state of their own.

#include "http_message.hpp"
#include "metrics.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/routes.hpp"
#include "yorisoi/storage/service.hpp"

#include <boost/asio/awaitable.hpp>

namespace yorisoi::gateway {

// What handlers may use; owned by the server, outlives every session.
struct handler_context {
  const config::settings& settings;
  storage::service& store;
  gateway::metrics& metrics;
};

// Runs the handler of `match.found` (which must not be null).
[[nodiscard]] boost::asio::awaitable<http_response> dispatch(handler_context& context,
                                                             const route_match& match,
                                                             const http_request& request);

[[nodiscard]] boost::asio::awaitable<http_response> handle_line_webhook(handler_context& context,
                                                                        const route_match& match,
                                                                        const http_request& request);

}  // namespace yorisoi::gateway
