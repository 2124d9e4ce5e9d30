#pragma once
// The background indexer of consultation search: takes the rows queued in search_backlog (messages
// and notes written since), opens their sealed text, folds it, and adds the keyed grams of its
// bigrams to its consultation (search_gram). Several instances may run one each: rows are taken with
// FOR UPDATE SKIP LOCKED. A consultation purged meanwhile gets no grams (its row is locked FOR KEY
// SHARE and re-read, so the purge either waits for the round or the round sees it purged).

#include "jobs/periodic_job.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <pqxx/connection>

#include <chrono>
#include <cstddef>
#include <string>

namespace yorisoi::storage::detail {

struct index_counts {
  std::size_t rows = 0;      // backlog rows taken (indexed, or gone: purged, withdrawn)
  std::size_t indexed = 0;   // texts opened and indexed
  std::size_t unreadable = 0;  // sealed text that failed to open (logged by id)
};

// One transaction: up to `batch` backlog rows, oldest first.
[[nodiscard]] index_counts index_backlog(pqxx::connection& conn, const keyring& keys, std::size_t batch);
// Rounds of index_backlog until the backlog is empty (or `max_batches` ran).
index_counts index_all(pqxx::connection& conn, const keyring& keys, std::size_t batch, std::size_t max_batches);

// The job's description; `keys` must outlive the job.
[[nodiscard]] periodic_job_spec search_index_job(const keyring& keys, std::string conninfo,
                                                 std::chrono::milliseconds every);

}  // namespace yorisoi::storage::detail
