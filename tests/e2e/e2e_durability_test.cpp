// Durability under load: deduplication at volume, kill -9 mid-load, graceful SIGTERM.
#include "e2e_fixture.hpp"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace yorisoi::e2e {
namespace {

class e2e_durability : public e2e_suite {};

TEST_F(e2e_durability, thousand_events_with_redeliveries_over_eight_connections_store_exactly_once) {
  constexpr int unique_events = 1000;
  constexpr int connections = 8;
  // Requests carry 1 to 4 events; every fifth event is delivered a second time (20% duplicates).
  std::vector<std::vector<std::string>> requests;
  std::vector<std::string> redeliveries;
  for (int i = 0; i < unique_events;) {
    std::vector<std::string> events;
    for (int n = 1 + i % 4; n > 0 && i < unique_events; --n, ++i) {
      const std::string id = "e2e-load-" + std::to_string(i);
      events.push_back(message_event(id));
      if (i % 5 == 0) {
        redeliveries.push_back(message_event(id, true));
      }
    }
    requests.push_back(std::move(events));
  }
  for (std::size_t i = 0; i < redeliveries.size(); i += 2) {
    requests.push_back({redeliveries.begin() + static_cast<long>(i),
                        redeliveries.begin() + static_cast<long>(std::min(i + 2, redeliveries.size()))});
  }
  // A fixed seed: the order is mixed, and the same on every run.
  std::shuffle(requests.begin(), requests.end(), std::mt19937(20230216));

  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < connections; ++c) {
    clients.emplace_back([&, c] {
      http_connection connection(port());
      for (std::size_t r = static_cast<std::size_t>(c); r < requests.size(); r += connections) {
        const std::string body = webhook_body(requests[r]);
        const auto reply = connection.request("POST", webhook_path(), body, signed_headers(body));
        if (!reply || reply->status != 200) {
          ++failures;
          return;
        }
      }
    });
  }
  for (auto& client : clients) {
    client.join();
  }
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count_events(environment().database_url(), "e2e-load-"), unique_events);
}

TEST_F(e2e_durability, kill_9_under_load_loses_no_acknowledged_event) {
  // A second instance on the same database, so the suite's server keeps serving.
  auto victim = environment().start_ready_server();
  const std::uint16_t victim_port = victim->port();
  constexpr int threads = 4;
  std::mutex mutex;
  std::vector<std::string> acknowledged;
  std::atomic<int> acked_requests{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> clients;
  for (int t = 0; t < threads; ++t) {
    clients.emplace_back([&, t] {
      try {
        http_connection connection(victim_port, std::chrono::seconds(5));
        for (int n = 0; !stop.load() && n < 100000; ++n) {
          const std::string prefix = "e2e-kill-" + std::to_string(t) + "-" + std::to_string(n);
          const std::string body = webhook_body({message_event(prefix + "-a"), message_event(prefix + "-b")});
          const auto reply = connection.request("POST", webhook_path(), body, signed_headers(body));
          if (!reply) {
            return;  // the server died mid-request: this one was never acknowledged
          }
          if (reply->status == 200) {
            std::lock_guard lock(mutex);
            acknowledged.push_back(prefix + "-a");
            acknowledged.push_back(prefix + "-b");
            ++acked_requests;
          }
        }
      } catch (const std::exception&) {
        // connection refused after the kill
      }
    });
  }
  // Kill once the load is well under way (bounded: the clients stop by themselves after a while).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (acked_requests.load() < 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  victim->kill_hard();
  stop = true;
  for (auto& client : clients) {
    client.join();
  }
  ASSERT_GE(acked_requests.load(), 200);

  const auto stored = stored_ids(environment().database_url(), "e2e-kill-");
  const std::set<std::string> in_database(stored.begin(), stored.end());
  std::size_t missing = 0;
  for (const auto& id : acknowledged) {
    missing += in_database.count(id) == 0 ? 1 : 0;
  }
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged events";

  // A restarted server serves again.
  auto restarted = environment().start_ready_server();
  const std::string body = webhook_body({message_event("e2e-kill-restarted")});
  const auto reply = http_once(restarted->port(), "POST", webhook_path(), body, signed_headers(body));
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  restarted->signal(SIGTERM);
  EXPECT_EQ(restarted->wait_exit(std::chrono::seconds(15)), 0);
}

TEST_F(e2e_durability, sigterm_lets_in_flight_requests_finish_then_exits_0) {
  auto server = environment().start_ready_server();
  const std::string body = webhook_body({message_event("e2e-sigterm-1")});
  const std::string head =
      "POST /webhook/line/yamagata HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nX-Line-Signature: " + signed_headers(body).front().second +
      "\r\n\r\n";
  // An idle keep-alive connection (one request served) and one with a request half sent.
  http_connection idle(server->port());
  const auto served = idle.request("GET", "/healthz");
  ASSERT_TRUE(served && served->status == 200);
  http_connection in_flight(server->port());
  ASSERT_TRUE(in_flight.send_raw(head + body.substr(0, body.size() / 2)));
  // The server must have read the head before the signal; nothing outside it can observe that, so
  // a round trip on another connection stands in for "it has had time to".
  ASSERT_TRUE(http_once(server->port(), "GET", "/healthz"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  server->signal(SIGTERM);
  EXPECT_TRUE(idle.closed_by_peer(std::chrono::seconds(3)));
  ASSERT_TRUE(in_flight.send_raw(body.substr(body.size() / 2)));
  const auto reply = in_flight.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_EQ(server->wait_exit(std::chrono::seconds(15)), 0) << server->log();
  EXPECT_EQ(count_events(environment().database_url(), "e2e-sigterm-"), 1);
}

}  // namespace
}  // namespace yorisoi::e2e
