// The queue's order, idle closing, and the inbox's commit-order guard (xid filter).
#include "storage_routing_support.hpp"

namespace yorisoi::storage::pgtest {
namespace {

class queue_pg : public routing_pg {};

TEST_F(queue_pg, equal_due_times_are_ordered_by_waiting_since) {
  ingest({text_at("L1", jst_ms(2023, 2, 18, 10, 5), "後から", "U1")});
  ingest({text_at("L2", jst_ms(2023, 2, 18, 10, 0), "先に", "U2")});
  ingest({text_at("L3", jst_ms(2023, 2, 19, 9, 0), "消えたい", "U3")});
  const auto queue = queue_sync(*svc_);
  ASSERT_EQ(queue.size(), 3U);
  EXPECT_TRUE(queue[0].urgent);
  EXPECT_EQ(queue[1].waiting_since, jst_point(2023, 2, 18, 10, 0));
  EXPECT_EQ(queue[2].waiting_since, jst_point(2023, 2, 18, 10, 5));
  for (const auto& row : queue) {
    EXPECT_EQ(row.due_at, jst_point(2023, 2, 20, 18, 0));
    EXPECT_EQ(row.state, "waiting");
    EXPECT_EQ(row.arrival, "off_hours");
  }
  // Closed consultations leave the queue; other tenants' never enter it.
  sql(url(), "UPDATE consultation SET state = 'closed', closed_at = now() WHERE priority = 'urgent'");
  EXPECT_EQ(queue_sync(*svc_).size(), 2U);
  EXPECT_TRUE(queue_sync(*svc_, "sendai").empty());
}

// Idle closing needs consultations to exist now, so this tenant has no service period (no rules).
class idle_pg : public routing_pg {
 protected:
  [[nodiscard]] options routing_opts() const override {
    options o = opts(true);
    o.idle_close_after.emplace("yamagata", std::chrono::minutes{30});
    return o;
  }

  static std::int64_t ms_ago(std::chrono::minutes m) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               (std::chrono::system_clock::now() - m).time_since_epoch())
        .count();
  }
};

TEST_F(idle_pg, idle_consultations_close_and_a_later_message_opens_a_new_one) {
  ingest({text_at("I1", ms_ago(std::chrono::minutes{120}), "前の相談", "U1"),
          text_at("I2", ms_ago(std::chrono::minutes{5}), "今の相談", "U2"),
          text_at("I0", ms_ago(std::chrono::minutes{120}), "まだ返事がない", "U3")});
  // A counsellor answered U1 (the console does this later); U3's message is still unanswered.
  sql(url(),
      "UPDATE consultation c SET waiting_since = NULL, state = 'assigned' FROM message m "
      "WHERE m.tenant_id = c.tenant_id AND m.consultation_id = c.consultation_id AND m.line_message_id = 'm-I1'");
  ASSERT_TRUE(eventually([&] {
    svc_->poke_idle_closer();
    return count(url(),
                 "SELECT count(*) FROM consultation WHERE state = 'closed' AND closed_at IS NOT NULL") == 1;
  }));
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM consultation c JOIN message m USING (tenant_id, consultation_id) "
                  "WHERE c.state = 'closed' AND m.line_message_id = 'm-I1'"),
            1);
  // Unanswered for two hours, yet never closed as idle.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE state = 'waiting'"), 2);
  ingest({text_at("I3", ms_ago(std::chrono::minutes{0}), "また来ました", "U1")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation"), 4);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE state = 'waiting'"), 3);
  EXPECT_EQ(queue_sync(*svc_).size(), 3U);
}

class xid_guard_pg : public routing_pg {};

TEST_F(xid_guard_pg, a_row_is_not_applied_while_an_earlier_transaction_is_open) {
  // Another writer (say a second instance) has inserted the resident's follow but not committed yet.
  event_spec follow;
  follow.webhook_event_id = "X1";
  follow.type = "follow";
  follow.timestamp_ms = jst_ms(2023, 2, 18, 10, 0);
  follow.reply_token = "rt-x1";
  const sealed payload = keys_.seal(event_of(follow).raw_json, "yamagata/inbox");
  pqxx::connection early(url());
  pqxx::work open_tx(early);
  // With the resident's pseudonym, as ingest writes it: the resident's events share one partition.
  open_tx.exec_params(
      "INSERT INTO inbox_event (tenant_id, webhook_event_id, channel_key, event_type, mode, occurred_at, "
      "payload, key_id, pseudonym) VALUES ('yamagata', 'X1', 'yamagata-line', 'follow', 'active', now(), $1, $2, "
      "$3)",
      pqxx::binarystring(payload.blob), static_cast<std::int32_t>(payload.key_id),
      pqxx::binarystring(keys_.pseudonym("yamagata-line", follow.user_id)));

  // Then the unfollow is stored and committed through the service.
  event_spec unfollow;
  unfollow.webhook_event_id = "X2";
  unfollow.type = "unfollow";
  unfollow.timestamp_ms = jst_ms(2023, 2, 18, 10, 1);
  ASSERT_EQ(ingest_sync(*svc_, request_of({event_of(unfollow)})).outcome, ingest_outcome::stored);
  // The processor runs every 50 ms and is poked; the later row must wait for the earlier transaction.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds{400};
  while (std::chrono::steady_clock::now() < until) {
    svc_->poke_inbox();
    ASSERT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE processed_at IS NOT NULL"), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  open_tx.commit();
  wait_processed();
  // Applied in write order: follow (greeting queued), then unfollow (greeting cancelled).
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE NOT followed"), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE kind = 'greeting' AND state = 'cancelled'"), 1);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
