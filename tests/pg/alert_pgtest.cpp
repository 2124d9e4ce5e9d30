// On-call alerts from the inbox: the alert row is written in the transaction that applies the
// resident's message (once, whatever the redeliveries), one per consultation per off-hours stretch, none
// while staffed or for a tenant without alerts; claim and completion with the outbox's rules.
#include "storage_routing_support.hpp"

namespace yorisoi::storage::pgtest {
namespace {

class alert_pg : public routing_pg {
 protected:
  [[nodiscard]] options routing_opts() const override {
    options o = routing_pg::routing_opts();
    o.alert_policies.emplace("yamagata", routing::alert_policy{on_});
    return o;
  }

  std::vector<alert_item> claim_alerts_sync(std::chrono::seconds lease = std::chrono::seconds{60}) {
    using result = std::optional<std::vector<alert_item>>;
    auto r = await_callback<result>(
        [&](std::function<void(result)> done) { svc_->claim_alerts(10, lease, std::move(done)); },
        "claim_alerts");
    EXPECT_TRUE(r.has_value()) << "claim_alerts reported a database error";
    return r.value_or(std::vector<alert_item>{});
  }

  bool complete_alert_sync(alert_report report) {
    return await_callback<bool>(
        [&](std::function<void(bool)> done) { svc_->complete_alert(std::move(report), std::move(done)); },
        "complete_alert");
  }

  routing::alert_on on_ = routing::alert_on::urgent;
};

class alert_any_pg : public alert_pg {
 protected:
  alert_any_pg() { on_ = routing::alert_on::any; }
};

TEST_F(alert_pg, a_crisis_off_hours_writes_one_alert_in_the_apply_transaction_and_none_on_redelivery) {
  const auto crisis = text_at("C1", jst_ms(2023, 2, 18, 21, 40), "もう死にたい");
  ingest({crisis});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert"), 1);
  // Same transaction as the message and the inbox row's processing (now() is the transaction's time).
  EXPECT_EQ(
      count(
          url(),
          "SELECT count(*) FROM alert a JOIN inbox_event e ON e.event_id = a.source_event_id "
          "JOIN message m ON m.source_event_id = a.source_event_id AND m.consultation_id = a.consultation_id "
          "AND m.direction = 'in' "
          "JOIN consultation c ON c.tenant_id = a.tenant_id AND c.consultation_id = a.consultation_id "
          "WHERE e.webhook_event_id = 'C1' AND a.created_at = e.processed_at AND c.priority = 'urgent' "
          "AND a.resident_id = c.resident_id AND a.kind = 'urgent' AND a.state = 'pending' "
          "AND a.attempts = 0 AND a.stretch_until = '2023-02-20 18:00+09' "
          "AND a.occurred_at = '2023-02-18 21:40+09' AND a.tenant_id = 'yamagata'"),
      1);
  // LINE redelivers the same event: the inbox drops it, and no second alert is written.
  ingest({crisis});
  ingest({crisis});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert"), 1);
}

TEST_F(alert_pg, one_alert_per_consultation_per_off_hours_stretch) {
  ingest({text_at("C1", jst_ms(2023, 2, 18, 21, 40), "死にたい")});
  ingest(
      {text_at("C2", jst_ms(2023, 2, 19, 2, 0), "やっぱり死にたい")});  // same stretch (until Monday 18:00)
  ingest({text_at("C3", jst_ms(2023, 2, 19, 3, 0), "眠れない")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert"), 1);
  ingest({text_at("C4", jst_ms(2023, 2, 20, 22, 0), "死にたい")});  // Monday after the window: a new stretch
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert"), 2);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert WHERE stretch_until = '2023-02-21 18:00+09'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(DISTINCT consultation_id) FROM alert"), 1);
}

TEST_F(alert_pg, no_alert_while_staffed_for_ordinary_messages_or_in_standby) {
  ingest({text_at("S1", jst_ms(2023, 2, 20, 19, 0), "死にたい", "U1")});  // staffed: counsellors are there
  ingest({text_at("S2", jst_ms(2023, 2, 18, 10, 0), "相談です", "U2")});  // off-hours, not urgent
  event_spec standby;
  standby.webhook_event_id = "S3";
  standby.user_id = "U3";
  standby.timestamp_ms = jst_ms(2023, 2, 18, 23, 0);
  standby.standby = true;
  standby.message_id = "m-S3";
  standby.text = "死にたい";
  ingest({event_of(standby)});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE priority = 'urgent'"), 2);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert"), 0);
}

TEST_F(alert_any_pg, any_mode_alerts_each_consultation_opened_off_hours_then_a_crisis_once) {
  ingest({text_at("A1", jst_ms(2023, 2, 18, 10, 0), "相談です")});
  ingest({text_at("A2", jst_ms(2023, 2, 18, 11, 0), "まだいますか")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert WHERE kind = 'off_hours'"), 1);
  ingest({text_at("A3", jst_ms(2023, 2, 18, 12, 0), "死にたい")});
  ingest({text_at("A4", jst_ms(2023, 2, 18, 13, 0), "死にたい")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert WHERE kind = 'urgent'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert"), 2);
  ingest({text_at("A5", jst_ms(2023, 2, 20, 19, 0), "相談です", "U2")});  // staffed
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert"), 2);
}

TEST_F(alert_pg, claim_leases_and_only_the_current_attempt_reports_a_retry) {
  ingest({text_at("C1", jst_ms(2023, 2, 18, 21, 40), "死にたい")});
  auto items = claim_alerts_sync(std::chrono::seconds{0});
  ASSERT_EQ(items.size(), 1U);
  const auto& first = items[0];
  EXPECT_EQ(first.tenant_id, "yamagata");
  EXPECT_EQ(first.kind, "urgent");
  EXPECT_EQ(first.attempt, 1U);
  EXPECT_EQ(first.occurred_at, "2023-02-18T12:40:00Z");
  EXPECT_EQ(first.resident_label,
            sql(url(), "SELECT 'R-' || upper(left(resident_id::text, 6)) FROM consultation")[0][0]
                .as<std::string>());
  EXPECT_EQ(first.consultation_id,
            sql(url(), "SELECT consultation_id::text FROM consultation")[0][0].as<std::string>());
  // A zero lease: the row is due again at once (a sender that died), and the next claim is attempt 2.
  auto again = claim_alerts_sync();
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].attempt, 2U);
  EXPECT_TRUE(claim_alerts_sync().empty());  // leased for 60 s now
  // The first sender's late retry report changes nothing; the current attempt's does.
  alert_report late{
      first.tenant_id, first.alert_id, 1, outbox_outcome::retry, 500, "", std::chrono::system_clock::now()};
  EXPECT_FALSE(complete_alert_sync(late));
  alert_report current = late;
  current.attempt = 2;
  EXPECT_TRUE(complete_alert_sync(current));
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert WHERE state = 'pending' AND last_status = 500"), 1);
  auto third = claim_alerts_sync();
  ASSERT_EQ(third.size(), 1U);
  EXPECT_EQ(third[0].attempt, 3U);
  alert_report sent{first.tenant_id, first.alert_id, 3, outbox_outcome::sent, 200, "", {}};
  EXPECT_TRUE(complete_alert_sync(sent));
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM alert WHERE state = 'sent' AND sent_at IS NOT NULL AND attempts = 3"),
            1);
  EXPECT_TRUE(claim_alerts_sync(std::chrono::seconds{0}).empty());
}

class no_alert_pg : public routing_pg {};

TEST_F(no_alert_pg, a_tenant_without_alerts_gets_none) {
  ingest({text_at("C1", jst_ms(2023, 2, 18, 21, 40), "死にたい")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE priority = 'urgent'"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM alert"), 0);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
