// The console end to end, in C++: a staff account made by `yorisoi user add`, login, the queue, and a
// live WebSocket event when a resident writes. (The Node API tests cover every endpoint; this one keeps
// the C++ tier honest about the cookie, the upgrade and the LISTEN/NOTIFY path.)
#include "e2e_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace yorisoi::e2e {
namespace {

constexpr const char* password = "e2e-console-password";

// "value" of "name":"value" in a flat JSON text (the test's answers are small and known).
std::string json_string(const std::string& json, const std::string& name) {
  const std::string key = "\"" + name + "\":\"";
  const auto start = json.find(key);
  if (start == std::string::npos) {
    return {};
  }
  const auto from = start + key.size();
  return json.substr(from, json.find('"', from) - from);
}

struct ws_frame {
  int opcode = 0;
  std::string payload;
};

// One server frame (never masked); nullopt on close or timeout.
std::optional<ws_frame> read_frame(http_connection& conn) {
  const auto head = conn.read_exact(2);
  if (!head) {
    return std::nullopt;
  }
  ws_frame frame;
  frame.opcode = static_cast<unsigned char>((*head)[0]) & 0x0F;
  std::size_t length = static_cast<unsigned char>((*head)[1]) & 0x7F;
  if (length >= 126) {
    const auto extended = conn.read_exact(length == 126 ? 2 : 8);
    if (!extended) {
      return std::nullopt;
    }
    length = 0;
    for (const char byte : *extended) {
      length = (length << 8) | static_cast<unsigned char>(byte);
    }
  }
  auto payload = conn.read_exact(length);
  if (!payload) {
    return std::nullopt;
  }
  frame.payload = std::move(*payload);
  return frame;
}

std::string upgrade_request(std::uint16_t port, const std::string& cookie, bool with_origin) {
  std::string request = "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
  if (with_origin) {
    request += "Origin: http://127.0.0.1:" + std::to_string(port) + "\r\n";
  }
  if (!cookie.empty()) {
    request += "Cookie: " + cookie + "\r\n";
  }
  return request + "\r\n";
}

TEST(e2e_console, login_queue_and_a_live_event_over_the_websocket) {
  if (std::getenv("YORISOI_TEST_PG_URL") == nullptr) {
    GTEST_SKIP() << "YORISOI_TEST_PG_URL not set";
  }
  e2e_environment environment;
  ASSERT_EQ(environment.run_cli({"user", "add", "--tenant", "yamagata", "--login", "e2e-counsellor", "--name",
                                 "相談員", "--role", "counsellor"},
                                {{"YORISOI_NEW_PASSWORD", password}}),
            0);
  // The same login again is refused with exit 1.
  EXPECT_EQ(environment.run_cli({"user", "add", "--tenant", "yamagata", "--login", "e2e-counsellor", "--name",
                                 "x", "--role", "counsellor"},
                                {{"YORISOI_NEW_PASSWORD", password}}),
            1);
  const auto server = environment.start_ready_server();
  const auto port = server->port();

  const auto login = http_once(port, "POST", "/api/v1/session",
                               std::string(R"({"login":"e2e-counsellor","password":")") + password + "\"}");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  const std::string set_cookie = login->header("set-cookie");
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  EXPECT_FALSE(json_string(login->body, "csrf_token").empty());

  const auto empty = http_once(port, "GET", "/api/v1/queue", {}, {{"Cookie", cookie}});
  ASSERT_TRUE(empty);
  ASSERT_EQ(empty->status, 200);
  EXPECT_NE(empty->body.find(R"("open":0)"), std::string::npos) << empty->body;

  // Refusals before the upgrade: no Origin (403), no session (401).
  {
    http_connection conn(port);
    ASSERT_TRUE(conn.send_raw(upgrade_request(port, cookie, false)));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 403);
  }
  {
    http_connection conn(port);
    ASSERT_TRUE(conn.send_raw(upgrade_request(port, "", true)));
    const auto reply = conn.read_reply();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 401);
  }

  http_connection socket(port);
  ASSERT_TRUE(socket.send_raw(upgrade_request(port, cookie, true)));
  const auto upgraded = socket.read_reply();
  ASSERT_TRUE(upgraded);
  ASSERT_EQ(upgraded->status, 101);

  const std::string body = webhook_body({message_event("e2e-console-1")});
  const auto webhook = http_once(port, "POST", webhook_path(), body, signed_headers(body));
  ASSERT_TRUE(webhook);
  ASSERT_EQ(webhook->status, 200);

  // The first text frame is an event of the new consultation (pings may come first). Bounded by the
  // connection's read timeout.
  std::optional<ws_frame> event;
  for (int frames = 0; frames < 10 && !event; ++frames) {
    auto frame = read_frame(socket);
    ASSERT_TRUE(frame) << "no event on the WebSocket";
    if (frame->opcode == 1) {
      event = std::move(frame);
    }
  }
  ASSERT_TRUE(event);
  EXPECT_NE(event->payload.find(R"("event_id":)"), std::string::npos) << event->payload;
  const std::string consultation = json_string(event->payload, "consultation_id");
  EXPECT_FALSE(consultation.empty()) << event->payload;

  const auto queue = http_once(port, "GET", "/api/v1/queue", {}, {{"Cookie", cookie}});
  ASSERT_TRUE(queue);
  ASSERT_EQ(queue->status, 200);
  EXPECT_NE(queue->body.find(consultation), std::string::npos) << queue->body;
}

}  // namespace
}  // namespace yorisoi::e2e
