#pragma once
// One batch of the inbox processor: take waiting events of the partitions a worker holds, apply them
// in one transaction, mark them applied.
//
// Two lanes. The crisis lane takes the residents who have a waiting crisis event (a text matching the
// tenant's risk expressions, recognised at ingest) with every waiting event of those residents, in
// order, so that the crisis contacts leave ahead of the ordinary backlog without a resident's events
// being reordered. The ordinary lane takes the partitions' waiting events in order. Both only take
// rows whose writing transaction is older than every transaction still running (xid <
// pg_snapshot_xmin): a row that sorts before them can no longer appear, so (xid, seq) order is the
// order events were written in, even when two ingest transactions commit out of order.
//
// Failures. A payload that cannot be opened or parsed is marked with process_error at once (it never
// will apply). An event the database rejects — whatever the SQLSTATE, timeouts included — is rolled
// back to its savepoint, counted (attempts, last_sqlstate) and left waiting; the resident's later
// events in the batch wait with it, the rest of the batch applies. After `max_attempts` it is parked:
// left unapplied and out of the way, counted in the metrics, its resident's open consultation marked
// for a counsellor (consultation.inbox_parked_at and a console event), until `yorisoi inbox retry`.
// Only a broken connection aborts the batch.
//
// Not thread-safe: one per worker.

#include "inbox/inbox_apply.hpp"
#include "yorisoi/storage/crypto.hpp"
#include "yorisoi/storage/service.hpp"

#include <pqxx/connection>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace yorisoi::storage::detail {

enum class inbox_lane { ordinary, crisis };

struct batch_outcome {
  std::size_t taken = 0;             // rows taken (a full batch suggests more is waiting)
  std::size_t applied_ordinary = 0;  // marked applied, by the lane they were stored in
  std::size_t applied_crisis = 0;
  std::size_t parked = 0;
  bool outbox_rows = false;  // the commit wrote outbox rows
};

class inbox_batch {
 public:
  // `opts` and `keys` must outlive the batch.
  inbox_batch(const options& opts, const keyring& keys);

  static void prepare(pqxx::connection& conn);

  // Takes up to the batch size from `partitions` (of partition_count) in `lane`, applies and commits.
  batch_outcome run(pqxx::connection& conn, inbox_lane lane, const std::vector<std::int32_t>& partitions,
                    unsigned partition_count);

 private:
  // Optimistically without a savepoint per event (two round trips each); when the database rejects
  // an event, the batch is rolled back and applied again with savepoints.
  batch_outcome run(pqxx::connection& conn, inbox_lane lane, const std::vector<std::int32_t>& partitions,
                    unsigned partition_count, bool with_savepoints);
  [[nodiscard]] apply_context context_for(const std::string& tenant_id) const;

  const options& opts_;
  const keyring& keys_;
  std::size_t size_;
};

}  // namespace yorisoi::storage::detail
