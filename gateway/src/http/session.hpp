#pragma once
// One HTTP/1.1 connection: reads requests with limits and timeouts, validates framing, dispatches
// to the route table and writes responses, keep-alive included. Beast stays inside session.cpp.
//
// Thread-safety: a connection lives on its own strand; close_when_idle() and close_now() may be
// called from any thread (they post to that strand).

#include "http/handlers.hpp"
#include "stream/stream_hub.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/address_limits.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <memory>

namespace yorisoi::gateway {

struct connection;  // defined in session.cpp

// Shared by every session; owned by the server.
struct session_env {
  handler_context& handlers;
  const config::server_settings& limits;
  const std::atomic<bool>& draining;  // set once on shutdown: finish the current request, then close
  stream_hub& hub;                    // console WebSockets (the hub closes them on shutdown)
  // Connections per client address, counted from a connection's first request (when its address is
  // known, X-Forwarded-For of a trusted proxy included) until it closes (a WebSocket's life included).
  address_counter& per_address;
};

// `socket` must already be bound to a strand.
[[nodiscard]] std::shared_ptr<connection> make_connection(boost::asio::ip::tcp::socket socket);

// Serves until the peer closes, a timeout, an error, or shutdown. Never throws.
[[nodiscard]] boost::asio::awaitable<void> serve_connection(session_env& env,
                                                            std::shared_ptr<connection> conn);

// Answers 503 (too many connections) and closes. Never throws.
[[nodiscard]] boost::asio::awaitable<void> refuse_connection(session_env& env,
                                                             std::shared_ptr<connection> conn);

// Shutdown: close the connection if it waits for a request; otherwise it closes after its answer.
// A connection upgraded to a WebSocket is left to the hub.
void close_when_idle(const std::shared_ptr<connection>& conn);
// Grace period over: close at once.
void close_now(const std::shared_ptr<connection>& conn);

}  // namespace yorisoi::gateway
