#pragma once
// The transactional inbox's consumer: worker threads that apply stored webhook events, each on its
// own connection, each over the partitions it holds (partition_leases.hpp).
//
// Woken after each ingest commit, and every `poll` anyway (events written by other instances, held
// back until an older transaction finished, or partitions freed by a dead instance). Before each
// ordinary batch a worker applies its partitions' crisis lane (inbox_batch.hpp), so crisis contacts
// wait for one batch at most, not for the backlog. Each event is decided by the tenant's routing rules
// and its automatic answers are written to the outbox in the same transaction; after a commit that
// wrote outbox rows, `on_outbox` runs (on a worker's thread) so a sender can wake at once.
//
// Thread-safety: poke() and counters() from any thread; start()/stop() from one.

#include "yorisoi/storage/crypto.hpp"
#include "yorisoi/storage/service.hpp"

#include "yorisoi/storage/job_thread.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace yorisoi::storage::detail {

class inbox_processor {
 public:
  // `opts` and `keys` must outlive the processor (poll, batch, partitions, workers, attempts, rules and
  // reply-token time come from opts).
  inbox_processor(const options& opts, const keyring& keys, std::string conninfo,
                  std::function<void()> on_outbox);
  ~inbox_processor();
  inbox_processor(const inbox_processor&) = delete;
  inbox_processor& operator=(const inbox_processor&) = delete;

  void start();
  // Finishes the batches in progress (if any) and joins; unprocessed rows wait for the next start.
  void stop();
  void poke();

  // Applied since start, by lane, and the partitions this instance's workers hold now.
  [[nodiscard]] inbox_counters counters() const;

 private:
  struct worker;
  void run(worker& w);

  const options& opts_;
  const keyring& keys_;
  std::string conninfo_;
  std::function<void()> on_outbox_;
  std::atomic<std::uint64_t> applied_ordinary_{0};
  std::atomic<std::uint64_t> applied_crisis_{0};
  std::atomic<std::uint64_t> parked_{0};
  std::vector<std::unique_ptr<worker>> workers_;
};

}  // namespace yorisoi::storage::detail
