#pragma once
// Storage workers: N threads, each with its own lazily opened connection, sharing one job queue.
// Jobs run only on these threads, never on the caller's. A pool may bound its queue (`max_queued`):
// an offer beyond it is refused at once, so that a flood of costly jobs cannot pile up.
//
// Thread-safety: submit() and stats() may be called from any thread; start()/stop() from one.

#include "db/connection.hpp"
#include "yorisoi/storage/service.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace yorisoi::storage::detail {

class worker_pool {
 public:
  // A job gets its worker's connection; it calls get() itself and handles (and reports) failures.
  // A pqxx::broken_connection escaping the job resets the connection; anything else is logged.
  using job = std::function<void(db_connection&)>;

  enum class offer_result { queued, full, stopped };

  // `prepare` runs on each worker's fresh connection (prepared statements of the jobs); `max_queued`
  // bounds the jobs waiting for a worker (0: no bound).
  worker_pool(unsigned size, std::string conninfo, db_connection::prepare_fn prepare = nullptr,
              std::size_t max_queued = 0);
  ~worker_pool();
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  void start();
  // Runs every job already queued, then joins the threads.
  void stop();

  // False when the pool is stopped (or its queue is full): the job was not queued.
  [[nodiscard]] bool submit(job j);
  [[nodiscard]] offer_result offer(job j);

  [[nodiscard]] pool_stats stats() const;

 private:
  void run();

  unsigned size_;
  std::string conninfo_;
  db_connection::prepare_fn prepare_;
  std::size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<job> jobs_;
  unsigned busy_ = 0;
  bool running_ = false;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace yorisoi::storage::detail
