#include "db/worker_pool.hpp"

#include <spdlog/spdlog.h>
#include <pqxx/except>

#include <utility>

namespace yorisoi::storage::detail {

worker_pool::worker_pool(unsigned size, std::string conninfo, db_connection::prepare_fn prepare,
                         std::size_t max_queued)
    : size_(size == 0 ? 1 : size),
      conninfo_(std::move(conninfo)),
      prepare_(std::move(prepare)),
      max_queued_(max_queued) {}

worker_pool::~worker_pool() {
  stop();
}

void worker_pool::start() {
  std::lock_guard lock(mutex_);
  if (running_ || stopping_) {
    return;
  }
  running_ = true;
  threads_.reserve(size_);
  for (unsigned i = 0; i < size_; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

void worker_pool::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
  threads_.clear();
}

bool worker_pool::submit(job j) {
  return offer(std::move(j)) == offer_result::queued;
}

worker_pool::offer_result worker_pool::offer(job j) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !running_) {
      return offer_result::stopped;
    }
    if (max_queued_ != 0 && jobs_.size() >= max_queued_) {
      return offer_result::full;
    }
    jobs_.push_back(std::move(j));
  }
  wake_.notify_one();
  return offer_result::queued;
}

pool_stats worker_pool::stats() const {
  std::lock_guard lock(mutex_);
  pool_stats s;
  s.workers = running_ ? size_ : 0;
  s.busy = busy_;
  s.queued = jobs_.size();
  return s;
}

void worker_pool::run() {
  db_connection conn(conninfo_, prepare_);
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
    if (jobs_.empty()) {
      return;  // stopping, and nothing left to do
    }
    job j = std::move(jobs_.front());
    jobs_.pop_front();
    ++busy_;
    lock.unlock();
    try {
      j(conn);
    } catch (const pqxx::broken_connection& e) {
      spdlog::warn("storage: connection lost in a job: {}", e.what());
      conn.reset();
    } catch (const std::exception& e) {
      // A job is expected to report its own failures; reaching here is a bug in the job.
      spdlog::error("storage: job failed: {}", e.what());
      conn.reset();
    }
    lock.lock();
    --busy_;
  }
}

}  // namespace yorisoi::storage::detail
