#pragma once

#include <cstddef>
#include <string_view>

namespace yorisoi::bench {

// An incremental reader of HTTP/1.1 responses, just enough for a load generator: status line, headers
// (Content-Length, Transfer-Encoding: chunked, Connection: close), and the body skipped without being
// kept. Feed it bytes as they arrive; it says when one response is complete and how many bytes it used.
// Not thread-safe; one per connection, reset() between responses.
class http_response_reader {
 public:
  enum class state { need_more, complete, error };

  // Consumes a prefix of `data`; `used` says how much. Call again with the rest (plus new bytes) while
  // it answers need_more. After complete, bytes past `used` belong to the next response.
  state feed(std::string_view data, std::size_t& used);
  // The peer closed the connection: completes a body that runs to end of stream.
  state end_of_stream();
  void reset();

  [[nodiscard]] int status() const { return status_; }
  // True when the server asked to close, or the body was delimited by closing the connection.
  [[nodiscard]] bool must_close() const { return must_close_; }

  static constexpr std::size_t max_header_bytes = 16 * 1024;

 private:
  enum class phase {
    headers,
    body_length,
    body_to_eof,
    chunk_size,
    chunk_data,
    chunk_data_crlf,
    trailers,
    done
  };

  state parse_headers(std::string_view head);
  state after_headers();

  phase phase_ = phase::headers;
  std::size_t header_scan_ = 0;
  std::size_t remaining_ = 0;
  int status_ = 0;
  bool must_close_ = false;
  bool chunked_ = false;
  bool has_length_ = false;
};

}  // namespace yorisoi::bench
