#pragma once
// One background thread that sleeps until it is woken, a timeout passes or a stop is requested: the shape
// shared by the inbox processor, the periodic storage jobs, the spool replayer, the deferred migration
// and the console listener. Wake-ups are signal bits, so a loop can tell its reasons apart (the spool
// replayer ends an idle wait on "appended" but a backoff only on "retry").
//
// Thread-safety: wake() and stopping() from any thread; start() and stop() from the owner; wait() only
// from the body, on the job's own thread.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>

namespace yorisoi::storage {

class job_thread {
 public:
  using signals = unsigned;
  static constexpr signals poked = 1U;

  job_thread() = default;
  ~job_thread();  // stop()s
  job_thread(const job_thread&) = delete;
  job_thread& operator=(const job_thread&) = delete;

  // Runs `body` on a new thread. A second start, or a start after stop(), does nothing.
  void start(std::function<void()> body);
  // Requests the stop (every wait returns at once) and joins the body. Idempotent.
  void stop();
  // Sets `s`; a wait whose mask holds one of them returns at once (or the next one does).
  void wake(signals s = poked);
  // Waits up to `timeout` for a signal in `mask` (0: only the timeout) or a stop request. Returns every
  // signal set by then, clearing them all, or nothing when a stop was requested.
  [[nodiscard]] std::optional<signals> wait(std::chrono::milliseconds timeout, signals mask = ~signals{0});
  [[nodiscard]] bool stopping() const;

 private:
  std::mutex mutex_;
  std::condition_variable_any wake_;
  std::stop_source stop_;
  signals pending_ = 0;
  bool started_ = false;
  std::thread thread_;
};

}  // namespace yorisoi::storage
