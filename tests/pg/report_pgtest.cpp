// The city's tallies against a real PostgreSQL: a known hand-made history (report_pg_support.hpp) and
// the exact figures expected from it; counters kept by the message trigger on the real ingest path;
// link clicks; the report is the same after the retention purge, which leaves no text behind.
#include "report_pg_support.hpp"

#include <gtest/gtest.h>

namespace yorisoi::storage::pgtest {
namespace {

using routing::civil_date;
using routing::label_count;

class report_pg : public storage_pg {
 protected:
  void SetUp() override {
    storage_pg::SetUp();
    if (IsSkipped()) {
      return;
    }
    svc_.emplace(opts(false), make_keys({1}));
    svc_->migrate();
    svc_->start();
    report_store_options o;
    o.url = url();
    o.tenants["yamagata"] = pilot_report_settings();
    o.tenants["tendo"] = pilot_report_settings();
    reports_.emplace(*svc_, o);
    reports_->start();
  }

  void TearDown() override {
    reports_.reset();
    svc_.reset();
  }

  report february() {
    auto r = summary_sync(*reports_, "yamagata", civil_date{2023, 2, 1}, civil_date{2023, 2, 28});
    EXPECT_EQ(r.status, op_status::ok) << r.reason;
    return r.value;
  }

  std::optional<service> svc_;
  std::optional<report_store> reports_;
};

// Every figure of February 2023 for yamagata, by hand from the history's description.
void expect_february(const report& r) {
  EXPECT_EQ(r.consultations, 5);  // C1 (opened 2/28 23:50, closed in March) … C5; not C0 (Jan), C6 (Mar)
  EXPECT_EQ(r.consulters, 4);
  EXPECT_EQ(r.returning_consulters, 1);  // R1 (C0 in January)
  EXPECT_EQ(r.new_consulters, 3);
  // R2 once, in the band of the latest consultation (C3: 30代); R3 unknown.
  const std::vector<label_count> bands{{"10代", 0}, {"20代", 1}, {"30代", 1}, {"40代", 1}, {"", 1}};
  EXPECT_EQ(r.consulters_by_age_band, bands);
  // C1's categories were tagged after closure; the sum (4) exceeds nothing here but is not the count (5).
  const std::vector<label_count> categories{{"家族関係", 1}, {"孤独・孤立", 2}, {"仕事・就労関係", 1}};
  EXPECT_EQ(r.consultations_by_category, categories);
  EXPECT_EQ(r.consultations_without_category, 2);
  EXPECT_EQ(r.messages_in, 9);  // C1's message after midnight included
  EXPECT_EQ(r.messages_out, 6);
  EXPECT_EQ(r.arrivals_by_weekday_hour[2][23], 1);  // C1 Tuesday 23h
  EXPECT_EQ(r.arrivals_by_weekday_hour[1][18], 1);  // C2 Monday 18h
  EXPECT_EQ(r.arrivals_by_weekday_hour[5][20], 1);  // C3 Friday 20h
  EXPECT_EQ(r.arrivals_by_weekday_hour[6][10], 1);  // C4 Saturday 10h
  EXPECT_EQ(r.arrivals_by_weekday_hour[5][22], 1);  // C5 Friday 22h
  std::int64_t cells = 0;
  for (const auto& day : r.arrivals_by_weekday_hour) {
    for (std::int64_t n : day) {
      cells += n;
    }
  }
  EXPECT_EQ(cells, 5);
  EXPECT_EQ(r.arrivals_staffed, 2);
  EXPECT_EQ(r.arrivals_off_hours, 3);
  EXPECT_EQ(r.arrivals_unknown, 0);
  EXPECT_EQ(r.waiting.answered, 4);
  EXPECT_EQ(r.waiting.unanswered, 1);               // C4
  EXPECT_EQ(r.waiting.clock_median_minutes, 30.0);  // 5, 30, 1100, 4110
  EXPECT_EQ(r.waiting.clock_p90_minutes, 4110.0);
  EXPECT_EQ(r.waiting.staffed_median_minutes, 10.0);  // 5, 10, 30, 30
  EXPECT_EQ(r.waiting.staffed_p90_minutes, 30.0);
  EXPECT_EQ(r.urgent, 1);

  EXPECT_EQ(r.referrals.total, 4);  // RF0 belongs to January's C0
  EXPECT_EQ(r.referrals.emergency, 1);
  const std::vector<label_count> stages{{"proposed", 0},  {"awaiting_consent", 0}, {"at_hub", 0},
                                        {"forwarded", 1}, {"answered", 1},         {"returned", 0},
                                        {"closed", 0},    {"cancelled", 2}};
  EXPECT_EQ(r.referrals.by_stage, stages);
  const std::vector<label_count> causes{
      {"consent_declined", 1}, {"consent_expired", 0}, {"consent_withdrawn", 1}};
  EXPECT_EQ(r.referrals.cancelled_by_cause, causes);
  ASSERT_EQ(r.referrals.by_unit.size(), 2U);
  EXPECT_EQ(r.referrals.by_unit[0].unit_id, "kenko");
  EXPECT_EQ(r.referrals.by_unit[0].unit_name, "健康増進課");
  EXPECT_EQ(r.referrals.by_unit[0].suggested, 3);
  EXPECT_EQ(r.referrals.by_unit[0].received, 1);
  EXPECT_EQ(r.referrals.by_unit[0].answered, 1);
  EXPECT_EQ(r.referrals.by_unit[1].unit_id, "koyo");
  EXPECT_EQ(r.referrals.by_unit[1].suggested, 0);
  EXPECT_EQ(r.referrals.by_unit[1].received, 1);
  EXPECT_EQ(r.referrals.by_unit[1].answered, 0);

  EXPECT_EQ(r.consents.requested, 4);
  EXPECT_EQ(r.consents.granted, 2);  // RF1, and RF4's second request (granted, then withdrawn)
  EXPECT_EQ(r.consents.declined, 1);
  EXPECT_EQ(r.consents.expired, 1);
  EXPECT_EQ(r.consents.withdrawn, 1);
  EXPECT_EQ(r.consents.pending, 0);

  ASSERT_EQ(r.link_clicks.size(), 3U);
  EXPECT_EQ(r.link_clicks[0].code, "web-ads");
  EXPECT_EQ(r.link_clicks[0].clicks, 5);  // not March's 7, not tendo's 9
  EXPECT_EQ(r.link_clicks[1].code, "facebook");
  EXPECT_EQ(r.link_clicks[1].clicks, 0);
  EXPECT_EQ(r.link_clicks[2].code, "flyer");
  EXPECT_EQ(r.link_clicks[2].clicks, 2);
}

TEST_F(report_pg, every_figure_of_a_known_history) {
  load_report_history(url());
  expect_february(february());
}

TEST_F(report_pg, the_other_tenant_and_other_ranges) {
  load_report_history(url());
  const auto tendo = summary_sync(*reports_, "tendo", civil_date{2023, 2, 1}, civil_date{2023, 2, 28});
  ASSERT_EQ(tendo.status, op_status::ok);
  EXPECT_EQ(tendo.value.consultations, 1);
  EXPECT_EQ(tendo.value.messages_in, 4);
  EXPECT_EQ(tendo.value.link_clicks[0].clicks, 9);

  // One day: 2023-02-28 holds only C1 (opened 23:50 JST; 14:50 UTC, the same UTC day).
  const auto day = summary_sync(*reports_, "yamagata", civil_date{2023, 2, 28}, civil_date{2023, 2, 28});
  EXPECT_EQ(day.value.consultations, 1);
  EXPECT_EQ(day.value.messages_in, 3);
  // March 1st JST holds C6, opened at 00:00 JST (still February 28th in UTC).
  const auto march = summary_sync(*reports_, "yamagata", civil_date{2023, 3, 1}, civil_date{2023, 3, 31});
  EXPECT_EQ(march.value.consultations, 1);
  EXPECT_EQ(march.value.returning_consulters, 1);  // R4 had C5 in February
  EXPECT_EQ(march.value.link_clicks[0].clicks, 7);

  EXPECT_EQ(summary_sync(*reports_, "nowhere", civil_date{2023, 2, 1}, civil_date{2023, 2, 28}).status,
            op_status::not_found);
  EXPECT_EQ(summary_sync(*reports_, "yamagata", civil_date{2023, 3, 1}, civil_date{2023, 2, 1}).status,
            op_status::invalid);
  EXPECT_EQ(summary_sync(*reports_, "yamagata", civil_date{2019, 1, 1}, civil_date{2023, 2, 1}).status,
            op_status::invalid);
}

TEST_F(report_pg, figures_survive_the_retention_purge) {
  load_report_history(url());
  const report before = february();
  // 30 days on 2023-03-25: C0 (closed 1/21), C2 (2/20) and C5 (2/21) are due; C1 (closed 3/2) is not.
  const std::map<std::string, std::chrono::hours> periods{{"yamagata", std::chrono::hours{24 * 30}}};
  const auto first =
      run_retention_once(url(), periods, std::chrono::sys_days{std::chrono::year{2023} / 3 / 25});
  EXPECT_FALSE(first.skipped);
  EXPECT_EQ(first.consultations, 3U);
  EXPECT_EQ(first.messages, 9U);  // 2 in + 1 out each
  EXPECT_EQ(first.notes, 2U);
  EXPECT_EQ(first.inbox_events, 2U);
  EXPECT_EQ(first.outbox_rows, 3U);
  EXPECT_EQ(first.referrals, 2U);         // RF0 (C0), RF1 (C2)
  EXPECT_EQ(first.referral_answers, 1U);  // kenko's answer to RF1
  EXPECT_EQ(first.residents, 0U);         // every resident has a consultation
  // The referrals' texts went with their consultations; the rows stay for the tallies.
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM referral WHERE redacted_at IS NOT NULL AND summary IS NULL AND "
            "summary_key_id IS NULL AND reason IS NULL AND emergency_reason IS NULL AND consultation_id IN "
            "('00000000-0000-0000-0000-0000000000c0', '00000000-0000-0000-0000-0000000000c2')"),
      2);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM referral WHERE summary IS NOT NULL"), 3);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM referral_unit WHERE answer IS NOT NULL"), 0);
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM message WHERE consultation_id = '00000000-0000-0000-0000-0000000000c5'"),
      0);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation_note"), 0);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event"), 0);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE purged_at IS NOT NULL"), 3);
  // The purge is audited with counts only.
  const auto audit = sql(url(),
                         "SELECT tenant_id, actor_id IS NULL, detail::text FROM audit_event "
                         "WHERE action = 'retention.purge'");
  ASSERT_EQ(audit.size(), 1U);
  EXPECT_EQ(audit[0][0].as<std::string>(), "yamagata");
  EXPECT_TRUE(audit[0][1].as<bool>());
  EXPECT_EQ(audit[0][2].as<std::string>(),
            R"({"notes": 2, "messages": 9, "referrals": 2, "outbox_rows": 3, "inbox_events": 2, )"
            R"("consultations": 3, "retention_days": 30, "referral_answers": 1})");
  expect_february(february());

  // Everything closed is purged a year later (tendo has no period: untouched); the figures stay.
  const auto second =
      run_retention_once(url(), periods, std::chrono::sys_days{std::chrono::year{2024} / 3 / 1});
  EXPECT_EQ(second.consultations, 3U);  // C1, C3, C4; C6 is still open
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE tenant_id = 'yamagata'"), 1);  // C6's
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE tenant_id = 'tendo'"), 8);
  EXPECT_EQ(second.referrals, 3U);  // RF2, RF3 (emergency: its reason too), RF4
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM referral WHERE summary IS NOT NULL OR reason IS NOT NULL OR "
                  "emergency_reason IS NOT NULL"),
            0);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM referral"), 5);
  const report after = february();
  expect_february(after);
  EXPECT_EQ(after.consulters_by_age_band, before.consulters_by_age_band);

  // Nothing left to do: no audit row for an empty run.
  const auto third =
      run_retention_once(url(), periods, std::chrono::sys_days{std::chrono::year{2024} / 3 / 1});
  EXPECT_EQ(third.consultations, 0U);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'retention.purge'"), 2);
}

TEST_F(report_pg, retention_purges_idle_residents_and_old_non_message_events) {
  load_report_history(url());
  // R5 followed on 2023-01-05 and never wrote (a greeting was sent); R6 likewise, but a message to it is
  // still pending; R7 followed on 2023-03-20. Follow events: R5's (applied), one not yet applied, R7's.
  exec_sql(url(), R"sql(
INSERT INTO resident (tenant_id, resident_id, pseudonym, channel_key, line_user_id, line_user_key_id,
                      first_seen_at, last_seen_at)
VALUES ('yamagata', '00000000-0000-0000-0000-0000000000a5', '\xa5', 'line', '\x00', 1, '2023-01-05Z', '2023-01-05Z'),
       ('yamagata', '00000000-0000-0000-0000-0000000000a6', '\xa6', 'line', '\x00', 1, '2023-01-05Z', '2023-01-05Z'),
       ('yamagata', '00000000-0000-0000-0000-0000000000a7', '\xa7', 'line', '\x00', 1, '2023-03-20Z', '2023-03-20Z');
INSERT INTO outbox (tenant_id, channel_key, resident_id, origin, kind, messages, messages_key_id, state)
VALUES ('yamagata', 'line', '00000000-0000-0000-0000-0000000000a5', 'auto', 'greeting', '\x01', 1, 'sent'),
       ('yamagata', 'line', '00000000-0000-0000-0000-0000000000a6', 'auto', 'greeting', '\x01', 1, 'pending');
INSERT INTO inbox_event (tenant_id, event_id, webhook_event_id, channel_key, event_type, mode, occurred_at,
                         received_at, payload, key_id, processed_at)
VALUES ('yamagata', '00000000-0000-0000-0000-0000000000e5', 'f5', 'line', 'follow', 'active',
        '2023-01-05Z', '2023-01-05Z', '\x01', 1, '2023-01-05Z'),
       ('yamagata', '00000000-0000-0000-0000-0000000000e6', 'f6', 'line', 'follow', 'active',
        '2023-01-05Z', '2023-01-05Z', '\x01', 1, NULL),
       ('yamagata', '00000000-0000-0000-0000-0000000000e7', 'f7', 'line', 'follow', 'active',
        '2023-03-20Z', '2023-03-20Z', '\x01', 1, '2023-03-20Z');
)sql");
  const report before = february();
  const std::map<std::string, std::chrono::hours> periods{{"yamagata", std::chrono::hours{24 * 30}}};
  const auto run =
      run_retention_once(url(), periods, std::chrono::sys_days{std::chrono::year{2023} / 3 / 25});
  EXPECT_EQ(run.residents, 1U);
  EXPECT_EQ(run.inbox_events, 3U);  // C5's two message events and R5's follow
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM resident WHERE resident_id = '00000000-0000-0000-0000-0000000000a5'"),
            0);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE tenant_id = 'yamagata'"), 6);  // R1–R4, R6, R7
  // R5's sent greeting went with R5; R6's pending one stays.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE consultation_id IS NULL"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event"), 2);  // e6, e7
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM inbox_event WHERE event_id = '00000000-0000-0000-0000-0000000000e5'"),
            0);
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM audit_event WHERE action = 'retention.purge' AND detail ? 'residents'"),
      1);
  const report after = february();
  expect_february(after);
  EXPECT_EQ(after.consulters, before.consulters);
}

TEST_F(report_pg, one_purge_at_a_time) {
  load_report_history(url());
  // Another instance's job holds the lock (the same key as storage/src/report/retention.cpp).
  pqxx::connection other(url());
  pqxx::nontransaction tx(other);
  ASSERT_TRUE(tx.exec("SELECT pg_try_advisory_lock(2037543536)")[0][0].as<bool>());
  const std::map<std::string, std::chrono::hours> periods{{"yamagata", std::chrono::hours{24}}};
  const auto skipped =
      run_retention_once(url(), periods, std::chrono::sys_days{std::chrono::year{2024} / 1 / 1});
  EXPECT_TRUE(skipped.skipped);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE purged_at IS NOT NULL"), 0);
  tx.exec("SELECT pg_advisory_unlock(2037543536)");
  const auto done =
      run_retention_once(url(), periods, std::chrono::sys_days{std::chrono::year{2024} / 1 / 1});
  EXPECT_FALSE(done.skipped);
  EXPECT_EQ(done.consultations, 6U);  // C0 … C5
}

// The real ingest path: the message trigger counts each message row once, in the inserting transaction.
TEST_F(report_pg, message_counters_follow_the_inbox) {
  service ingesting(opts(true), make_keys({1}));
  ingesting.start();
  ingest_sync(ingesting,
              request_of({make_text("w1", "U1", "m1", "hello"), make_text("w2", "U1", "m2", "again")}));
  // A new webhook event carrying an already stored LINE message: no second row, no second count.
  ingest_sync(ingesting, request_of({make_text("w3", "U1", "m2", "again")}));
  ASSERT_TRUE(eventually(
      [&] { return count(url(), "SELECT count(*) FROM inbox_event WHERE processed_at IS NULL") == 0; }));
  ingesting.stop();
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE direction = 'in'"), 2);
  EXPECT_EQ(count(url(), "SELECT sum(messages_in) FROM consultation"), 2);
  EXPECT_EQ(count(url(), "SELECT sum(messages_out) FROM consultation"),
            count(url(), "SELECT count(*) FROM message WHERE direction = 'out'"));
}

// A consultation opened in the last half-second of a day counts on that day, in its 23時 cell — not
// rounded into the next day (where the range query would not find it either).
TEST_F(report_pg, a_consultation_opened_in_the_last_half_second_counts_on_its_own_day) {
  exec_sql(url(), R"sql(
INSERT INTO resident (tenant_id, resident_id, pseudonym, channel_key, line_user_id, line_user_key_id,
                      first_seen_at, last_seen_at)
VALUES ('yamagata', '00000000-0000-0000-0000-0000000000a1', '\x01', 'line', '\x00', 1, '2023-02-28Z', '2023-03-01Z');
INSERT INTO consultation (tenant_id, consultation_id, resident_id, state, priority, arrival, opened_at,
                          last_message_at, first_answer_at)
VALUES ('yamagata', '00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', 'waiting',
        'normal', 'off_hours', '2023-02-28 23:59:59.7+09', '2023-02-28 23:59:59.7+09', '2023-03-01 18:00:00.2+09');
)sql");
  const auto day = summary_sync(*reports_, "yamagata", civil_date{2023, 2, 28}, civil_date{2023, 2, 28});
  ASSERT_EQ(day.status, op_status::ok) << day.reason;
  EXPECT_EQ(day.value.consultations, 1);
  EXPECT_EQ(day.value.arrivals_by_weekday_hour[2][23], 1);  // Tuesday, 23時
  EXPECT_EQ(day.value.waiting.answered, 1);
  const auto next = summary_sync(*reports_, "yamagata", civil_date{2023, 3, 1}, civil_date{2023, 3, 1});
  ASSERT_EQ(next.status, op_status::ok) << next.reason;
  EXPECT_EQ(next.value.consultations, 0);
}

TEST_F(report_pg, clicks_are_counted_per_day_without_the_visitor) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(click_sync(*reports_, "yamagata", "flyer").status, op_status::ok);
  }
  EXPECT_EQ(click_sync(*reports_, "yamagata", "web-ads").status, op_status::ok);
  EXPECT_EQ(click_sync(*reports_, "nowhere", "flyer").status, op_status::not_found);
  // One row per (tenant, code, day), and the table has no column for anything else.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM link_click"), 2);
  EXPECT_EQ(count(url(), "SELECT sum(clicks) FROM link_click WHERE code = 'flyer'"), 3);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM information_schema.columns WHERE table_name = 'link_click'"),
            4);
  // The day is the tenant's local date of the database's clock.
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM link_click "
                  "WHERE day = ((now() AT TIME ZONE 'UTC') + interval '9 hours')::date"),
            2);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
