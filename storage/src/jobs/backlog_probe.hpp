#pragma once
// Measures the inbox's and the outbox's backlog for the metrics: a periodic job (every `every`, on its
// own connection) that stores its latest figures where service::stats() reads them.
//
// Why a job and not a query per scrape: /metrics is answered on the gateway's I/O thread from figures
// at hand, so a scrape never waits for (or piles work onto) the database, and however many scrapers
// there are, the database sees one small query per period. Each figure is read through an index whose
// size is the backlog, not the history (see migration 013), so a round stays cheap while the backlog
// is small and bounded by the backlog when it is not.
//
// Thread-safety: backlog_cell may be read and written from any thread.

#include "jobs/periodic_job.hpp"
#include "yorisoi/storage/service.hpp"

#include <chrono>
#include <mutex>
#include <optional>
#include <string>

namespace yorisoi::storage::detail {

// The latest figures and when they were measured.
class backlog_cell {
 public:
  void store(const backlog_stats& figures);
  // The latest figures with measured_ago filled in; measured = false before the first round succeeded.
  [[nodiscard]] backlog_stats load() const;

 private:
  mutable std::mutex mutex_;
  backlog_stats figures_;
  std::optional<std::chrono::steady_clock::time_point> measured_at_;
};

// One measurement, in a read-only transaction.
[[nodiscard]] backlog_stats measure_backlog(pqxx::connection& conn);

// The job's description; `cell` must outlive the job.
[[nodiscard]] periodic_job_spec backlog_job(std::string conninfo, std::chrono::milliseconds every,
                                            backlog_cell& cell);

}  // namespace yorisoi::storage::detail
