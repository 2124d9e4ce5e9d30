#pragma once
// Helpers shared by the storage PostgreSQL tests: a fixture with a scratch database, event builders,
// synchronous wrappers around the callback API, and direct SQL for assertions.

#include "yorisoi/storage/service.hpp"
#include "yorisoi/test/scratch_database.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>

namespace yorisoi::storage::pgtest {

inline constexpr std::chrono::seconds wait_limit{15};

inline keyring make_keys(std::initializer_list<std::uint32_t> ids) {
  std::map<std::uint32_t, std::string> keys;
  for (auto id : ids) {
    keys[id] = std::string(32, static_cast<char>('A' + id));
  }
  return keyring(std::move(keys), std::string(32, 'p'));
}

// A LINE event as the gateway hands it over; raw_json is a faithful webhook event object.
inline routing::line_event make_event(const std::string& webhook_event_id, const std::string& type,
                                      const std::string& user_id, const std::string& inner = {}) {
  routing::line_event ev;
  ev.webhook_event_id = webhook_event_id;
  ev.type = routing::line_event_type_from(type);
  ev.type_name = type;
  ev.timestamp_ms = 1'700'000'000'000;
  ev.source_type = "user";
  ev.source_user_id = user_id;
  ev.raw_json = R"({"type":")" + type + R"(","mode":"active","timestamp":1700000000000,"webhookEventId":")" +
                webhook_event_id +
                R"(","deliveryContext":{"isRedelivery":false},"source":{"type":"user","userId":")" + user_id +
                "\"}" + inner + "}";
  return ev;
}

inline routing::line_event make_text(const std::string& webhook_event_id, const std::string& user_id,
                                     const std::string& message_id, const std::string& text) {
  auto ev = make_event(
      webhook_event_id, "message", user_id,
      R"(,"replyToken":"rt","message":{"type":"text","id":")" + message_id + R"(","text":")" + text + "\"}");
  ev.message_type = "text";
  ev.message_id = message_id;
  ev.text = text;
  return ev;
}

inline ingest_result ingest_sync(service& svc, ingest_request req) {
  std::promise<ingest_result> p;
  auto f = p.get_future();
  svc.ingest(std::move(req), [&p](ingest_result r) { p.set_value(r); });
  if (f.wait_for(wait_limit) != std::future_status::ready) {
    ADD_FAILURE() << "ingest did not answer";
    std::abort();  // the callback would touch a dead promise
  }
  return f.get();
}

inline readiness ready_sync(service& svc) {
  std::promise<readiness> p;
  auto f = p.get_future();
  svc.check_ready([&p](readiness r) { p.set_value(r); });
  if (f.wait_for(wait_limit) != std::future_status::ready) {
    ADD_FAILURE() << "check_ready did not answer";
    std::abort();
  }
  return f.get();
}

inline ingest_request request_of(std::vector<routing::line_event> events, std::string tenant = "yamagata") {
  return ingest_request{std::move(tenant), "yamagata-line", std::move(events), std::nullopt};
}

// Runs one query on a fresh connection and returns the result.
inline pqxx::result sql(const std::string& url, const std::string& query) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  return tx.exec(query);
}

inline long long count(const std::string& url, const std::string& query) {
  return sql(url, query)[0][0].as<long long>();
}

// Polls a condition that another thread makes true; bounded.
inline bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + wait_limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

class storage_pg : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::scratch_database::admin_url()) {
      GTEST_SKIP() << "YORISOI_TEST_PG_URL is not set";
    }
    db_.emplace();
  }

  [[nodiscard]] const std::string& url() const { return db_->url(); }

  [[nodiscard]] options opts(bool inbox = true) const {
    options o;
    o.url = url();
    o.pool_size = 2;
    o.run_inbox_processor = inbox;
    o.inbox_poll = std::chrono::milliseconds(50);
    return o;
  }

  // Waits until the inbox processor has handled every stored event.
  void wait_processed() {
    ASSERT_TRUE(eventually(
        [&] { return count(url(), "SELECT count(*) FROM inbox_event WHERE processed_at IS NULL") == 0; }));
  }

  std::optional<test::scratch_database> db_;
};

}  // namespace yorisoi::storage::pgtest
