// HTTP framing and limits, with the exact bytes a hostile or broken client would send.
#include "e2e_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

namespace yorisoi::e2e {
namespace {

class e2e_protocol : public e2e_suite {
 protected:
  // Sends raw bytes on a fresh connection; the answer's status, 0 when none came.
  static int status_for(const std::string& bytes) {
    http_connection connection(port());
    connection.send_raw(bytes);
    const auto reply = connection.read_reply();
    return reply ? reply->status : 0;
  }
};

TEST_F(e2e_protocol, transfer_encoding_with_content_length_is_refused) {
  EXPECT_EQ(status_for("POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            400);
  EXPECT_EQ(status_for("POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                       "Content-Length: 5\r\n\r\n0\r\n\r\n"),
            400);
}

TEST_F(e2e_protocol, chunked_on_http_1_0_is_refused) {
  EXPECT_EQ(status_for("POST /webhook/line/yamagata HTTP/1.0\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "2\r\n{}\r\n0\r\n\r\n"),
            400);
}

TEST_F(e2e_protocol, transfer_encodings_other_than_chunked_are_refused) {
  EXPECT_EQ(
      status_for("POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                 "0\r\n\r\n"),
      400);
  EXPECT_EQ(
      status_for("POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n"),
      400);
}

TEST_F(e2e_protocol, duplicate_content_length_is_refused) {
  EXPECT_EQ(status_for("POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
                       "Content-Length: 3\r\n\r\n{}x"),
            400);
  // Even when both agree: one message, one length.
  EXPECT_EQ(status_for("POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n"
                       "Content-Length: 2\r\n\r\n{}"),
            400);
  EXPECT_EQ(status_for("POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\n\r\n{}"),
            400);
}

TEST_F(e2e_protocol, obsolete_line_folding_is_refused) {
  EXPECT_EQ(status_for("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n"), 400);
}

TEST_F(e2e_protocol, huge_header_gets_431) {
  EXPECT_EQ(status_for("GET /healthz HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(header_limit * 2, 'a') +
                       "\r\n\r\n"),
            431);
}

TEST_F(e2e_protocol, garbage_gets_400) {
  EXPECT_EQ(status_for("HELLO\r\n\r\n"), 400);
  EXPECT_EQ(status_for("GET http://elsewhere/ HTTP/1.1\r\nHost: a\r\n\r\n"), 400);
}

TEST_F(e2e_protocol, chunked_webhook_body_is_accepted) {
  const std::string body = webhook_body({message_event("e2e-chunked-1")});
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  const std::string request =
      "POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
      "X-Line-Signature: " +
      signed_headers(body).front().second + "\r\n\r\n" + size + "\r\n" + body + "\r\n0\r\n\r\n";
  EXPECT_EQ(status_for(request), 200);
  EXPECT_EQ(count_events(environment().database_url(), "e2e-chunked-"), 1);
}

TEST_F(e2e_protocol, slow_client_is_closed_after_the_header_timeout) {
  http_connection connection(port());
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(connection.send_raw("POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\n"));
  // The head never completes: the server must hang up on its own, around header_timeout.
  EXPECT_TRUE(connection.closed_by_peer(std::chrono::milliseconds(header_timeout_ms * 5)));
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(header_timeout_ms / 2));
}

TEST_F(e2e_protocol, pipelined_requests_are_answered_in_order) {
  http_connection connection(port());
  ASSERT_TRUE(
      connection.send_raw("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\n"));
  const auto first = connection.read_reply();
  const auto second = connection.read_reply();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(second->status, 404);
}

TEST_F(e2e_protocol, connections_above_max_connections_get_503) {
  e2e_environment small(2);
  auto server = small.start_ready_server();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  // The readiness probes' connections may still be closing on the server's side, so a slot may
  // be refused for a moment: retry until a connection is served (bounded).
  auto served_connection = [&]() -> std::unique_ptr<http_connection> {
    while (std::chrono::steady_clock::now() < deadline) {
      auto connection = std::make_unique<http_connection>(server->port());
      const auto reply = connection->request("GET", "/healthz");
      if (reply && reply->status == 200) {
        return connection;
      }
    }
    return nullptr;
  };
  // Two served keep-alive connections hold both slots.
  const auto first = served_connection();
  const auto second = served_connection();
  ASSERT_TRUE(first && second);
  http_connection third(server->port());
  const auto refused = third.request("GET", "/healthz");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  // The slot-holders are still served.
  const auto again = first->request("GET", "/healthz");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

}  // namespace
}  // namespace yorisoi::e2e
