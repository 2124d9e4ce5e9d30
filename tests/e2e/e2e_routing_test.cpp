// The routing issue end to end: automatic answers, the queue, crisis handling and the outbox's
// delivery guarantees, with the fake LINE platform in the loop (example config: weekdays 18–21 JST,
// open-ended service period).
#include "e2e_line_suite.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>
#include <thread>
#include <vector>

namespace yorisoi::e2e {
namespace {
namespace json = boost::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::string user_of(const json::object& answer) {
  return std::string(answer.at("userId").as_string());
}

json::array deliveries_to(fake_line_process& fake, const std::string& user_id) {
  return fake.get("/_fake/deliveries?to=" + user_id).as_array();
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Reply tokens usable as LINE's are (default): fresh events are answered by reply.
class e2e_routing : public e2e_line_suite {
 protected:
  static void SetUpTestSuite() { start_all({}); }
  static void TearDownTestSuite() { stop_all(); }
};

TEST_F(e2e_routing, saturday_messages_get_exactly_one_off_hours_answer_naming_monday_by_reply) {
  // Saturday 2023-02-18 10:00 JST, then four more messages in the same off-hours stretch.
  const auto first = send_message("", jst_ms(2023, 2, 18, 10, 0), "こんにちは");
  const std::string user = user_of(first);
  for (int i = 1; i < 5; ++i) {
    (void)send_message(user, jst_ms(2023, 2, 18, 10, i * 7), "もう少し書きます");
  }
  wait_settled();
  const auto deliveries = deliveries_to(*fake_, user);
  EXPECT_EQ(count_text(deliveries, off_hours_marker), 1u);
  EXPECT_EQ(count_text(deliveries, "2月20日(月) 18時"), 1u);
  EXPECT_EQ(count_text(deliveries, age_question_marker), 1u);
  for (const auto& d : deliveries) {
    EXPECT_EQ(d.at("via"), "reply") << "a fresh event is answered with the reply API";
  }
  EXPECT_EQ(query_value("SELECT count(*) FROM consultation"), "1");
}

TEST_F(e2e_routing, weekday_evening_message_gets_no_off_hours_answer_and_is_queued) {
  // Monday 2023-02-20 19:00 JST: staffed.
  const auto at = jst_ms(2023, 2, 20, 19, 0);
  const std::string user = user_of(send_message("", at, "相談したいことがあります"));
  wait_settled();
  const auto deliveries = deliveries_to(*fake_, user);
  EXPECT_EQ(count_text(deliveries, off_hours_marker), 0u);
  EXPECT_EQ(count_text(deliveries, crisis_marker), 0u);
  const std::string where =
      " FROM consultation WHERE opened_at = to_timestamp(" + std::to_string(at / 1000) + ")";
  EXPECT_EQ(query_value("SELECT state" + where), "waiting");
  EXPECT_EQ(query_value("SELECT arrival" + where), "staffed");
  EXPECT_EQ(query_value("SELECT priority" + where), "normal");
}

TEST_F(e2e_routing, crisis_at_three_in_the_morning_gets_the_contacts_at_once_and_leads_the_queue) {
  // Someone wrote earlier that night (waiting longer); the crisis message must still come first.
  (void)send_message("", jst_ms(2023, 2, 21, 1, 0), "眠れません");
  const auto at = jst_ms(2023, 2, 21, 3, 0);
  const auto answer = send_message("", at, "もう死にたい");
  const auto answered = std::chrono::steady_clock::now();  // yorisoi's 200 reached the fake
  const std::string user = user_of(answer);
  const auto deliveries = fake_->wait_for("/_fake/deliveries?to=" + user, 1, seconds(10));
  const double delay_ms = ms_since(answered);
  std::cout << "[ measured ] crisis contacts delivered " << delay_ms << " ms after the webhook's 200\n";
  ASSERT_FALSE(deliveries.empty());
  EXPECT_EQ(count_text(deliveries, crisis_marker), 1u) << "the crisis contacts come in the first answer";
  EXPECT_LT(delay_ms, 5000.0);

  wait_settled();
  EXPECT_EQ(count_text(deliveries_to(*fake_, user), crisis_marker), 1u);
  const std::string first_in_queue = query_value(
      "SELECT extract(epoch FROM opened_at)::bigint FROM consultation"
      " WHERE tenant_id = 'yamagata' AND state <> 'closed'"
      " ORDER BY priority = 'urgent' DESC, coalesce(due_at, opened_at), coalesce(waiting_since, opened_at) "
      "LIMIT 1");
  EXPECT_EQ(first_in_queue, std::to_string(at / 1000));
  EXPECT_EQ(query_value("SELECT count(*) FROM consultation WHERE priority = 'urgent'"), "1");
}

TEST_F(e2e_routing, a_storm_of_429_delays_but_never_duplicates_or_drops) {
  constexpr int residents = 5;
  constexpr int storm = 10;
  (void)fake_->post("/_fake/behaviour", json::object{{"status", 429}, {"count", storm}, {"retry_after", 1}});
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::string> users;
  for (int i = 0; i < residents; ++i) {
    users.push_back(user_of(send_message("", jst_ms(2023, 2, 18, 11, i), "聞いてほしいことがあります")));
  }
  wait_settled();
  std::cout << "[ measured ] " << residents << " residents answered through " << storm << " × 429 in "
            << ms_since(started) << " ms\n";
  const auto refused = fake_->get("/_fake/calls?status=429").as_array();
  EXPECT_EQ(refused.size(), static_cast<std::size_t>(storm));
  for (const auto& user : users) {
    const auto deliveries = deliveries_to(*fake_, user);
    EXPECT_EQ(count_text(deliveries, off_hours_marker), 1u) << user;
    EXPECT_EQ(count_text(deliveries, age_question_marker), 1u) << user;
  }
  EXPECT_EQ(query_value("SELECT count(*) FROM outbox WHERE state <> 'sent'"), "0");
}

// Reply tokens never usable: every answer goes by push, with the outbox row's id as retry key.
class e2e_push : public e2e_line_suite {
 protected:
  static void SetUpTestSuite() { start_all({{"YORISOI_REPLY_TOKEN_USABLE_SECONDS", "0"}}); }
  static void TearDownTestSuite() { stop_all(); }
};

TEST_F(e2e_push, an_answer_past_the_reply_token_goes_by_push_with_the_row_id_as_retry_key) {
  const std::string user = user_of(send_message("", jst_ms(2023, 2, 18, 12, 0), "こんばんは"));
  wait_settled();
  const auto deliveries = deliveries_to(*fake_, user);
  ASSERT_FALSE(deliveries.empty());
  EXPECT_EQ(count_text(deliveries, off_hours_marker), 1u);
  std::set<std::string> keys;
  for (const auto& d : deliveries) {
    EXPECT_EQ(d.at("via"), "push");
    keys.insert(std::string(d.at("retry_key").as_string()));
  }
  EXPECT_TRUE(fake_->get("/_fake/calls?path=/v2/bot/message/reply").as_array().empty());
  for (const auto& key : keys) {
    EXPECT_EQ(query_value("SELECT state FROM outbox WHERE outbox_id = '" + key + "'"), "sent") << key;
  }
}

TEST_F(e2e_push, a_lost_answer_is_retried_into_409_and_delivered_once) {
  // The platform delivers, then answers 500: the sender cannot know, retries, and meets 409.
  (void)fake_->post(
      "/_fake/behaviour",
      json::object{
          {"status", 500}, {"count", 1}, {"after_processing", true}, {"path", "/v2/bot/message/push"}});
  const std::string user = user_of(send_message("", jst_ms(2023, 2, 18, 13, 0), "こんにちは"));
  wait_settled();
  const auto deliveries = deliveries_to(*fake_, user);
  EXPECT_EQ(count_text(deliveries, off_hours_marker), 1u);
  EXPECT_EQ(count_text(deliveries, age_question_marker), 1u);
  EXPECT_EQ(fake_->get("/_fake/calls?status=500").as_array().size(), 1u);
  EXPECT_EQ(fake_->get("/_fake/calls?status=409").as_array().size(), 1u);
  EXPECT_EQ(query_value("SELECT count(*) FROM outbox WHERE state <> 'sent'"), "0");
}

TEST_F(e2e_push, a_platform_slower_than_the_send_timeout_gets_the_answer_once) {
  // The platform holds one push for 20 s and then acts on it; the sender gives up at its 15 s
  // timeout, cannot know, and sends again with the same retry key, which goes through. When the
  // stalled push finally lands, the platform refuses it for its retry key: the resident sees each
  // answer once.
  (void)fake_->post("/_fake/behaviour",
                    json::object{{"delay_ms", 20000}, {"count", 1}, {"path", "/v2/bot/message/push"}});
  const auto started = std::chrono::steady_clock::now();
  const std::string user = user_of(send_message("", jst_ms(2023, 2, 18, 13, 30), "こんにちは"));
  wait_settled(seconds(90));
  std::cout << "[ measured ] answered through a 20 s platform stall in " << ms_since(started) << " ms\n";
  // The stalled call is recorded when the platform answers it (20 s after it arrived).
  const auto most_calls_for_one_key = [this] {
    std::map<std::string, int> calls_per_key;
    int most = 0;
    const auto calls = fake_->get("/_fake/calls?path=/v2/bot/message/push");
    for (const auto& call : calls.as_array()) {
      if (const auto* key = call.as_object().if_contains("retry_key"); key != nullptr && key->is_string()) {
        most = std::max(most, ++calls_per_key[std::string(key->as_string())]);
      }
    }
    return most;
  };
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (most_calls_for_one_key() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(most_calls_for_one_key(), 2) << "the stalled push was sent again with its retry key";
  const auto deliveries = deliveries_to(*fake_, user);
  EXPECT_EQ(count_text(deliveries, off_hours_marker), 1u);
  EXPECT_EQ(count_text(deliveries, age_question_marker), 1u);
  EXPECT_EQ(fake_->get("/_fake/calls?status=409").as_array().size(), 1u);
  EXPECT_EQ(query_value("SELECT count(*) FROM outbox WHERE state <> 'sent'"), "0");
}

TEST_F(e2e_push, killed_between_commit_and_send_delivers_exactly_once_after_restart) {
  // The platform holds the push for a while: yorisoi is killed with the push in flight (or just
  // before it left), after the decision and its outbox row were committed.
  (void)fake_->post("/_fake/behaviour",
                    json::object{{"delay_ms", 1500}, {"count", 1}, {"path", "/v2/bot/message/push"}});
  const auto started = std::chrono::steady_clock::now();
  const std::string user = user_of(send_message("", jst_ms(2023, 2, 18, 14, 0), "こんにちは"));
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (query_value("SELECT count(*) FROM outbox WHERE state = 'sending'") == "0") {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the outbox row was never claimed";
    std::this_thread::sleep_for(milliseconds(5));
  }
  server_->kill_hard();
  restart_server();
  // The row is claimed again when the dead sender's lease (30 s) runs out.
  wait_settled(seconds(90));
  std::cout << "[ measured ] delivered after kill -9 and restart in " << ms_since(started) << " ms\n";
  const auto deliveries = deliveries_to(*fake_, user);
  EXPECT_EQ(count_text(deliveries, off_hours_marker), 1u);
  EXPECT_EQ(count_text(deliveries, age_question_marker), 1u);
  EXPECT_EQ(query_value("SELECT count(*) FROM outbox WHERE state <> 'sent'"), "0");
}

// The platform's reply tokens expire at once: yorisoi still thinks them usable, replies, is told the
// token is invalid, and pushes the same answer in the same attempt.
class e2e_expired_token : public e2e_line_suite {
 protected:
  static void SetUpTestSuite() { start_all({}, {"--reply-token-ttl-ms", "0"}); }
  static void TearDownTestSuite() { stop_all(); }
};

TEST_F(e2e_expired_token, a_reply_refused_for_its_token_falls_back_to_push_once) {
  const std::string user = user_of(send_message("", jst_ms(2023, 2, 18, 15, 0), "こんにちは"));
  wait_settled();
  const auto deliveries = deliveries_to(*fake_, user);
  EXPECT_EQ(count_text(deliveries, off_hours_marker), 1u);
  for (const auto& d : deliveries) {
    EXPECT_EQ(d.at("via"), "push");
  }
  const auto replies = fake_->get("/_fake/calls?path=/v2/bot/message/reply").as_array();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].at("status"), 400);
  EXPECT_EQ(query_value("SELECT count(*) FROM outbox WHERE state <> 'sent'"), "0");
}

}  // namespace
}  // namespace yorisoi::e2e
