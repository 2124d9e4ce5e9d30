// How LINE's answers become outbox outcomes, and the retry delays: tables of cases.
#include "yorisoi/gateway/line_outcome.hpp"

#include <gtest/gtest.h>

namespace yorisoi::gateway {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

line_answer answer(int status, std::string body = "", std::string request_id = "rid") {
  line_answer a;
  a.status = status;
  a.body = std::move(body);
  a.request_id = std::move(request_id);
  return a;
}

struct classify_case {
  const char* name;
  line_call call;
  int status;
  const char* body;
  send_outcome expected;
  bool invalid_reply_token;
};

TEST(line_outcome, classifies_answers) {
  const classify_case cases[] = {
      {"reply 200", line_call::reply, 200, "{}", send_outcome::sent, false},
      {"push 200", line_call::push, 200, "{}", send_outcome::sent, false},
      {"push 409 already accepted", line_call::push, 409,
       R"({"message":"The retry key is already accepted"})", send_outcome::sent, false},
      {"reply 409 is no retry key answer", line_call::reply, 409, R"({"message":"conflict"})",
       send_outcome::failed, false},
      {"429", line_call::push, 429, R"({"message":"Too many requests"})", send_outcome::retry, false},
      {"500", line_call::push, 500, R"({"message":"Internal error"})", send_outcome::retry, false},
      {"503 without body", line_call::reply, 503, "", send_outcome::retry, false},
      {"no answer", line_call::push, 0, "", send_outcome::retry, false},
      {"401", line_call::push, 401, R"({"message":"Authentication failed"})", send_outcome::failed, false},
      {"400 schema", line_call::push, 400, R"j({"message":"The request body has 1 error(s)"})j",
       send_outcome::failed, false},
      {"reply 400 invalid token", line_call::reply, 400, R"({"message":"Invalid reply token"})",
       send_outcome::failed, true},
      {"push 400 never falls back", line_call::push, 400, R"({"message":"Invalid reply token"})",
       send_outcome::failed, false},
  };
  for (const auto& c : cases) {
    const auto verdict = classify(c.call, answer(c.status, c.body));
    EXPECT_EQ(verdict.outcome, c.expected) << c.name;
    EXPECT_EQ(verdict.invalid_reply_token, c.invalid_reply_token) << c.name;
  }
}

TEST(line_outcome, keeps_lines_error_text_with_details) {
  const auto verdict = classify(
      line_call::push,
      answer(
          400,
          R"j({"message":"The request body has 1 error(s)","details":[{"message":"Length must be between 0 and 5000","property":"messages[0].text"}]})j"));
  EXPECT_EQ(verdict.error,
            "The request body has 1 error(s); messages[0].text: Length must be between 0 and 5000");
  EXPECT_EQ(classify(line_call::push, answer(403, "not json")).error, "HTTP 403");
  EXPECT_EQ(classify(line_call::push, answer(200, "{}")).error, "");
}

TEST(line_outcome, a_409_keeps_the_accepted_request_id) {
  line_answer a = answer(409, R"({"message":"already accepted"})", "second");
  a.accepted_request_id = "first";
  EXPECT_EQ(classify(line_call::push, a).request_id, "first");
  EXPECT_EQ(classify(line_call::push, answer(200, "{}", "rid-1")).request_id, "rid-1");
}

TEST(line_outcome, no_answer_names_the_transport_error) {
  line_answer a;
  a.transport_error = "timeout";
  const auto verdict = classify(line_call::reply, a);
  EXPECT_EQ(verdict.outcome, send_outcome::retry);
  EXPECT_EQ(verdict.error, "timeout");
}

TEST(line_outcome, falls_back_to_push_unless_an_earlier_reply_may_have_landed) {
  EXPECT_TRUE(fall_back_to_push(false, ""));
  EXPECT_TRUE(fall_back_to_push(false, "reply"));
  EXPECT_TRUE(fall_back_to_push(true, "push"));
  EXPECT_TRUE(fall_back_to_push(true, ""));
  EXPECT_FALSE(fall_back_to_push(true, "reply"));
}

TEST(line_outcome, retry_delay_doubles_with_jitter_and_a_cap) {
  struct delay_case {
    unsigned attempts;
    double unit;
    long long expected_ms;
  };
  const delay_case cases[] = {
      {1, 0.5, 500},     {2, 0.5, 1000},    {3, 0.5, 2000},    {1, 0.0, 400},     {1, 0.999999, 599},
      {10, 0.5, 256000}, {11, 0.5, 300000}, {40, 0.5, 300000}, {40, 0.0, 240000}, {0, 0.5, 500},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(retry_delay(c.attempts, std::nullopt, c.unit).count(), c.expected_ms)
        << "attempts=" << c.attempts << " unit=" << c.unit;
  }
}

TEST(line_outcome, retry_after_wins_when_longer) {
  EXPECT_EQ(retry_delay(1, seconds(7), 0.5), milliseconds(7000));
  EXPECT_EQ(retry_delay(3, seconds(1), 0.5), milliseconds(2000));
}

TEST(line_outcome, parses_retry_after_seconds_only) {
  EXPECT_EQ(parse_retry_after("5"), seconds(5));
  EXPECT_EQ(parse_retry_after(" 12 "), seconds(12));
  EXPECT_EQ(parse_retry_after("0"), seconds(0));
  EXPECT_EQ(parse_retry_after("999999999"), seconds(86400));
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(parse_retry_after("-1"), std::nullopt);
  EXPECT_EQ(parse_retry_after(""), std::nullopt);
  EXPECT_EQ(parse_retry_after("5s"), std::nullopt);
}

}  // namespace
}  // namespace yorisoi::gateway
