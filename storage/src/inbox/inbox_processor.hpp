#pragma once
// The transactional inbox's consumer: one thread that applies stored webhook events in arrival order.
//
// Woken after each ingest commit, and every `poll` anyway (events written by other instances, or
// held back until an older transaction finished). Each event is decided by the tenant's routing rules
// and its automatic answers are written to the outbox in the same transaction; after a commit that
// wrote outbox rows, `on_outbox` runs (on the processor's thread) so a sender can wake at once.
// Only one instance applies events at a time (a transaction-scoped advisory lock), so a resident's
// events are never applied out of order by two processes. A payload that cannot be opened or parsed,
// or that the database rejects, is marked with process_error and never blocks the queue.
//
// Thread-safety: poke() from any thread; start()/stop() from one.

#include "inbox/inbox_apply.hpp"
#include "yorisoi/storage/crypto.hpp"
#include "yorisoi/storage/service.hpp"

#include "yorisoi/storage/job_thread.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

namespace yorisoi::storage::detail {

class db_connection;

class inbox_processor {
 public:
  // `opts` and `keys` must outlive the processor (poll, batch, rules and reply-token time come from opts).
  inbox_processor(const options& opts, const keyring& keys, std::string conninfo,
                  std::function<void()> on_outbox);
  ~inbox_processor();
  inbox_processor(const inbox_processor&) = delete;
  inbox_processor& operator=(const inbox_processor&) = delete;

  void start();
  // Finishes the batch in progress (if any) and joins; unprocessed rows wait for the next start.
  void stop();
  void poke();

 private:
  void run();
  // Applies up to batch_ events in one transaction; returns how many rows it took.
  // Applies one batch. Optimistically without a savepoint per event (two round trips each); when the
  // database rejects an event, the batch is rolled back and applied again with savepoints, so that
  // only the rejected event is recorded as failed.
  std::size_t process_batch(db_connection& conn);
  std::size_t process_batch(db_connection& conn, bool with_savepoints);
  [[nodiscard]] apply_context context_for(const std::string& tenant_id) const;

  const options& opts_;
  const keyring& keys_;
  std::string conninfo_;
  std::chrono::milliseconds poll_;
  std::size_t batch_;
  std::function<void()> on_outbox_;
  job_thread thread_;
};

}  // namespace yorisoi::storage::detail
