// The routing rules applied from the inbox: consultations, urgency, arrival, automatic answers in the
// outbox (one row per event), follow/unfollow/postback, standby, and tenants without rules.
#include "storage_routing_support.hpp"

namespace yorisoi::storage::pgtest {
namespace {

namespace json = boost::json;

class routing_inbox_pg : public routing_pg {};

TEST_F(routing_inbox_pg, saturday_messages_get_one_off_hours_answer_naming_monday) {
  std::vector<routing::line_event> events;
  for (int i = 0; i < 5; ++i) {
    events.push_back(text_at("S" + std::to_string(i), jst_ms(2023, 2, 18, 10, i), "話を聞いてほしいです"));
  }
  ingest({events[0]});
  ingest({events[1], events[2]});
  ingest({events[3], events[4]});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE kind = 'off_hours'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox"), 1);
  const auto messages = outbox_messages();
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_NE(messages[0].find("「2月20日(月) 18時」"), std::string::npos) << messages[0];
  // Off-hours answer and the first consultation's age question, in one call.
  EXPECT_EQ(json::parse(messages[0]).as_array().size(), 2U);
  // The first event's reply token rides along, usable for reply_token_usable after receipt.
  EXPECT_EQ(
      open_sealed(url(), keys_, "SELECT reply_token, reply_token_key_id FROM outbox", "yamagata/outbox"),
      "rt-S0");
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM outbox o JOIN inbox_event e ON e.event_id = o.source_event_id "
                  "WHERE e.webhook_event_id = 'S0' AND o.origin = 'auto' AND o.state = 'pending' "
                  "AND o.reply_token_expires_at = e.received_at + interval '50 seconds'"),
            1);
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM consultation WHERE arrival = 'off_hours' "
                  "AND due_at = '2023-02-20 18:00+09' AND waiting_since = '2023-02-18 10:00+09'"),
            1);
  EXPECT_EQ(
      count(url(), "SELECT count(*) FROM resident WHERE off_hours_answered_for = '2023-02-20 18:00+09'"), 1);
  EXPECT_GE(notified_.load(), 1);
}

TEST_F(routing_inbox_pg, the_transcript_shows_the_automatic_answers_with_their_delivery_state) {
  ingest({text_at("S0", jst_ms(2023, 2, 18, 10, 0), "相談です")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE direction = 'in'"), 1);
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM message m JOIN outbox o USING (tenant_id, outbox_id) "
            "WHERE m.direction = 'out' AND m.consultation_id = o.consultation_id AND o.state = 'pending'"),
      2);
  EXPECT_EQ(
      open_sealed(url(), keys_,
                  "SELECT m.body, m.body_key_id FROM message m JOIN outbox o USING (tenant_id, outbox_id) "
                  "WHERE m.direction = 'out' ORDER BY m.message_id LIMIT 1",
                  "yamagata/message")
          .empty(),
      false);
}

TEST_F(routing_inbox_pg, weekday_evening_message_is_queued_as_staffed_without_an_answer) {
  // A resident who already gave their age band, so no age question either.
  event_spec band;
  band.webhook_event_id = "P0";
  band.type = "postback";
  band.user_id = "U2";
  band.timestamp_ms = jst_ms(2023, 2, 20, 18, 30);
  band.postback_data = "yorisoi:age_band=30代";
  ingest({event_of(band)});
  ingest({text_at("P1", jst_ms(2023, 2, 20, 19, 0), "こんばんは", "U2")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM consultation WHERE arrival = 'staffed' AND state = 'waiting' "
                  "AND due_at = '2023-02-20 19:00+09'"),
            1);
  EXPECT_EQ(notified_.load(), 0);
  const auto queue = queue_sync(*svc_);
  ASSERT_EQ(queue.size(), 1U);
  EXPECT_EQ(queue[0].arrival, "staffed");
  EXPECT_FALSE(queue[0].urgent);
  EXPECT_EQ(queue[0].due_at, jst_point(2023, 2, 20, 19, 0));
}

TEST_F(routing_inbox_pg, a_returning_resident_writing_in_staffed_hours_gets_no_outbox_row) {
  ingest({text_at("A1", jst_ms(2023, 2, 20, 19, 0), "はじめまして")});  // age question only
  sql(url(), "UPDATE consultation SET state = 'closed', closed_at = now()");
  ingest({text_at("A2", jst_ms(2023, 2, 21, 19, 0), "また来ました")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE kind = 'age_question'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE state = 'waiting' AND arrival = 'staffed'"),
            1);
}

TEST_F(routing_inbox_pg, crisis_at_three_is_urgent_first_in_queue_and_sends_the_contacts) {
  ingest({text_at("E1", jst_ms(2023, 2, 20, 19, 0), "相談です", "U1")});
  ingest({text_at("E2", jst_ms(2023, 2, 20, 20, 0), "相談です", "U2")});
  ingest({text_at("C1", jst_ms(2023, 2, 21, 3, 0), "もう死ニタイ", "U3")});
  const auto crisis = outbox_messages("kind = 'crisis'");
  ASSERT_EQ(crisis.size(), 1U);
  const auto arr = json::parse(crisis[0]).as_array();
  ASSERT_EQ(arr.size(), 1U);  // the contacts alone
  EXPECT_EQ(arr[0].at("text").as_string(), "いのちの電話 0120-783-556");
  EXPECT_EQ(
      count(url(), "SELECT count(*) FROM consultation WHERE priority = 'urgent' AND arrival = 'off_hours'"),
      1);
  const auto queue = queue_sync(*svc_);
  ASSERT_EQ(queue.size(), 3U);
  EXPECT_TRUE(queue[0].urgent);
  EXPECT_FALSE(queue[1].urgent);
  EXPECT_EQ(queue[0].consultation_id,
            sql(url(), "SELECT consultation_id::text FROM consultation WHERE priority = 'urgent'")[0][0]
                .as<std::string>());
  // The others by due time.
  EXPECT_EQ(queue[1].due_at, jst_point(2023, 2, 20, 19, 0));
  EXPECT_EQ(queue[2].due_at, jst_point(2023, 2, 20, 20, 0));
}

TEST_F(routing_inbox_pg, urgency_is_never_downgraded) {
  ingest({text_at("C1", jst_ms(2023, 2, 20, 19, 0), "消えたい")});
  ingest({text_at("C2", jst_ms(2023, 2, 20, 19, 5), "ありがとう")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE priority = 'urgent'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation"), 1);
}

TEST_F(routing_inbox_pg, first_consultation_asks_the_age_band_with_postback_quick_replies) {
  ingest({text_at("A1", jst_ms(2023, 2, 20, 19, 0), "はじめまして")});
  const auto rows = outbox_messages("kind = 'age_question'");
  ASSERT_EQ(rows.size(), 1U);
  const auto arr = json::parse(rows[0]).as_array();
  ASSERT_EQ(arr.size(), 1U);
  const auto& msg = arr[0].as_object();
  EXPECT_EQ(msg.at("type").as_string(), "text");
  EXPECT_EQ(msg.at("text").as_string(), "よろしければ年代を教えてください。");
  const auto& items = msg.at("quickReply").at("items").as_array();
  ASSERT_EQ(items.size(), 7U);
  for (const auto& item : items) {
    EXPECT_EQ(item.at("type").as_string(), "action");
    const auto& action = item.at("action").as_object();
    EXPECT_EQ(action.at("type").as_string(), "postback");
    EXPECT_EQ(action.at("data").as_string(),
              "yorisoi:age_band=" + std::string(action.at("label").as_string()));
    EXPECT_EQ(action.at("displayText").as_string(), action.at("label").as_string());
  }
  EXPECT_EQ(items[1].at("action").at("label").as_string(), "20代");
}

TEST_F(routing_inbox_pg, the_age_band_postback_sets_the_band_and_others_are_ignored) {
  ingest({text_at("A1", jst_ms(2023, 2, 20, 19, 0), "はじめまして")});
  event_spec bad;
  bad.webhook_event_id = "B1";
  bad.type = "postback";
  bad.timestamp_ms = jst_ms(2023, 2, 20, 19, 1);
  bad.postback_data = "yorisoi:age_band=200代";
  ingest({event_of(bad)});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE age_band IS NULL"), 1);
  event_spec good = bad;
  good.webhook_event_id = "B2";
  good.postback_data = "yorisoi:age_band=20代";
  ingest({event_of(good)});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE age_band = '20代'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE process_error IS NOT NULL"), 0);
}

TEST_F(routing_inbox_pg, follow_writes_a_greeting_with_the_reply_token) {
  event_spec f;
  f.webhook_event_id = "F1";
  f.type = "follow";
  f.timestamp_ms = jst_ms(2023, 2, 18, 10, 0);
  f.reply_token = "rt-follow";
  ingest({event_of(f)});
  const auto rows = outbox_messages("kind = 'greeting'");
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(json::parse(rows[0]).as_array()[0].at("text").as_string(), pilot_rules().texts.greeting);
  EXPECT_EQ(
      open_sealed(url(), keys_, "SELECT reply_token, reply_token_key_id FROM outbox", "yamagata/outbox"),
      "rt-follow");
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE consultation_id IS NULL AND origin = 'auto'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation"), 0);
}

TEST_F(routing_inbox_pg, standby_events_are_applied_without_answers) {
  event_spec m;
  m.webhook_event_id = "SB1";
  m.timestamp_ms = jst_ms(2023, 2, 18, 10, 0);
  m.standby = true;
  m.message_id = "m-sb1";
  m.text = "死にたい";
  event_spec f = m;
  f.webhook_event_id = "SB2";
  f.type = "follow";
  f.user_id = "U2";
  ingest({event_of(m), event_of(f)});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE direction = 'in'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE priority = 'urgent'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE off_hours_answered_for IS NULL"), 2);
}

TEST_F(routing_inbox_pg, out_of_service_opens_nothing_and_answers) {
  ingest({text_at("O1", jst_ms(2023, 2, 15, 19, 0), "相談できますか")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation"), 0);
  EXPECT_EQ(
      count(url(), "SELECT count(*) FROM outbox WHERE kind = 'out_of_service' AND consultation_id IS NULL"),
      1);
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM inbox_event WHERE process_error IS NULL AND processed_at IS NOT NULL"),
      1);
}

TEST_F(routing_inbox_pg, unfollow_cancels_pending_automatic_answers_and_claim_skips_them) {
  ingest({text_at("S0", jst_ms(2023, 2, 18, 10, 0), "相談です")});
  event_spec u;
  u.webhook_event_id = "U-1";
  u.type = "unfollow";
  u.timestamp_ms = jst_ms(2023, 2, 18, 10, 5);
  ingest({event_of(u)});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE state = 'cancelled'"), 1);
  EXPECT_TRUE(claim_sync(*svc_).empty());
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE state = 'cancelled'"), 1);
}

TEST_F(routing_inbox_pg, claim_cancels_automatic_rows_of_residents_who_unfollowed_meanwhile) {
  ingest({text_at("S0", jst_ms(2023, 2, 18, 10, 0), "相談です")});
  // The unfollow reached the resident table without cancelling (e.g. the row was being claimed then).
  sql(url(), "UPDATE resident SET followed = false, unfollowed_at = now()");
  EXPECT_TRUE(claim_sync(*svc_).empty());
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE state = 'cancelled' AND attempts = 0"), 1);
}

class no_rules_pg : public routing_pg {
 protected:
  [[nodiscard]] options routing_opts() const override { return opts(true); }
};

TEST_F(no_rules_pg, a_tenant_without_rules_gets_no_answers) {
  event_spec f;
  f.webhook_event_id = "F1";
  f.type = "follow";
  f.timestamp_ms = jst_ms(2023, 2, 18, 10, 0);
  f.reply_token = "rt";
  ingest({event_of(f), text_at("S0", jst_ms(2023, 2, 18, 10, 1), "死にたい")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox"), 0);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE arrival IS NULL AND state = 'waiting'"), 1);
  EXPECT_EQ(notified_.load(), 0);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
