#pragma once
// GET /api/v1/stream after admission: the WebSocket session of one console. Beast types stay in
// session.cpp and websocket.cpp.
//
// The socket first receives the events after `after` (or one resync event when more than 500 were
// missed), then live events from the hub; a ping every 20 s; client frames (max 4 KiB) are read and
// ignored. It closes with 4401 when its session ends (hub recheck) or expires, and with 4429 when its
// user opens more than server.max_sockets_per_user sockets and it is that user's oldest.
// Runs on the connection's strand; returns when the socket is closed.

#include "api/api_common.hpp"
#include "stream/stream_hub.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace yorisoi::gateway {

[[nodiscard]] boost::asio::awaitable<void> serve_stream(
    handler_context& context, stream_hub& hub, boost::beast::tcp_stream stream,
    boost::beast::http::request<boost::beast::http::string_body> request, stream_admission admission);

}  // namespace yorisoi::gateway
