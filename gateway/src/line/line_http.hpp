#pragma once
// HTTP/1.1 POSTs to LINE's Messaging API: plain TCP for an http:// base URL (tests, a fake platform on
// loopback), TLS with SNI and peer verification against the system's CA store for https://. Keeps a
// few idle keep-alive connections; every request is bounded by a connect and a total timeout.
//
// Thread-safety: not thread-safe. Construct it with a strand and call post() only from coroutines
// running on that strand (the pool is touched without locks).

#include "yorisoi/gateway/line_outcome.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yorisoi::gateway {

struct line_http_options {
  std::string api_base;  // e.g. https://api.line.me or http://127.0.0.1:9000; a path prefix is kept
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{15'000};  // connect, send and the whole answer
  std::size_t max_idle = 8;
  // An idle connection older than this is dropped rather than reused: servers close idle
  // connections (Node after 5 s), and a request racing that close would have an unknown outcome.
  std::chrono::milliseconds idle_max_age{4'000};
};

// One JSON POST with the caller's headers (the on-call alert's signature, for instance).
struct http_post {
  std::string path;  // after api_base's path; empty = api_base itself
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The receiver drops a repeat (an idempotency key travels with it): the request may be sent again
  // on a fresh connection when a kept-alive one turns out closed before any answer arrived.
  bool resend_safe = false;
};

class line_http {
 public:
  // Throws std::invalid_argument when api_base is not an absolute http(s) URL, and std::runtime_error
  // when the TLS context cannot load the system's CA store.
  line_http(boost::asio::any_io_executor strand, line_http_options options);
  ~line_http();
  line_http(const line_http&) = delete;
  line_http& operator=(const line_http&) = delete;

  // POSTs `body` (JSON) to api_base + path with `Authorization: Bearer <access_token>` and, when not
  // empty, `X-Line-Retry-Key`. Never throws for network trouble: that is an answer with status 0.
  [[nodiscard]] boost::asio::awaitable<line_answer> post(std::string path, std::string access_token,
                                                         std::string body, std::string retry_key);

  // The same for any JSON POST to api_base (+ path, + api_base's query). Never throws for network trouble.
  [[nodiscard]] boost::asio::awaitable<line_answer> post(http_post request);

  // Closes the idle connections (shutdown).
  void close_idle();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace yorisoi::gateway
