// The backlog figures of service::stats() (rendered by /metrics): events waiting while no processor
// applies them show up with the age of the oldest, and drain to 0 once one does; events that failed to
// apply are counted; outbox rows still to send show up by state, with how long the longest-due has
// been due.

#include "storage_routing_support.hpp"

namespace yorisoi::storage::pgtest {
namespace {

class backlog_pg : public storage_pg {
 protected:
  [[nodiscard]] options backlog_opts(bool inbox) const {
    options o = opts(inbox);
    o.backlog_every = std::chrono::milliseconds(20);
    o.tenant_rules.emplace("yamagata", pilot_rules());
    return o;
  }

  // Waits for a measurement that satisfies `condition` (the job measures every 20 ms).
  static bool measured(service& svc, const std::function<bool(const backlog_stats&)>& condition) {
    return eventually([&] {
      const backlog_stats b = svc.stats().backlog;
      return b.measured && condition(b);
    });
  }

  keyring keys_ = make_keys({1});
};

TEST_F(backlog_pg, waiting_events_show_up_with_their_age_and_drain_to_zero) {
  const std::int64_t at = jst_ms(2023, 2, 20, 19, 0);
  {
    service svc(backlog_opts(false), keys_);
    svc.migrate();
    svc.start();
    EXPECT_TRUE(measured(svc, [](const backlog_stats& b) { return b.inbox_waiting == 0; }));
    ASSERT_EQ(ingest_sync(svc, request_of({text_at("W1", at, "こんにちは", "U1"),
                                           text_at("W2", at + 1, "こんにちは", "U2"),
                                           text_at("W3", at + 2, "こんにちは", "U3")}))
                  .outcome,
              ingest_outcome::stored);
    EXPECT_TRUE(measured(svc, [](const backlog_stats& b) { return b.inbox_waiting == 3; }));
    // A spooled event keeps the time it first reached us: the oldest is the earliest received.
    sql(url(),
        "UPDATE inbox_event SET received_at = now() - interval '1 hour' WHERE webhook_event_id = 'W2'");
    EXPECT_TRUE(measured(svc, [](const backlog_stats& b) {
      return b.inbox_oldest_waiting_seconds >= 3600 && b.inbox_oldest_waiting_seconds < 7200;
    }));
    const backlog_stats b = svc.stats().backlog;
    EXPECT_EQ(b.inbox_failed, 0U);
    EXPECT_EQ(b.outbox_pending, 0U);
    EXPECT_EQ(b.outbox_oldest_due_seconds, 0);
  }

  service svc(backlog_opts(true), keys_);
  svc.start();
  wait_processed();
  EXPECT_TRUE(measured(svc, [](const backlog_stats& b) {
    return b.inbox_waiting == 0 && b.inbox_oldest_waiting_seconds == 0 && b.outbox_pending == 3;
  })) << svc.stats().backlog.inbox_waiting;
}

TEST_F(backlog_pg, failed_events_and_outbox_rows_by_state_are_counted) {
  service svc(backlog_opts(true), keys_);
  svc.migrate();
  svc.start();
  const std::int64_t at = jst_ms(2023, 2, 20, 19, 0);
  ASSERT_EQ(ingest_sync(svc, request_of({text_at("W1", at, "こんにちは", "U1"),
                                         text_at("W2", at + 1, "こんにちは", "U2")}))
                .outcome,
            ingest_outcome::stored);
  wait_processed();
  // An event that could not be applied is kept, marked with its error.
  sql(url(),
      "UPDATE inbox_event SET process_error = 'payload could not be opened' WHERE webhook_event_id = 'W1'");
  sql(url(), "UPDATE outbox SET next_attempt_at = now() - interval '10 minutes'");
  EXPECT_TRUE(measured(svc, [](const backlog_stats& b) {
    return b.inbox_failed == 1 && b.outbox_pending == 2 && b.outbox_sending == 0 &&
           b.outbox_oldest_due_seconds >= 600 && b.outbox_oldest_due_seconds < 1200;
  }));

  // Claimed rows are leased: sending, and not due again before the lease ends.
  ASSERT_EQ(claim_sync(svc, 1, std::chrono::seconds{600}).size(), 1U);
  EXPECT_TRUE(measured(svc, [](const backlog_stats& b) {
    return b.outbox_pending == 1 && b.outbox_sending == 1 && b.outbox_oldest_due_seconds >= 600;
  }));
  ASSERT_EQ(claim_sync(svc, 1, std::chrono::seconds{600}).size(), 1U);
  EXPECT_TRUE(measured(svc, [](const backlog_stats& b) {
    return b.outbox_pending == 0 && b.outbox_sending == 2 && b.outbox_oldest_due_seconds == 0;
  }));
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
