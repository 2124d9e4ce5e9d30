#include "idle_closer.hpp"

#include "connection.hpp"
#include "queue_store.hpp"

#include <spdlog/spdlog.h>

#include <utility>

namespace yorisoi::storage::detail {

idle_closer::idle_closer(const std::map<std::string, std::chrono::minutes>& idle_after, std::string conninfo,
                         std::chrono::milliseconds every)
    : idle_after_(idle_after), conninfo_(std::move(conninfo)), every_(every) {}

idle_closer::~idle_closer() {
  stop();
}

void idle_closer::start() {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable() && !stopping_) {
    thread_ = std::thread([this] { run(); });
  }
}

void idle_closer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void idle_closer::poke() {
  {
    std::lock_guard lock(mutex_);
    poked_ = true;
  }
  wake_.notify_one();
}

void idle_closer::run() {
  db_connection conn(conninfo_, &prepare_queue_statements);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    poked_ = false;
    lock.unlock();
    try {
      if (const std::size_t closed = close_idle(conn.get(), idle_after_); closed > 0) {
        spdlog::info("storage: closed {} idle consultations", closed);
      }
    } catch (const std::exception& e) {
      log_job_failure(conn, "routing", "idle close", e);
      conn.reset();
    }
    lock.lock();
    wake_.wait_for(lock, every_, [this] { return stopping_ || poked_; });
  }
}

}  // namespace yorisoi::storage::detail
