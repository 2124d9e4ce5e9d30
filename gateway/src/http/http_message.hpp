#pragma once
// The request and response as handlers see them: plain values, so that handlers and their tests
// never include Beast. The session (session.cpp) converts from and to Beast's types.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace yorisoi::gateway {

struct http_request {
  std::string method;                         // "GET", "POST", …
  std::string path;                           // target without its query string
  std::string query;                          // after '?', raw (empty when none)
  std::string body;                           // raw bytes, as received
  std::optional<std::string> line_signature;  // X-Line-Signature, when present
  std::string cookie;                         // Cookie header ("" when absent)
  std::optional<std::string> origin;          // Origin, when present
  std::string host;                           // Host header
  std::string content_type;                   // Content-Type ("" when absent)
  std::optional<std::string> csrf_token;      // X-CSRF-Token, when present
  bool websocket_upgrade = false;             // a WebSocket upgrade request
  bool background = false;   // X-Yorisoi-Background: 1 — the console refetching, not a person acting
  std::string peer_address;  // the client's IP address (rate-limit key)
  std::chrono::steady_clock::time_point received{};  // when the head was complete
};

struct http_response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Extra headers (Allow, Set-Cookie, …); a name may repeat (each is sent).
  std::vector<std::pair<std::string, std::string>> headers;
};

[[nodiscard]] inline http_response text_response(unsigned status, std::string body) {
  http_response response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

[[nodiscard]] inline http_response json_response(unsigned status, std::string body) {
  http_response response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

}  // namespace yorisoi::gateway
