#pragma once
// Moves the spool into PostgreSQL in the background: one thread running spool::replay_once passes,
// at once when there is something new, with exponential backoff while the database stays away.
//
// Waking: notify_appended() (after an append) ends an idle wait but not a backoff, so a webhook
// burst during an outage does not hammer the database; retry_now() (for tests and operators) ends any
// wait and resets the backoff. A pass also runs at start() (records left from before a restart) and
// every idle_check while idle. After each pass, quarantine files older than quarantine_age (by the
// system clock) are deleted.
//
// Thread-safety: every member may be called from any thread. stop() waits for a running pass,
// i.e. for the deliver callback to return: give that callback its own timeout.

#include "spool/spool.hpp"
#include "yorisoi/storage/job_thread.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

namespace yorisoi::gateway {

struct spool_replayer_options {
  std::chrono::milliseconds first_retry{500};    // the first wait after a pass that could not finish
  std::chrono::milliseconds max_retry{30'000};   // the backoff doubles up to this
  std::chrono::milliseconds idle_check{60'000};  // a pass now and then even if nobody woke us
  std::chrono::hours quarantine_age{14 * 24};    // after each pass, older quarantine files go
  std::size_t batch = 1;                         // records per delivery (batch deliverer only)
};

class spool_replayer {
 public:
  // `target` must outlive the replayer. `observe` (optional) sees every pass's result on the
  // replayer's thread (for metrics and logs).
  spool_replayer(spool& target, spool_deliver deliver, spool_replayer_options options = {},
                 std::function<void(const spool_replay_result&)> observe = {});
  // Delivers runs of up to options.batch records at once (spool::replay_once's batch form).
  spool_replayer(spool& target, spool_batch_deliver deliver, spool_replayer_options options = {},
                 std::function<void(const spool_replay_result&)> observe = {});
  ~spool_replayer();  // stop()s
  spool_replayer(const spool_replayer&) = delete;
  spool_replayer& operator=(const spool_replayer&) = delete;

  void start();  // the first call only
  void stop();   // idempotent; returns once the thread has ended

  void notify_appended();
  void retry_now();

  [[nodiscard]] std::uint64_t passes() const;

 private:
  void run();

  spool& spool_;
  const spool_deliver deliver_;  // one record at a time, or:
  const spool_batch_deliver batch_deliver_;
  const spool_replayer_options options_;
  const std::function<void(const spool_replay_result&)> observe_;

  static constexpr storage::job_thread::signals appended = 1U;
  static constexpr storage::job_thread::signals retry = 2U;

  std::atomic<std::uint64_t> passes_{0};
  storage::job_thread thread_;
};

}  // namespace yorisoi::gateway
