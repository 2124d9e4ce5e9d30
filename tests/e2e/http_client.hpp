#pragma once
// A small synchronous HTTP/1.1 client over raw sockets, for end-to-end tests: it can send exactly
// the bytes a test wants (including malformed framing) and read one response at a time.
// Not thread-safe: one connection per thread. Every wait is bounded by the connection's timeout.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yorisoi::e2e {

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  [[nodiscard]] std::string header(const std::string& lower_name) const;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

class http_connection {
 public:
  // Connects to 127.0.0.1:port; throws std::runtime_error when it cannot.
  explicit http_connection(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~http_connection();
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  // Writes all bytes; false when the peer closed or the timeout passed.
  bool send_raw(std::string_view bytes);
  // Reads one response (skipping 1xx other than 101); nullopt on close, reset, timeout or garbage.
  std::optional<http_reply> read_reply();
  // Exactly `n` bytes (after a 101: WebSocket frames); nullopt on close or timeout.
  std::optional<std::string> read_exact(std::size_t n);
  // A request with Content-Length and Host; nullopt as read_reply.
  std::optional<http_reply> request(std::string_view method, std::string_view target,
                                    std::string_view body = {}, const header_list& headers = {});
  // Waits until the peer closes (EOF or reset), at most `within`; unread data is discarded.
  bool closed_by_peer(std::chrono::milliseconds within);

 private:
  bool fill();  // one read into buffer_; false on close, error or timeout
  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

// One request on a fresh connection.
[[nodiscard]] std::optional<http_reply> http_once(std::uint16_t port, std::string_view method,
                                                  std::string_view target, std::string_view body = {},
                                                  const header_list& headers = {});

}  // namespace yorisoi::e2e
