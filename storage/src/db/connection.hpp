#pragma once
// One thread's PostgreSQL connection: opened lazily, dropped after a failure, re-opened with backoff.
//
// Not thread-safe: each storage thread owns its own db_connection.

#include <pqxx/connection>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace yorisoi::storage::detail {

struct connection_settings {
  std::chrono::seconds connect_timeout{2};
  std::chrono::milliseconds statement_timeout{1500};  // 0 = none (migrations)
  std::string application_name = "yorisoi";
};

// Adds the timeouts and session settings to a libpq URI or key=value string, so that they are part
// of the connection start-up and cost no extra round trip.
[[nodiscard]] std::string make_conninfo(const std::string& url, const connection_settings& settings);

class db_connection {
 public:
  // `prepare` runs on every fresh connection (prepared statements live per connection).
  using prepare_fn = std::function<void(pqxx::connection&)>;

  db_connection(std::string conninfo, prepare_fn prepare);

  // The open connection, connecting first if needed. Throws storage_error when the database cannot
  // be reached, and at once (without trying) while backing off after a failed attempt, so that
  // callers never queue behind a dead server.
  [[nodiscard]] pqxx::connection& get();

  // Drops the connection after a failure whose state is unknown; the next get() reconnects.
  void reset() noexcept;

  [[nodiscard]] bool is_open() const noexcept { return conn_ != nullptr; }

 private:
  std::string conninfo_;
  prepare_fn prepare_;
  std::unique_ptr<pqxx::connection> conn_;
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::milliseconds backoff_{0};
};

// Logs a failed job of `area` ("console", "referral", …) without user data — a server error's text may
// quote row values, so only its SQLSTATE is logged — and drops the connection when its state is unknown
// (broken, or a COMMIT in doubt).
void log_job_failure(db_connection& db, const char* area, const char* what, const std::exception& e);

}  // namespace yorisoi::storage::detail
