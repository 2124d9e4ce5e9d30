#include "storage_pg_support.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>

namespace yorisoi::storage::pgtest {
namespace {

using ingest_pg = storage_pg;

std::string bytes_of(const pqxx::field& f) {
  return pqxx::binarystring(f).str();
}

TEST_F(ingest_pg, stores_events_and_deduplicates_redeliveries) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  svc.start();
  const auto req = request_of({make_text("W1", "U1", "m1", "hello"), make_event("W2", "follow", "U2")});
  const ingest_result first = ingest_sync(svc, req);
  EXPECT_EQ(first.outcome, ingest_outcome::stored);
  EXPECT_EQ(first.inserted, 2u);
  EXPECT_EQ(first.duplicates, 0u);
  const ingest_result again = ingest_sync(svc, req);
  EXPECT_EQ(again.outcome, ingest_outcome::stored);
  EXPECT_EQ(again.inserted, 0u);
  EXPECT_EQ(again.duplicates, 2u);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event"), 2);
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM inbox_event WHERE webhook_event_id = 'W1' AND event_type = 'message' "
                  "AND channel_key = 'yamagata-line' AND mode = 'active' AND tenant_id = 'yamagata' "
                  "AND occurred_at = to_timestamp(1700000000)"),
            1);
  // The same webhookEventId in another tenant is another event.
  EXPECT_EQ(ingest_sync(svc, request_of({make_text("W1", "U1", "m1", "hello")}, "tendo")).inserted, 1u);
}

TEST_F(ingest_pg, a_replayed_request_keeps_its_arrival_time_and_a_fresh_one_gets_now) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  svc.start();
  auto replayed = request_of({make_event("W1", "follow", "U1")});
  replayed.received_unix_ms = 1'700'000'123'456;  // as the spool recorded it
  const auto fresh = request_of({make_event("W2", "follow", "U2")});
  // One group-commit batch may hold both kinds.
  EXPECT_EQ(ingest_sync(svc, replayed).outcome, ingest_outcome::stored);
  EXPECT_EQ(ingest_sync(svc, fresh).outcome, ingest_outcome::stored);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE webhook_event_id = 'W1' "
                         "AND received_at = to_timestamp(1700000123.456)"),
            1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE webhook_event_id = 'W2' "
                         "AND received_at > now() - interval '1 minute'"),
            1);
}

TEST_F(ingest_pg, duplicates_inside_one_request) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  svc.start();
  const ingest_result r =
      ingest_sync(svc, request_of({make_event("W1", "follow", "U1"), make_event("W2", "follow", "U2"),
                                   make_event("W1", "follow", "U1")}));
  EXPECT_EQ(r.outcome, ingest_outcome::stored);
  EXPECT_EQ(r.inserted, 2u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event"), 2);
}

TEST_F(ingest_pg, empty_request_is_stored_without_events) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  svc.start();
  const ingest_result r = ingest_sync(svc, request_of({}));
  EXPECT_EQ(r.outcome, ingest_outcome::stored);
  EXPECT_EQ(r.inserted + r.duplicates, 0u);
}

TEST_F(ingest_pg, concurrent_requests_share_commits) {
  constexpr int requests = 200;
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  std::atomic<int> commits{0};
  std::atomic<int> committed_events{0};
  svc.set_batch_observer([&](const batch_report& b) {
    if (b.committed) {
      ++commits;
      committed_events += static_cast<int>(b.events);
    }
  });
  svc.start();
  std::mutex m;
  std::condition_variable cv;
  int answered = 0;
  int stored = 0;
  for (int i = 0; i < requests; ++i) {
    svc.ingest(request_of({make_event("C" + std::to_string(i), "follow", "U" + std::to_string(i))}),
               [&](ingest_result r) {
                 std::lock_guard lock(m);
                 ++answered;
                 stored += (r.outcome == ingest_outcome::stored && r.inserted == 1) ? 1 : 0;
                 cv.notify_all();
               });
  }
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, wait_limit, [&] { return answered == requests; }));
  }
  EXPECT_EQ(stored, requests);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event"), requests);
  EXPECT_EQ(committed_events.load(), requests);
  EXPECT_LT(commits.load(), requests);
  EXPECT_GE(commits.load(), 1);
}

TEST_F(ingest_pg, payload_is_sealed_and_opens_to_the_original) {
  const keyring keys = make_keys({1});
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  svc.start();
  const auto ev = make_text("W1", "Uabcdef0123456789", "m1", "secret-consultation-text");
  ASSERT_EQ(ingest_sync(svc, request_of({ev})).inserted, 1u);
  const auto row = sql(url(), "SELECT payload, key_id, pseudonym FROM inbox_event")[0];
  const std::string payload = bytes_of(row[0]);
  EXPECT_EQ(payload.find("secret-consultation-text"), std::string::npos);
  EXPECT_EQ(payload.find("Uabcdef0123456789"), std::string::npos);
  EXPECT_EQ(keys.open(sealed{row[1].as<std::uint32_t>(), payload}, "yamagata/inbox"), ev.raw_json);
  EXPECT_THROW((void)keys.open(sealed{row[1].as<std::uint32_t>(), payload}, "tendo/inbox"), crypto_error);
  EXPECT_EQ(bytes_of(row[2]), keys.pseudonym("yamagata-line", "Uabcdef0123456789"));
}

TEST_F(ingest_pg, rows_of_both_keys_stay_readable_after_rotation) {
  {
    service svc(opts(false), make_keys({1}));
    svc.migrate();
    svc.start();
    ASSERT_EQ(ingest_sync(svc, request_of({make_text("W1", "U1", "m1", "before rotation")})).inserted, 1u);
  }
  {
    service svc(opts(false), make_keys({1, 2}));
    svc.start();
    ASSERT_EQ(ingest_sync(svc, request_of({make_text("W2", "U1", "m2", "after rotation")})).inserted, 1u);
  }
  const keyring rotated = make_keys({1, 2});
  const auto rows =
      sql(url(), "SELECT webhook_event_id, key_id, payload FROM inbox_event ORDER BY webhook_event_id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1].as<int>(), 1);
  EXPECT_EQ(rows[1][1].as<int>(), 2);
  EXPECT_NE(rotated.open(sealed{1, bytes_of(rows[0][2])}, "yamagata/inbox").find("before rotation"),
            std::string::npos);
  EXPECT_NE(rotated.open(sealed{2, bytes_of(rows[1][2])}, "yamagata/inbox").find("after rotation"),
            std::string::npos);

  // The processor with the rotated ring applies both, and the resident's id is re-sealed with key 2.
  service svc(opts(true), make_keys({1, 2}));
  svc.start();
  wait_processed();
  EXPECT_EQ(count(url(), "SELECT count(*) FROM inbox_event WHERE process_error IS NOT NULL"), 0);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM message"), 2);
  EXPECT_EQ(count(url(), "SELECT line_user_key_id FROM resident"), 2);
}

TEST_F(ingest_pg, a_stuck_database_answers_unavailable_within_two_seconds) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  svc.start();
  // Another session holds the table: the INSERT waits until statement_timeout cancels it.
  pqxx::connection blocker(url());
  pqxx::work lock_tx(blocker);
  lock_tx.exec0("LOCK TABLE inbox_event IN ACCESS EXCLUSIVE MODE");

  std::mutex m;
  std::condition_variable cv;
  std::vector<std::chrono::steady_clock::duration> latencies;
  std::vector<ingest_outcome> outcomes;
  constexpr int requests = 6;
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < requests; ++i) {
    svc.ingest(request_of({make_event("S" + std::to_string(i), "follow", "U1")}), [&](ingest_result r) {
      std::lock_guard lock(m);
      latencies.push_back(std::chrono::steady_clock::now() - started);
      outcomes.push_back(r.outcome);
      cv.notify_all();
    });
  }
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, wait_limit, [&] { return outcomes.size() == requests; }));
  }
  for (int i = 0; i < requests; ++i) {
    EXPECT_EQ(outcomes[i], ingest_outcome::unavailable);
    EXPECT_LT(latencies[i], std::chrono::milliseconds(2000));
  }
  lock_tx.abort();
  EXPECT_EQ(ingest_sync(svc, request_of({make_event("S0", "follow", "U1")})).outcome, ingest_outcome::stored);
}

// A port nobody listens on: bound, then closed without listen().
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(ingest_unreachable, answers_unavailable_quickly) {
  options o;
  o.url = "postgresql://postgres@127.0.0.1:" + std::to_string(closed_port()) + "/nowhere";
  o.run_inbox_processor = false;
  service svc(o, make_keys({1}));
  svc.start();
  const auto started = std::chrono::steady_clock::now();
  const ingest_result r = ingest_sync(svc, request_of({make_event("W1", "follow", "U1")}));
  EXPECT_EQ(r.outcome, ingest_outcome::unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  // While backing off, the next request is answered at once as well.
  const ingest_result again = ingest_sync(svc, request_of({make_event("W2", "follow", "U1")}));
  EXPECT_EQ(again.outcome, ingest_outcome::unavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_FALSE(ready_sync(svc).database_reachable);
}

TEST(ingest_unstarted, answers_unavailable) {
  options o;
  o.url = "postgresql://postgres@127.0.0.1:1/nowhere";
  service svc(o, make_keys({1}));
  const ingest_result r = ingest_sync(svc, request_of({make_event("W1", "follow", "U1")}));
  EXPECT_EQ(r.outcome, ingest_outcome::unavailable);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
