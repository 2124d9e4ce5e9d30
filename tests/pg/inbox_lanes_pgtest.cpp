// The inbox keeps pace: a crisis message is recognised when it is stored and applied ahead of the
// ordinary backlog, with the same resident's earlier events, in order; several processors share the
// inbox by partition, each event applied once and each resident's events in order; a dead processor's
// partitions are taken over; an event the database keeps rejecting is parked after a bounded number of
// attempts without holding up the others, and can be put back.

#include "storage_routing_support.hpp"

#include "yorisoi/storage/inbox_admin.hpp"

#include <map>
#include <set>

namespace yorisoi::storage::pgtest {
namespace {

class lanes_pg : public storage_pg {
 protected:
  [[nodiscard]] options lane_opts(bool inbox, unsigned workers = 1) const {
    options o = opts(inbox);
    o.tenant_rules.emplace("yamagata", pilot_rules());
    o.inbox_workers = workers;
    o.inbox_batch = 100;
    return o;
  }

  // Stores `events` in requests of 500 through a service that applies nothing.
  void store(service& svc, const std::vector<routing::line_event>& events) {
    for (std::size_t i = 0; i < events.size(); i += 500) {
      std::vector<routing::line_event> part(events.begin() + static_cast<std::ptrdiff_t>(i),
                                            events.begin() + static_cast<std::ptrdiff_t>(std::min(i + 500, events.size())));
      ASSERT_EQ(ingest_sync(svc, request_of(std::move(part))).outcome, ingest_outcome::stored);
    }
  }

  // Residents U0…U(n-1) write `each` messages each, interleaved, at a staffed hour.
  static std::vector<routing::line_event> ordinary(int residents, int each, const std::string& prefix) {
    std::vector<routing::line_event> out;
    const std::int64_t at = jst_ms(2023, 2, 20, 19, 0);
    for (int k = 0; k < each; ++k) {
      for (int r = 0; r < residents; ++r) {
        const std::string id = prefix + std::to_string(k) + "-" + std::to_string(r);
        out.push_back(text_at(id, at + k, "こんにちは", "U" + std::to_string(r)));
      }
    }
    return out;
  }

  // Records, in the scratch database, each marking of an inbox row as applied: by which transaction.
  void log_markings() {
    sql(url(), R"sql(
      CREATE TABLE applied_log (event_id uuid, by_xid xid8 DEFAULT pg_current_xact_id(), by_pid int DEFAULT pg_backend_pid());
      CREATE FUNCTION log_applied() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.processed_at IS NULL AND NEW.processed_at IS NOT NULL THEN
          INSERT INTO applied_log (event_id) VALUES (NEW.event_id);
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER log_applied AFTER UPDATE ON inbox_event FOR EACH ROW EXECUTE FUNCTION log_applied();
    )sql");
  }

  // Each event applied exactly once, and each resident's events by transactions in their stored order.
  void expect_once_and_in_order(long long events) {
    EXPECT_EQ(count(url(), "SELECT count(*) FROM applied_log"), events);
    EXPECT_EQ(count(url(), "SELECT count(*) FROM (SELECT event_id FROM applied_log GROUP BY event_id "
                           "HAVING count(*) > 1) AS twice"),
              0);
    EXPECT_EQ(count(url(), R"sql(
      SELECT count(*) FROM (
        SELECT l.by_xid < lag(l.by_xid) OVER (PARTITION BY e.pseudonym ORDER BY e.xid, e.seq) AS backwards
          FROM inbox_event e JOIN applied_log l USING (event_id)) AS o
       WHERE backwards)sql"),
              0);
  }

  // Waits until every stored event is older than every running transaction of the cluster (the
  // processor takes no other), so that what a processor takes first depends on the lanes only and
  // not on another database's transaction running at the time.
  void visible_to_the_processor() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (count(url(), "SELECT count(*) FROM inbox_event WHERE xid >= pg_snapshot_xmin(pg_current_snapshot())") > 0) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "a transaction of the cluster kept running";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // Waits (bounded, generously: thousands of events on a shared machine) until nothing is waiting.
  void drained() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
    while (count(url(), "SELECT count(*) FROM inbox_event WHERE processed_at IS NULL AND parked_at IS NULL") > 0) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the inbox did not drain";
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  keyring keys_ = make_keys({1});
};

TEST_F(lanes_pg, a_crisis_message_is_stored_in_the_crisis_lane) {
  service svc(lane_opts(false), keys_);
  svc.migrate();
  svc.start();
  const std::int64_t at = jst_ms(2023, 2, 20, 19, 0);
  store(svc, {text_at("W1", at, "こんにちは", "U1"), text_at("W2", at + 1, "もう死ニタイ", "U1"),
              text_at("W3", at + 2, "死 に た い", "U2"), text_at("W4", at + 3, "消えたくない日もある", "U3")});
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE lane = 'crisis' AND webhook_event_id IN "
                         "('W2', 'W3')"),
            2);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE lane = 'ordinary'"), 2);
}

TEST_F(lanes_pg, the_first_batch_holds_the_crisis_event_with_its_residents_earlier_events_in_order) {
  {
    service svc(lane_opts(false), keys_);
    svc.migrate();
    svc.start();
    const std::int64_t at = jst_ms(2023, 2, 20, 19, 0);
    std::vector<routing::line_event> events = ordinary(300, 10, "A");  // 3,000 waiting before
    events.push_back(text_at("C1", at + 20, "こんにちは", "UC"));
    events.push_back(text_at("C2", at + 21, "眠れない", "UC"));
    const std::vector<routing::line_event> more = ordinary(300, 2, "B");
    events.insert(events.end(), more.begin(), more.end());
    // Off-hours, when a crisis message gets the crisis contacts.
    events.push_back(text_at("C3", jst_ms(2023, 2, 20, 22, 0), "もう死にたい", "UC"));
    store(svc, events);
  }
  visible_to_the_processor();
  service svc(lane_opts(true), keys_);
  svc.start();
  drained();
  // One transaction (one processed_at) took UC's three events, before any other resident's.
  EXPECT_EQ(count(url(), "SELECT count(DISTINCT processed_at) FROM inbox_event WHERE webhook_event_id LIKE 'C%'"),
            1);
  EXPECT_EQ(count(url(), R"sql(
    SELECT count(*) FROM inbox_event
     WHERE webhook_event_id NOT LIKE 'C%'
       AND processed_at <= (SELECT processed_at FROM inbox_event WHERE webhook_event_id = 'C3'))sql"),
            0);
  // Its crisis contacts were written by that very transaction.
  EXPECT_EQ(count(url(), R"sql(
    SELECT count(*) FROM outbox
     WHERE kind = 'crisis'
       AND created_at = (SELECT processed_at FROM inbox_event WHERE webhook_event_id = 'C3'))sql"),
            1);
  // In order: the first message opened the consultation and was asked the age question (a consultation
  // already urgent is never asked it).
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox o JOIN inbox_event e ON e.event_id = o.source_event_id "
                         "WHERE e.webhook_event_id = 'C1' AND o.kind = 'age_question'"),
            1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE priority = 'urgent'"), 1);
  EXPECT_EQ(svc.stats().inbox.applied_crisis, 1U);
  EXPECT_EQ(svc.stats().inbox.applied_ordinary, 3'000U + 600U + 2U);
}

TEST_F(lanes_pg, two_processors_share_the_partitions_and_apply_each_event_once_in_order) {
  {
    service setup(lane_opts(false), keys_);
    setup.migrate();
  }
  log_markings();
  service first(lane_opts(true), keys_);
  service second(lane_opts(true), keys_);
  first.start();
  second.start();
  ASSERT_TRUE(eventually([&] {
    return first.stats().inbox.partitions_held == 8 && second.stats().inbox.partitions_held == 8;
  })) << first.stats().inbox.partitions_held << " " << second.stats().inbox.partitions_held;
  store(first, ordinary(200, 10, "A"));
  drained();
  expect_once_and_in_order(2'000);
  // Both applied a part.
  EXPECT_EQ(count(url(), "SELECT count(DISTINCT by_pid) FROM applied_log"), 2);
  EXPECT_EQ(first.stats().inbox.applied_ordinary + second.stats().inbox.applied_ordinary, 2'000U);
  EXPECT_GT(first.stats().inbox.applied_ordinary, 0U);
  EXPECT_GT(second.stats().inbox.applied_ordinary, 0U);
}

TEST_F(lanes_pg, a_stopped_processors_partitions_are_taken_over) {
  {
    service setup(lane_opts(false), keys_);
    setup.migrate();
  }
  log_markings();
  service first(lane_opts(true, 2), keys_);
  std::optional<service> second(std::in_place, lane_opts(true, 2), keys_);
  first.start();
  second->start();
  ASSERT_TRUE(eventually([&] {
    return first.stats().inbox.partitions_held == 8 && second->stats().inbox.partitions_held == 8;
  }));
  store(first, ordinary(200, 5, "A"));
  second.reset();  // its connections close: PostgreSQL drops its locks
  ASSERT_TRUE(eventually([&] { return first.stats().inbox.partitions_held == 16; }))
      << first.stats().inbox.partitions_held;
  store(first, ordinary(200, 5, "B"));
  drained();
  expect_once_and_in_order(2'000);
}

TEST_F(lanes_pg, an_event_the_database_keeps_rejecting_is_parked_and_can_be_retried) {
  service svc(lane_opts(false), keys_);
  svc.migrate();
  // The database refuses the message "m-P2" (a stand-in for any event it keeps rejecting).
  sql(url(), R"sql(
    CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.line_message_id = 'm-P2' THEN RAISE EXCEPTION 'refused' USING ERRCODE = '22023'; END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER refuse_poison BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION refuse_poison();
  )sql");
  svc.start();
  const std::int64_t at = jst_ms(2023, 2, 20, 19, 0);
  store(svc, {text_at("P1", at, "こんにちは", "UP"), text_at("P2", at + 1, "これは通らない", "UP"),
              text_at("P3", at + 2, "つづき", "UP")});
  store(svc, ordinary(50, 2, "A"));
  options o = lane_opts(true);
  o.backlog_every = std::chrono::milliseconds(20);
  service processor(o, keys_);
  processor.start();
  ASSERT_TRUE(eventually([&] {
    return count(url(), "SELECT count(*) FROM inbox_event WHERE processed_at IS NULL AND parked_at IS NULL") == 0;
  }));
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE webhook_event_id = 'P2' AND parked_at IS NOT "
                         "NULL AND processed_at IS NULL AND attempts = 5 AND last_sqlstate = '22023'"),
            1);
  // The others applied, the resident's later message after the parking.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE processed_at IS NOT NULL"), 102);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message WHERE line_message_id IN ('m-P1', 'm-P3')"), 2);
  // The resident's consultation is marked for a counsellor, and open consoles are told.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation c JOIN resident r USING (tenant_id, resident_id) "
                         "JOIN inbox_event e ON e.pseudonym = r.pseudonym "
                         "WHERE e.webhook_event_id = 'P2' AND c.inbox_parked_at IS NOT NULL"),
            1);
  EXPECT_GE(count(url(), "SELECT count(*) FROM console_event e JOIN consultation c USING (tenant_id, "
                         "consultation_id) WHERE c.inbox_parked_at IS NOT NULL AND e.kind = 'queue' "
                         "AND e.at >= c.inbox_parked_at"),
            1);
  EXPECT_TRUE(eventually([&] {
    const backlog_stats b = processor.stats().backlog;
    return b.measured && b.inbox_parked == 1 && b.inbox_waiting == 0;
  }));
  EXPECT_EQ(processor.stats().inbox.parked, 1U);

  const std::vector<parked_event> parked = list_parked_events(url());
  ASSERT_EQ(parked.size(), 1U);
  EXPECT_EQ(parked[0].tenant_id, "yamagata");
  EXPECT_EQ(parked[0].sqlstate, "22023");
  EXPECT_EQ(parked[0].attempts, 5U);
  EXPECT_EQ(parked[0].event_id,
            sql(url(), "SELECT event_id::text FROM inbox_event WHERE webhook_event_id = 'P2'")[0][0].as<std::string>());

  EXPECT_FALSE(retry_parked_event(url(), "00000000-0000-4000-8000-000000000000"));
  EXPECT_FALSE(retry_parked_event(url(), "not an id"));
  sql(url(), "DROP TRIGGER refuse_poison ON message");
  EXPECT_TRUE(retry_parked_event(url(), parked[0].event_id));
  EXPECT_FALSE(retry_parked_event(url(), parked[0].event_id));  // no longer parked
  // Nothing of the resident is parked any more: their consultation loses its mark.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE inbox_parked_at IS NOT NULL"), 0);
  processor.poke_inbox();
  ASSERT_TRUE(eventually([&] {
    return count(url(), "SELECT count(*) FROM message WHERE line_message_id = 'm-P2'") == 1;
  }));
  EXPECT_TRUE(list_parked_events(url()).empty());
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
