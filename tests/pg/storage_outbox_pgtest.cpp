// The outbox sender's side: claiming (leases, reply-token rules, SKIP LOCKED across instances) and
// recording outcomes.
#include "storage_routing_support.hpp"

#include <set>

namespace yorisoi::storage::pgtest {
namespace {

class outbox_pg : public routing_pg {
 protected:
  // One automatic answer (off-hours + age question) with reply token "rt-S0", pending.
  void one_row() { ingest({text_at("S0", jst_ms(2023, 2, 18, 10, 0), "相談です")}); }

  outbox_report report(const outbox_item& item, outbox_outcome outcome, std::string via, int status) {
    outbox_report r;
    r.tenant_id = item.tenant_id;
    r.outbox_id = item.outbox_id;
    r.outcome = outcome;
    r.via = std::move(via);
    r.http_status = status;
    return r;
  }

  void make_due() { sql(url(), "UPDATE outbox SET next_attempt_at = now() - interval '1 second'"); }
};

TEST_F(outbox_pg, claim_hands_over_opened_fields_and_leases_the_row) {
  one_row();
  const auto items = claim_sync(*svc_);
  ASSERT_EQ(items.size(), 1U);
  const outbox_item& item = items[0];
  EXPECT_EQ(item.tenant_id, "yamagata");
  EXPECT_EQ(item.channel_key, "yamagata-line");
  EXPECT_EQ(item.line_user_id, "U1");
  EXPECT_EQ(item.reply_token, "rt-S0");
  EXPECT_EQ(item.attempts, 1U);
  EXPECT_FALSE(item.previous_attempt_unknown);
  EXPECT_EQ(item.previous_via, "");
  EXPECT_NE(item.messages_json.find("「2月20日(月) 18時」"), std::string::npos);
  EXPECT_EQ(sql(url(), "SELECT outbox_id::text FROM outbox")[0][0].as<std::string>(), item.outbox_id);
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM outbox WHERE state = 'sending' AND lease_until > now() "
                  "AND reply_token IS NULL AND attempts = 1"),
            1);
  // Leased: not handed over again.
  EXPECT_TRUE(claim_sync(*svc_).empty());
}

TEST_F(outbox_pg, sent_records_the_delivery) {
  one_row();
  const auto items = claim_sync(*svc_);
  ASSERT_EQ(items.size(), 1U);
  auto r = report(items[0], outbox_outcome::sent, "reply", 200);
  r.request_id = "req-1";
  EXPECT_TRUE(complete_sync(*svc_, r));
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM outbox WHERE state = 'sent' AND sent_at IS NOT NULL AND last_via = 'reply' "
            "AND line_request_id = 'req-1' AND last_status = 200 AND lease_until IS NULL"),
      1);
  // The transcript's outbound messages show it as delivered.
  EXPECT_EQ(
      count(
          url(),
          "SELECT count(*) FROM message m JOIN outbox o USING (tenant_id, outbox_id) WHERE o.state = 'sent'"),
      2);
  make_due();
  EXPECT_TRUE(claim_sync(*svc_).empty());
  EXPECT_FALSE(complete_sync(*svc_, r));  // already finished
}

TEST_F(outbox_pg, retry_waits_until_due_and_never_reuses_the_reply_token) {
  one_row();
  auto items = claim_sync(*svc_);
  ASSERT_EQ(items.size(), 1U);
  auto r = report(items[0], outbox_outcome::retry, "reply", 500);
  r.error = "Internal Server Error";
  r.retry_at = std::chrono::system_clock::now() + std::chrono::hours{1};
  EXPECT_TRUE(complete_sync(*svc_, r));
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM outbox WHERE state = 'pending' AND next_attempt_at > now() + "
                  "interval '50 min' "
                  "AND last_status = 500 AND last_error = 'Internal Server Error' AND last_via = 'reply'"),
            1);
  EXPECT_TRUE(claim_sync(*svc_).empty());
  make_due();
  items = claim_sync(*svc_);
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].attempts, 2U);
  EXPECT_EQ(items[0].reply_token, "");
  EXPECT_EQ(items[0].previous_via, "reply");
  EXPECT_FALSE(items[0].previous_attempt_unknown);
  EXPECT_EQ(items[0].line_user_id, "U1");
}

TEST_F(outbox_pg, failed_is_recorded_and_never_retried) {
  one_row();
  const auto items = claim_sync(*svc_);
  ASSERT_EQ(items.size(), 1U);
  auto r = report(items[0], outbox_outcome::failed, "push", 400);
  r.error = "The request body has 1 error(s)";
  EXPECT_TRUE(complete_sync(*svc_, r));
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM outbox WHERE state = 'failed' AND last_status = 400 AND last_via = 'push' "
            "AND last_error = 'The request body has 1 error(s)' AND sent_at IS NULL"),
      1);
  make_due();
  EXPECT_TRUE(claim_sync(*svc_).empty());
}

TEST_F(outbox_pg, an_expired_lease_is_claimed_again_as_unknown_without_the_reply_token) {
  one_row();
  ASSERT_EQ(claim_sync(*svc_).size(), 1U);
  // The sender died mid-send: its lease runs out.
  sql(url(),
      "UPDATE outbox SET lease_until = now() - interval '1 second', next_attempt_at = now() - interval '1 "
      "second'");
  const auto items = claim_sync(*svc_);
  ASSERT_EQ(items.size(), 1U);
  EXPECT_TRUE(items[0].previous_attempt_unknown);
  // The lost attempt had the reply token: a reply may have been delivered.
  EXPECT_EQ(items[0].previous_via, "reply");
  EXPECT_EQ(items[0].reply_token, "");
  EXPECT_EQ(items[0].attempts, 2U);
  // Lost again, now without a token: that attempt was a push.
  sql(url(),
      "UPDATE outbox SET lease_until = now() - interval '1 second', next_attempt_at = now() - interval '1 "
      "second'");
  const auto again = claim_sync(*svc_);
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].previous_via, "push");
  EXPECT_EQ(again[0].attempts, 3U);
}

TEST_F(outbox_pg, a_reply_token_past_its_expiry_is_not_handed_over) {
  one_row();
  sql(url(), "UPDATE outbox SET reply_token_expires_at = now() - interval '1 second'");
  const auto items = claim_sync(*svc_);
  ASSERT_EQ(items.size(), 1U);
  EXPECT_EQ(items[0].reply_token, "");
  EXPECT_EQ(items[0].attempts, 1U);
  EXPECT_FALSE(items[0].previous_attempt_unknown);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE last_via = 'push'"), 1);
}

TEST_F(outbox_pg, an_unknown_row_is_not_recorded) {
  outbox_report r;
  r.tenant_id = "yamagata";
  r.outbox_id = "00000000-0000-0000-0000-000000000000";
  r.outcome = outbox_outcome::sent;
  EXPECT_FALSE(complete_sync(*svc_, r));
  r.outbox_id = "not-a-uuid";
  EXPECT_FALSE(complete_sync(*svc_, r));
}

TEST_F(outbox_pg, two_services_claiming_concurrently_never_share_a_row) {
  one_row();
  constexpr int rows = 400;
  sql(url(),
      "INSERT INTO outbox (tenant_id, channel_key, resident_id, origin, kind, messages, messages_key_id) "
      "SELECT tenant_id, channel_key, resident_id, 'counsellor', 'reply', messages, messages_key_id "
      "FROM outbox, generate_series(2, " +
          std::to_string(rows) + ")");
  service other(opts(false), make_keys({1}));
  other.start();
  std::mutex mutex;
  std::vector<std::string> claimed;
  auto sender = [&](service& svc) {
    for (;;) {
      const auto items = claim_sync(svc, 7);
      if (items.empty()) {
        return;
      }
      std::lock_guard lock(mutex);
      for (const auto& item : items) {
        claimed.push_back(item.outbox_id);
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back(sender, std::ref(*svc_));
    threads.emplace_back(sender, std::ref(other));
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_TRUE(claim_sync(*svc_).empty());
  const std::set<std::string> distinct(claimed.begin(), claimed.end());
  EXPECT_EQ(distinct.size(), claimed.size()) << "a row was handed to two senders";
  EXPECT_EQ(claimed.size(), static_cast<std::size_t>(rows));
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE state = 'sending' AND attempts = 1"), rows);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
