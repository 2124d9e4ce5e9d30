// What the resident receives and what the counsellor sees of their taps, on the real inbox path: one
// message for a crisis at night, each automatic answer stored with its own kind in sending order, the
// age-band tap in the transcript and on the consultation (unless a counsellor set the band), and the
// reports counting it.
#include "console_pg_support.hpp"
#include "report_pg_support.hpp"

#include <gtest/gtest.h>

namespace yorisoi::storage::pgtest {
namespace {

namespace json = boost::json;
using routing::civil_date;

class resident_actions_pg : public routing_pg {
 protected:
  void SetUp() override {
    routing_pg::SetUp();
    if (IsSkipped()) {
      return;
    }
    console_.emplace(*svc_, session_policy{});
    kana_ = actor_of(add_staff(*console_, "yamagata",
                               new_staff{"kana", "かな", routing::staff_role::counsellor, "", password}));
  }

  void TearDown() override { console_.reset(); }

  static routing::line_event age_tap(const std::string& id, std::int64_t ms, const std::string& band,
                                     const std::string& user = "U1") {
    event_spec s;
    s.webhook_event_id = id;
    s.type = "postback";
    s.user_id = user;
    s.timestamp_ms = ms;
    s.postback_data = "yorisoi:age_band=" + band;
    return event_of(s);
  }

  std::string consultation_of(const std::string& user_message_id) {
    return sql(url(), "SELECT consultation_id::text FROM message WHERE line_message_id = '" +
                          user_message_id + "'")[0][0]
        .as<std::string>();
  }

  consultation_detail detail(const std::string& id) {
    auto r = await_store<op_result<consultation_detail>>(
        [&](auto done) { console_->consultation(kana_, id, done); }, "console_store");
    EXPECT_EQ(r.status, op_status::ok) << r.reason;
    return r.value;
  }

  std::string band_of(const std::string& id) {
    return sql(url(),
               "SELECT coalesce(age_band, '') || '/' || coalesce(age_band_set_by, '') FROM consultation "
               "WHERE consultation_id = '" +
                   id + "'")[0][0]
        .as<std::string>();
  }

  report summary(civil_date from, civil_date to) {
    report_store_options o;
    o.url = url();
    o.tenants["yamagata"] = pilot_report_settings();
    report_store reports(*svc_, o);
    reports.start();
    auto r = summary_sync(reports, "yamagata", from, to);
    EXPECT_EQ(r.status, op_status::ok) << r.reason;
    return r.value;
  }

  static constexpr const char* password = "correct horse battery staple";
  std::optional<console_store> console_;
  actor kana_;
};

TEST_F(resident_actions_pg, a_newcomer_in_crisis_at_night_gets_one_message_the_contacts) {
  ingest({text_at("N1", jst_ms(2023, 2, 21, 21, 40), "もう死にたい")});
  const auto rows = outbox_messages();
  ASSERT_EQ(rows.size(), 1U);
  const auto messages = json::parse(rows[0]).as_array();
  ASSERT_EQ(messages.size(), 1U);
  EXPECT_EQ(messages[0].at("text").as_string(), pilot_rules().texts.crisis);
  EXPECT_FALSE(messages[0].as_object().contains("quickReply"));
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE direction = 'out' AND kind = 'crisis'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE direction = 'out'"), 1);
  // The contacts stand for the stretch's off-hours answer: writing again brings nothing more.
  ingest({text_at("N2", jst_ms(2023, 2, 21, 21, 45), "眠れません")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox"), 1);
}

TEST_F(resident_actions_pg, automatic_answers_are_stored_with_their_kinds_in_the_order_sent) {
  // A newcomer on Saturday: the off-hours answer, then the age question, in one reply.
  ingest({text_at("K1", jst_ms(2023, 2, 18, 10, 0), "はじめまして")});
  ASSERT_EQ(count(url(), "SELECT count(*) FROM outbox"), 1);
  const std::string c = consultation_of("m-K1");
  for (int attempt = 0; attempt < 3; ++attempt) {  // the order must not depend on random message ids
    const auto d = detail(c);
    ASSERT_EQ(d.messages.size(), 3U);
    EXPECT_EQ(d.messages[0].direction, "in");
    EXPECT_EQ(d.messages[0].kind, "text");
    EXPECT_EQ(d.messages[1].kind, "off_hours");
    EXPECT_EQ(d.messages[2].kind, "age_question");
    EXPECT_EQ(d.messages[2].text, pilot_rules().texts.age_question);
  }
  const auto stored = sql(url(), "SELECT kind FROM message WHERE direction = 'out' ORDER BY sent_at");
  ASSERT_EQ(stored.size(), 2U);
  EXPECT_EQ(stored[0][0].as<std::string>(), "off_hours");
  EXPECT_EQ(stored[1][0].as<std::string>(), "age_question");
}

TEST_F(resident_actions_pg, the_age_band_tap_is_in_the_transcript_and_fills_the_consultation) {
  ingest({text_at("A1", jst_ms(2023, 2, 20, 19, 0), "はじめまして")});
  const std::string c = consultation_of("m-A1");
  ingest({age_tap("T1", jst_ms(2023, 2, 20, 19, 1), "20代")});
  EXPECT_EQ(band_of(c), "20代/resident");
  const auto d = detail(c);
  ASSERT_EQ(d.messages.size(), 3U);  // the message, the age question, the tap
  EXPECT_EQ(d.messages[2].direction, "in");
  EXPECT_EQ(d.messages[2].kind, "postback");
  EXPECT_EQ(d.messages[2].text, "年代: 20代");
  EXPECT_EQ(d.summary.age_band, "20代");
  // Sealed like message text.
  EXPECT_EQ(open_sealed(url(), keys_, "SELECT body, body_key_id FROM message WHERE kind = 'postback'",
                        "yamagata/message"),
            "年代: 20代");

  // The resident changes their answer: the latest counts.
  ingest({age_tap("T2", jst_ms(2023, 2, 20, 19, 2), "30代")});
  EXPECT_EQ(band_of(c), "30代/resident");
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE kind = 'postback'"), 2);
  // Taps are the resident's actions, not messages: the reports' message counter ignores them.
  EXPECT_EQ(count(url(), "SELECT messages_in FROM consultation"), 1);

  const auto r = summary(civil_date{2023, 2, 20}, civil_date{2023, 2, 20});
  const std::vector<routing::label_count> bands{{"10代", 0}, {"20代", 0}, {"30代", 1}, {"40代", 0}, {"", 0}};
  EXPECT_EQ(r.consulters_by_age_band, bands);
  EXPECT_EQ(r.messages_in, 1);
}

TEST_F(resident_actions_pg, a_counsellors_band_wins_over_later_taps) {
  ingest({text_at("A1", jst_ms(2023, 2, 20, 19, 0), "はじめまして")});
  const std::string c = consultation_of("m-A1");
  ingest({age_tap("T1", jst_ms(2023, 2, 20, 19, 1), "20代")});
  auto set = await_store<op_result<queue_item>>(
      [&](auto done) { console_->set_tags(kana_, c, {}, "40代", done); }, "console_store");
  ASSERT_EQ(set.status, op_status::ok) << set.reason;
  EXPECT_EQ(band_of(c), "40代/counsellor");
  ingest({age_tap("T2", jst_ms(2023, 2, 20, 19, 5), "10代")});
  EXPECT_EQ(band_of(c), "40代/counsellor");
  // The tap is still shown, and the resident's own answer is kept beside the band.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE kind = 'postback'"), 2);
  EXPECT_EQ(sql(url(), "SELECT resident_age_band FROM consultation")[0][0].as<std::string>(), "10代");

  const auto r = summary(civil_date{2023, 2, 20}, civil_date{2023, 2, 20});
  const std::vector<routing::label_count> bands{{"10代", 0}, {"20代", 0}, {"30代", 0}, {"40代", 1}, {"", 0}};
  EXPECT_EQ(r.consulters_by_age_band, bands);
}

TEST_F(resident_actions_pg, a_tap_without_an_open_consultation_keeps_the_band_on_the_resident) {
  event_spec f;
  f.webhook_event_id = "F1";
  f.type = "follow";
  f.timestamp_ms = jst_ms(2023, 2, 20, 19, 0);
  ingest({event_of(f), age_tap("T1", jst_ms(2023, 2, 20, 19, 1), "20代")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE age_band = '20代'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message"), 0);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE process_error IS NOT NULL"), 0);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
