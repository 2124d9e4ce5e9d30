#include "jobs/backlog_probe.hpp"

#include <pqxx/pqxx>

#include <utility>

namespace yorisoi::storage::detail {
namespace {

// Waiting: stored, not yet applied nor parked (index inbox_event_waiting); failed: applied with
// process_error (index inbox_event_failed); parked: rejected too often (index inbox_event_parked). The outbox's rows still to send are those of outbox_due; a row is due
// once next_attempt_at has passed (a `sending` row's lease has then run out), so the oldest due row is
// the smallest next_attempt_at, when it is in the past.
constexpr const char* measure_sql = R"sql(
SELECT w.n, f.n, w.age, o.pending, o.sending, o.due_age, p.n
  FROM (SELECT count(*) AS n,
               coalesce(greatest(extract(epoch FROM now() - min(received_at)), 0), 0)::float8 AS age
          FROM inbox_event WHERE processed_at IS NULL AND parked_at IS NULL) AS w,
       (SELECT count(*) AS n FROM inbox_event WHERE process_error IS NOT NULL) AS f,
       (SELECT count(*) AS n FROM inbox_event WHERE parked_at IS NOT NULL) AS p,
       (SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
               count(*) FILTER (WHERE state = 'sending') AS sending,
               coalesce(greatest(extract(epoch FROM now() - min(next_attempt_at)), 0), 0)::float8 AS due_age
          FROM outbox WHERE state IN ('pending', 'sending')) AS o
)sql";

}  // namespace

void backlog_cell::store(const backlog_stats& figures) {
  std::lock_guard lock(mutex_);
  figures_ = figures;
  measured_at_ = std::chrono::steady_clock::now();
}

backlog_stats backlog_cell::load() const {
  std::lock_guard lock(mutex_);
  backlog_stats out = figures_;
  out.measured = measured_at_.has_value();
  if (measured_at_) {
    out.measured_ago = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - *measured_at_);
  }
  return out;
}

backlog_stats measure_backlog(pqxx::connection& conn) {
  pqxx::read_transaction tx(conn, "backlog");
  const pqxx::row r = tx.exec1(measure_sql);
  tx.commit();
  backlog_stats s;
  s.measured = true;
  s.inbox_waiting = r[0].as<std::uint64_t>();
  s.inbox_failed = r[1].as<std::uint64_t>();
  s.inbox_oldest_waiting_seconds = r[2].as<double>();
  s.outbox_pending = r[3].as<std::uint64_t>();
  s.outbox_sending = r[4].as<std::uint64_t>();
  s.outbox_oldest_due_seconds = r[5].as<double>();
  s.inbox_parked = r[6].as<std::uint64_t>();
  return s;
}

periodic_job_spec backlog_job(std::string conninfo, std::chrono::milliseconds every, backlog_cell& cell) {
  return periodic_job_spec{
      std::move(conninfo), {}, every, "storage", "backlog measurement", [&cell](pqxx::connection& conn) {
        cell.store(measure_backlog(conn));
      }};
}

}  // namespace yorisoi::storage::detail
