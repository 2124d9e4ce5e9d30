#include "periodic_job.hpp"

#include <utility>

namespace yorisoi::storage::detail {

periodic_job::periodic_job(periodic_job_spec spec) : spec_(std::move(spec)) {}

periodic_job::~periodic_job() {
  stop();
}

void periodic_job::start() {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable() && !stopping_) {
    thread_ = std::thread([this] { run(); });
  }
}

void periodic_job::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void periodic_job::poke() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_one();
}

void periodic_job::run() {
  db_connection conn(spec_.conninfo, spec_.prepare);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    poked_ = false;
    lock.unlock();
    try {
      spec_.round(conn.get());
    } catch (const std::exception& e) {
      log_job_failure(conn, spec_.area, spec_.what, e);
      conn.reset();
    }
    lock.lock();
    wake_.wait_for(lock, spec_.every, [this] { return stopping_ || poked_; });
  }
}

}  // namespace yorisoi::storage::detail
