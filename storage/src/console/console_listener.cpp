#include "console/console_listener.hpp"

#include "console/console_common.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace yorisoi::storage {
namespace {

constexpr long wait_microseconds = 200'000;
constexpr std::chrono::milliseconds first_backoff{100};
constexpr std::chrono::milliseconds max_backoff{5000};

class id_receiver final : public pqxx::notification_receiver {
 public:
  id_receiver(pqxx::connection_base& conn, std::vector<std::int64_t>& ids)
      : pqxx::notification_receiver(conn, "yorisoi_console"), ids_(ids) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override {
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(payload.data(), payload.data() + payload.size(), id);
    if (error == std::errc{} && end == payload.data() + payload.size()) {
      ids_.push_back(id);
    }
  }

 private:
  std::vector<std::int64_t>& ids_;
};

class user_receiver final : public pqxx::notification_receiver {
 public:
  user_receiver(pqxx::connection_base& conn, std::vector<std::string>& users)
      : pqxx::notification_receiver(conn, "yorisoi_session"), users_(users) {}
  void operator()(const std::string& payload, int /*backend_pid*/) override { users_.push_back(payload); }

 private:
  std::vector<std::string>& users_;
};

std::string by_ids_sql() {
  return std::string("SELECT ") + detail::console_event_columns +
         " FROM console_event WHERE event_id = ANY($1::bigint[]) ORDER BY event_id";
}

std::string after_sql() {
  return std::string("SELECT ") + detail::console_event_columns +
         " FROM console_event WHERE event_id > $1 ORDER BY event_id LIMIT $2";
}

std::string array_literal(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out += (i == 0 ? "" : ",") + std::to_string(ids[i]);
  }
  return out + "}";
}

}  // namespace

console_store::listener::listener(std::string conninfo, event_fn on_event, session_fn on_session_ended)
    : conninfo_(std::move(conninfo)),
      on_event_(std::move(on_event)),
      on_session_ended_(std::move(on_session_ended)) {
  thread_.start([this] { run(); });
}

console_store::listener::~listener() {
  stop();
}

void console_store::listener::stop() {
  thread_.stop();
}

void console_store::listener::run() {
  std::int64_t last = -1;  // the newest event id handed over; -1 before the first connection
  auto backoff = first_backoff;
  const auto deliver = [&](const pqxx::result& rows) {
    for (const auto& r : rows) {
      const console_event e = detail::console_event_from(r);
      last = std::max(last, e.event_id);
      if (on_event_) {
        on_event_(e);
      }
    }
  };
  while (!thread_.stopping()) {
    try {
      pqxx::connection conn(conninfo_);
      std::vector<std::int64_t> ids;
      std::vector<std::string> users;
      // LISTEN before reading the past: whatever commits from now on is notified.
      id_receiver events(conn, ids);
      user_receiver sessions(conn, users);
      {
        pqxx::nontransaction tx(conn, "console_listen_start");
        if (last < 0) {
          last = tx.exec1("SELECT coalesce(max(event_id), 0) FROM console_event")[0].as<std::int64_t>();
        } else {
          deliver(tx.exec_params(after_sql(), static_cast<long long>(last),
                                 static_cast<long long>(catch_up_limit)));
        }
      }
      backoff = first_backoff;
      while (!thread_.stopping()) {
        conn.await_notification(0, wait_microseconds);
        if (!ids.empty()) {
          std::vector<std::int64_t> batch;
          batch.swap(ids);
          pqxx::nontransaction tx(conn, "console_events_by_id");
          deliver(tx.exec_params(by_ids_sql(), array_literal(batch)));
        }
        if (!users.empty()) {
          std::vector<std::string> ended;
          ended.swap(users);
          for (const std::string& user_id : ended) {
            if (on_session_ended_) {
              on_session_ended_(user_id);
            }
          }
        }
      }
    } catch (const std::exception& e) {
      spdlog::warn("storage: console listener failed ({}); reconnecting in {} ms", e.what(), backoff.count());
      if (!thread_.wait(backoff, 0)) {
        return;
      }
      backoff = std::min(backoff * 2, max_backoff);
    }
  }
}

}  // namespace yorisoi::storage
