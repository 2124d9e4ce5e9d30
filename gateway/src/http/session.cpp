#include "http/session.hpp"

#include "api/api_common.hpp"
#include "stream/websocket.hpp"
#include "yorisoi/gateway/client_address.hpp"
#include "yorisoi/gateway/web_security.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace yorisoi::gateway {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct connection {
  explicit connection(tcp::socket socket) : executor(socket.get_executor()), stream(std::move(socket)) {}
  asio::any_io_executor executor;  // the strand; still valid after the stream moved to a WebSocket
  beast::tcp_stream stream;
  bool upgraded = false;  // strand only: the stream now belongs to a WebSocket session
  bool idle = true;       // strand only: waiting for the first byte of a request
  bool closing = false;   // strand only: shutdown asked; no further request
};

namespace {

constexpr auto as_result = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t read_chunk = 4096;

enum class head_result { complete, closed, too_large };

bool iequals(std::string_view a, std::string_view b) {
  return beast::iequals(a, b);
}

// Reads until the buffer holds a whole request head ("\r\n\r\n"). The stream's deadline was set by
// the caller and covers the whole head, so a client trickling bytes cannot keep it open.
asio::awaitable<head_result> read_head(connection& conn, beast::flat_buffer& buffer, std::size_t limit,
                                       std::size_t& head_size) {
  std::size_t searched = 0;
  for (;;) {
    const std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
    const auto end = data.find("\r\n\r\n", searched > 3 ? searched - 3 : 0);
    if (end != std::string_view::npos) {
      head_size = end + 4;
      co_return head_size > limit ? head_result::too_large : head_result::complete;
    }
    if (data.size() > limit) {
      co_return head_result::too_large;
    }
    searched = data.size();
    auto [ec, n] = co_await conn.stream.async_read_some(buffer.prepare(read_chunk), as_result);
    if (ec) {
      co_return head_result::closed;
    }
    buffer.commit(n);
  }
}

// Obsolete line folding (a header line starting with SP/HTAB) is accepted by Beast, which joins
// the lines; RFC 9112 lets a server reject it, and request smuggling is why we do.
bool has_obs_fold(std::string_view head) {
  for (auto pos = head.find("\r\n"); pos != std::string_view::npos; pos = head.find("\r\n", pos + 2)) {
    if (pos + 2 < head.size() && (head[pos + 2] == ' ' || head[pos + 2] == '\t')) {
      return true;
    }
  }
  return false;
}

// Framing the parser tolerates but we refuse: every ambiguity here is a smuggling vector.
bool framing_is_ambiguous(const http::request_header<>& head) {
  const auto lengths = head.count(http::field::content_length);
  const auto encodings = head.count(http::field::transfer_encoding);
  if (lengths > 1) {
    return true;
  }
  if (lengths == 1 && head[http::field::content_length].find(',') != std::string_view::npos) {
    return true;
  }
  if (encodings == 0) {
    return false;
  }
  return lengths > 0 || encodings > 1 || head.version() < 11 ||
         !iequals(head[http::field::transfer_encoding], "chunked");
}

http::response<http::string_body> to_beast(const http_response& response, unsigned version, bool keep_alive,
                                           bool secure) {
  http::response<http::string_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::content_type, response.content_type);
  out.set("X-Content-Type-Options", "nosniff");
  out.set(http::field::cache_control, "no-store");
  for (const auto& [name, value] : browser_security_headers(secure)) {
    out.set(name, value);
  }
  for (const auto& [name, value] : response.headers) {
    if (iequals(name, "Set-Cookie")) {
      out.insert(name, value);
    } else {
      out.set(name, value);
    }
  }
  out.keep_alive(keep_alive);
  out.body() = response.body;
  out.prepare_payload();
  return out;
}

asio::awaitable<bool> write(const session_env& env, connection& conn, const http_response& response,
                            unsigned version, bool keep_alive, std::chrono::milliseconds timeout) {
  auto message = to_beast(response, version, keep_alive, !env.limits.plain_http_loopback);
  conn.stream.expires_after(timeout);
  auto [ec, n] = co_await http::async_write(conn.stream, message, as_result);
  co_return !ec;
}

// After refusing a request whose body we did not read, close gently: closing with unread data
// would send a reset that can destroy our answer before the client reads it.
asio::awaitable<void> linger_and_close(connection& conn) {
  beast::error_code ignored;
  conn.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  conn.stream.expires_after(std::chrono::seconds(1));
  std::array<char, 16384> scrap{};
  std::size_t drained = 0;
  while (drained < (8u << 20)) {
    auto [ec, n] = co_await conn.stream.async_read_some(asio::buffer(scrap), as_result);
    if (ec) {
      break;
    }
    drained += n;
  }
  conn.stream.close();
}

// Answers a protocol error and ends the connection.
asio::awaitable<void> refuse(session_env& env, connection& conn, unsigned status, unsigned version,
                             std::string_view reason) {
  env.handlers.metrics.count_request("protocol_error", status);
  co_await write(env, conn, text_response(status, std::string(reason) + "\n"), version, false,
                 env.limits.body_timeout);
  co_await linger_and_close(conn);
}

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find('?'));
}

// One connection counted for its client address until the connection ends.
class address_slot {
 public:
  address_slot(address_counter& counter, std::string address)
      : counter_(counter), address_(std::move(address)) {}
  address_slot(const address_slot&) = delete;
  address_slot& operator=(const address_slot&) = delete;
  ~address_slot() { counter_.release(address_); }

 private:
  address_counter& counter_;
  std::string address_;
};

asio::awaitable<void> serve(session_env& env, connection& conn) {
  const auto& limits = env.limits;
  beast::flat_buffer buffer;
  bool first = true;
  std::optional<address_slot> counted;  // from the first request on
  for (;;) {
    if (buffer.size() == 0) {
      if (conn.closing || env.draining.load()) {
        co_return;
      }
      // A fresh connection gets header_timeout for its whole head; a kept-alive one may idle first.
      conn.idle = true;
      conn.stream.expires_after(first ? limits.header_timeout : limits.idle_timeout);
      auto [ec, n] = co_await conn.stream.async_read_some(buffer.prepare(read_chunk), as_result);
      conn.idle = false;
      if (ec) {
        co_return;  // peer closed, idle timeout, or shutdown: nothing to answer
      }
      buffer.commit(n);
      if (!first) {
        conn.stream.expires_after(limits.header_timeout);
      }
    } else if (!first) {
      conn.stream.expires_after(limits.header_timeout);  // pipelined request already buffered
    }
    first = false;

    std::size_t head_size = 0;
    switch (co_await read_head(conn, buffer, limits.header_limit_bytes, head_size)) {
      case head_result::closed:
        co_return;
      case head_result::too_large:
        co_await refuse(env, conn, 431, 11, "request header fields too large");
        co_return;
      case head_result::complete:
        break;
    }
    const auto received = std::chrono::steady_clock::now();
    const std::string_view head(static_cast<const char*>(buffer.data().data()), head_size);
    if (has_obs_fold(head)) {
      co_await refuse(env, conn, 400, 11, "obsolete line folding");
      co_return;
    }

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(limits.header_limit_bytes + 1));
    parser.body_limit(limits.body_limit_bytes);
    parser.eager(false);
    beast::error_code parse_ec;
    std::size_t consumed = 0;
    while (!parser.is_header_done() && !parse_ec && consumed < head_size) {
      const auto used = parser.put(asio::buffer(head.data() + consumed, head_size - consumed), parse_ec);
      if (used == 0) {
        break;
      }
      consumed += used;
    }
    if (parse_ec == http::error::body_limit) {
      // Beast checks Content-Length against body_limit as soon as the head is complete.
      co_await refuse(env, conn, 413, 11, "payload too large");
      co_return;
    }
    if (parse_ec || !parser.is_header_done()) {
      co_await refuse(env, conn, parse_ec == http::error::header_limit ? 431 : 400, 11, "bad request");
      co_return;
    }
    buffer.consume(consumed);
    const auto& header = parser.get();
    const unsigned version = header.version();
    if (framing_is_ambiguous(header)) {
      co_await refuse(env, conn, 400, version, "ambiguous message framing");
      co_return;
    }
    if (header.target().empty() || header.target().front() != '/') {
      co_await refuse(env, conn, 400, version, "bad request target");
      co_return;
    }
    if (const auto length = parser.content_length(); length && *length > limits.body_limit_bytes) {
      co_await refuse(env, conn, 413, version, "payload too large");
      co_return;
    }

    if (!parser.is_done()) {
      if (iequals(header[http::field::expect], "100-continue")) {
        http::response<http::empty_body> proceed{http::status::continue_, version};
        conn.stream.expires_after(limits.body_timeout);
        auto [ec, n] = co_await http::async_write(conn.stream, proceed, as_result);
        if (ec) {
          co_return;
        }
      }
      conn.stream.expires_after(limits.body_timeout);
      auto [ec, n] = co_await http::async_read(conn.stream, buffer, parser, as_result);
      if (ec == http::error::body_limit) {
        co_await refuse(env, conn, 413, version, "payload too large");
        co_return;
      }
      if (ec == beast::error::timeout || ec == http::error::end_of_stream || ec == asio::error::eof ||
          ec == asio::error::operation_aborted || ec == asio::error::connection_reset) {
        co_return;
      }
      if (ec) {
        co_await refuse(env, conn, 400, version, "bad request body");
        co_return;
      }
    }

    auto message = parser.release();
    http_request request;
    request.method = std::string(message.method_string());
    request.path = std::string(path_of(message.target()));
    if (const auto q = message.target().find('?'); q != std::string_view::npos) {
      request.query = std::string(message.target().substr(q + 1));
    }
    request.cookie = std::string(message[http::field::cookie]);
    if (const auto it = message.find(http::field::origin); it != message.end()) {
      request.origin = std::string(it->value());
    }
    request.host = std::string(message[http::field::host]);
    request.content_type = std::string(message[http::field::content_type]);
    if (const auto it = message.find("X-CSRF-Token"); it != message.end()) {
      request.csrf_token = std::string(it->value());
    }
    request.websocket_upgrade = beast::websocket::is_upgrade(message);
    request.background = message["X-Yorisoi-Background"] == "1";
    {
      beast::error_code ignored;
      const auto peer = conn.stream.socket().remote_endpoint(ignored);
      const std::string peer_text = ignored ? std::string() : peer.address().to_string();
      std::string forwarded_for;
      // Only read when a proxy is trusted: otherwise the header is the client's own claim.
      if (!env.limits.trusted_proxies.empty()) {
        for (auto [it, end] = message.equal_range("X-Forwarded-For"); it != end; ++it) {
          forwarded_for += forwarded_for.empty() ? "" : ", ";
          forwarded_for += std::string(it->value());
        }
      }
      request.peer_address = client_address(peer_text, forwarded_for, env.limits.trusted_proxies);
    }
    request.body = std::move(message.body());
    if (const auto it = message.find("X-Line-Signature"); it != message.end()) {
      request.line_signature = std::string(it->value());
    }
    request.received = received;

    const route_match match = match_route(request.method, request.path);
    // The webhook is exempt: LINE delivers from a few addresses over many connections, and refusing
    // it would only make LINE retry what must be stored.
    const bool webhook = match.found != nullptr && is_webhook_route(*match.found);
    if (!counted && !webhook) {
      if (!env.per_address.try_acquire(request.peer_address, limits.max_connections_per_address)) {
        // Not logged with the address: a count of refusals is enough to see a flood.
        env.handlers.metrics.count_request("address_limit", 429);
        http_response busy = text_response(429, "too many connections from this address\n");
        busy.headers.emplace_back("Retry-After", "1");
        co_await write(env, conn, busy, version, false, limits.body_timeout);
        co_await linger_and_close(conn);
        co_return;
      }
      counted.emplace(env.per_address, request.peer_address);
    }

    http_response response;
    std::string_view route_name = "unmatched";
    if (match.found != nullptr && is_stream_route(*match.found)) {
      route_name = match.found->name;
      stream_admission admission = co_await admit_stream(env.handlers, request);
      if (!admission.refusal) {
        env.handlers.metrics.count_request(route_name, 101);
        conn.upgraded = true;
        message.body() = std::move(request.body);
        co_await serve_stream(env.handlers, env.hub, std::move(conn.stream), std::move(message),
                              std::move(admission));
        co_return;
      }
      response = std::move(*admission.refusal);
    } else if (match.found != nullptr) {
      route_name = match.found->name;
      try {
        response = co_await dispatch(env.handlers, match, request);
      } catch (const std::exception& e) {
        spdlog::error("handler {} failed: {}", route_name, e.what());
        response = text_response(500, "internal error\n");
      }
    } else if (!match.allow.empty()) {
      response = text_response(405, "method not allowed\n");
      response.headers.emplace_back("Allow", match.allow);
    } else {
      response = text_response(404, "not found\n");
    }
    env.handlers.metrics.count_request(route_name, response.status);

    const bool keep_alive = message.keep_alive() && !conn.closing && !env.draining.load();
    if (!co_await write(env, conn, response, version, keep_alive, limits.body_timeout) || !keep_alive) {
      co_return;
    }
  }
}

void shutdown_quietly(connection& conn) {
  if (conn.upgraded) {
    return;  // the WebSocket session closed (or owns) the socket
  }
  beast::error_code ignored;
  conn.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  conn.stream.close();
}

}  // namespace

std::shared_ptr<connection> make_connection(tcp::socket socket) {
  return std::make_shared<connection>(std::move(socket));
}

asio::awaitable<void> serve_connection(session_env& env, std::shared_ptr<connection> conn) {
  // The one place where unexpected errors of a connection are caught: log, close, carry on.
  try {
    co_await serve(env, *conn);
  } catch (const std::exception& e) {
    spdlog::warn("connection ended by an unexpected error: {}", e.what());
  }
  shutdown_quietly(*conn);
}

asio::awaitable<void> refuse_connection(session_env& env, std::shared_ptr<connection> conn) {
  try {
    env.handlers.metrics.count_request("overloaded", 503);
    http_response busy = text_response(503, "too many connections\n");
    busy.headers.emplace_back("Retry-After", "1");
    if (co_await write(env, *conn, busy, 11, false, std::chrono::seconds(1))) {
      co_await linger_and_close(*conn);
    }
  } catch (const std::exception& e) {
    spdlog::warn("refusing a connection failed: {}", e.what());
  }
  shutdown_quietly(*conn);
}

void close_when_idle(const std::shared_ptr<connection>& conn) {
  asio::post(conn->executor, [conn] {
    if (conn->upgraded) {
      return;
    }
    conn->closing = true;
    if (conn->idle) {
      conn->stream.cancel();
    }
  });
}

void close_now(const std::shared_ptr<connection>& conn) {
  asio::post(conn->executor, [conn] {
    conn->closing = true;
    shutdown_quietly(*conn);
  });
}

}  // namespace yorisoi::gateway
