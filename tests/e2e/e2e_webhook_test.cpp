// The webhook's answers against the running binary, and what they leave in the database.
#include "e2e_fixture.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace yorisoi::e2e {
namespace {

class e2e_webhook : public e2e_suite {};

TEST_F(e2e_webhook, signed_request_is_stored_before_200) {
  const std::string body = webhook_body({message_event("e2e-basic-1"), message_event("e2e-basic-2")});
  const auto reply = http_once(port(), "POST", webhook_path(), body, signed_headers(body));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200) << reply->body;
  EXPECT_EQ(reply->header("x-content-type-options"), "nosniff");
  // 200 means committed: the rows are there without waiting.
  EXPECT_EQ(count_events(environment().database_url(), "e2e-basic-"), 2);

  // A redelivery of the same events is acknowledged and stored once.
  const std::string again = webhook_body({message_event("e2e-basic-1", true)});
  const auto second = http_once(port(), "POST", webhook_path(), again, signed_headers(again));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(count_events(environment().database_url(), "e2e-basic-"), 2);
}

TEST_F(e2e_webhook, verification_request_with_no_events_gets_200) {
  const std::string body = webhook_body({});
  const auto reply = http_once(port(), "POST", webhook_path(), body, signed_headers(body));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
}

TEST_F(e2e_webhook, missing_signature_gets_401) {
  const std::string body = webhook_body({message_event("e2e-unsigned-1")});
  const auto reply = http_once(port(), "POST", webhook_path(), body);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  EXPECT_EQ(count_events(environment().database_url(), "e2e-unsigned-"), 0);
}

TEST_F(e2e_webhook, bad_signature_gets_401) {
  const std::string body = webhook_body({message_event("e2e-badsig-1")});
  const std::string other = webhook_body({message_event("e2e-badsig-2")});
  const auto reply = http_once(port(), "POST", webhook_path(), body, signed_headers(other));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 401);
  const auto garbage = http_once(port(), "POST", webhook_path(), body, {{"X-Line-Signature", "%%%"}});
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->status, 401);
  EXPECT_EQ(count_events(environment().database_url(), "e2e-badsig-"), 0);
}

TEST_F(e2e_webhook, malformed_body_gets_400) {
  for (const std::string body : {"not json", "{}", R"({"events":[42]})", R"({"events":[{"no":"type"}]})"}) {
    const auto reply = http_once(port(), "POST", webhook_path(), body, signed_headers(body));
    ASSERT_TRUE(reply) << body;
    EXPECT_EQ(reply->status, 400) << body;
  }
}

TEST_F(e2e_webhook, unknown_channel_answers_exactly_like_a_bad_signature) {
  // Status, headers and body are the same, so channel keys cannot be told apart by probing.
  const std::string body = webhook_body({message_event("e2e-nochannel-1")});
  const std::string other = webhook_body({message_event("e2e-nochannel-2")});
  const auto unknown = http_once(port(), "POST", webhook_path("no-such-channel"), body, signed_headers(body));
  const auto bad_signature = http_once(port(), "POST", webhook_path(), body, signed_headers(other));
  const auto unsigned_unknown = http_once(port(), "POST", webhook_path("no-such-channel"), "not json");
  ASSERT_TRUE(unknown);
  ASSERT_TRUE(bad_signature);
  ASSERT_TRUE(unsigned_unknown);
  EXPECT_EQ(bad_signature->status, 401);
  EXPECT_EQ(unknown->status, bad_signature->status);
  EXPECT_EQ(unknown->headers, bad_signature->headers);
  EXPECT_EQ(unknown->body, bad_signature->body);
  // The body of an unknown channel's request is never parsed: a malformed one gets the same answer.
  EXPECT_EQ(unsigned_unknown->status, 401);
  EXPECT_EQ(unsigned_unknown->body, bad_signature->body);
  EXPECT_EQ(count_events(environment().database_url(), "e2e-nochannel-"), 0);
}

TEST_F(e2e_webhook, body_over_the_limit_gets_413) {
  std::string body = webhook_body({message_event("e2e-large-1")});
  body.insert(body.size() - 1, ",\"padding\":\"" + std::string(body_limit, 'x') + "\"");
  const auto reply = http_once(port(), "POST", webhook_path(), body, signed_headers(body));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
}

TEST_F(e2e_webhook, unknown_path_404_and_wrong_method_405) {
  const auto missing = http_once(port(), "GET", "/nothing-here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  const auto wrong = http_once(port(), "GET", webhook_path());
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->header("allow"), "POST");
}

TEST_F(e2e_webhook, storage_failure_is_spooled_then_replayed_once) {
  // The database refuses the write: the verified request is spooled (fsynced) and acknowledged, and
  // the replayer stores it once the table is back. A redelivery stays a duplicate.
  const auto& url = environment().database_url();
  execute_sql(url, "ALTER TABLE inbox_event RENAME TO inbox_event_away");
  const std::string body = webhook_body({message_event("e2e-outage-1")});
  const auto during = http_once(port(), "POST", webhook_path(), body, signed_headers(body));
  execute_sql(url, "ALTER TABLE inbox_event_away RENAME TO inbox_event");
  ASSERT_TRUE(during);
  EXPECT_EQ(during->status, 200) << during->body;

  // /readyz finding the database again wakes the replayer; bounded wait for the spool to drain, so
  // that the suite's later tests see direct ingests again.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool drained = false;
  while (!drained && std::chrono::steady_clock::now() < deadline) {
    const auto ready = http_once(port(), "GET", "/readyz");
    drained = ready && ready->body.find("\"records\":0") != std::string::npos;
    if (!drained) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ASSERT_TRUE(drained);
  EXPECT_EQ(count_events(url, "e2e-outage-"), 1);

  // LINE redelivers anyway: still one row.
  const auto after = http_once(port(), "POST", webhook_path(), body, signed_headers(body));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200) << after->body;
  EXPECT_EQ(count_events(url, "e2e-outage-"), 1);
}

TEST_F(e2e_webhook, healthz_readyz_and_metrics) {
  const auto health = http_once(port(), "GET", "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, "ok\n");

  const auto ready = http_once(port(), "GET", "/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  EXPECT_NE(ready->body.find("\"ready\":true"), std::string::npos) << ready->body;

  // Make sure at least one webhook was counted before reading the metrics.
  const std::string body = webhook_body({message_event("e2e-metrics-1")});
  ASSERT_TRUE(http_once(port(), "POST", webhook_path(), body, signed_headers(body)));
  const auto metrics = http_once(port(), "GET", "/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->header("content-type").find("text/plain"), std::string::npos);
  for (const char* name :
       {"yorisoi_http_requests_total{", "route=\"line_webhook\"", "yorisoi_webhook_ingest_seconds_bucket",
        "yorisoi_webhook_events_total{outcome=\"inserted\"}", "yorisoi_ingest_batch_events_count",
        "yorisoi_ingest_commit_seconds_count", "yorisoi_storage_pool_workers", "yorisoi_storage_pool_busy",
        "yorisoi_storage_pool_queued", "yorisoi_ingest_queued", "yorisoi_inbox_events{state=\"waiting\"}",
        "yorisoi_inbox_events{state=\"failed\"}", "yorisoi_inbox_oldest_waiting_seconds",
        "yorisoi_outbox_rows{state=\"pending\"}", "yorisoi_outbox_rows{state=\"sending\"}",
        "yorisoi_outbox_oldest_due_seconds", "yorisoi_backlog_measured_seconds_ago",
        "yorisoi_inbox_events{state=\"parked\"}", "yorisoi_inbox_applied_total{lane=\"ordinary\"}",
        "yorisoi_inbox_applied_total{lane=\"crisis\"}", "yorisoi_inbox_parked_total",
        "yorisoi_inbox_partitions{of=\"held\"}", "yorisoi_inbox_partitions{of=\"total\"} 16"}) {
    EXPECT_NE(metrics->body.find(name), std::string::npos) << name;
  }
}

TEST_F(e2e_webhook, keep_alive_serves_several_requests_on_one_connection) {
  http_connection connection(port());
  for (int i = 0; i < 3; ++i) {
    const std::string body = webhook_body({message_event("e2e-keepalive-" + std::to_string(i))});
    const auto reply = connection.request("POST", webhook_path(), body, signed_headers(body));
    ASSERT_TRUE(reply) << i;
    EXPECT_EQ(reply->status, 200);
  }
  EXPECT_EQ(count_events(environment().database_url(), "e2e-keepalive-"), 3);
}

}  // namespace
}  // namespace yorisoi::e2e
