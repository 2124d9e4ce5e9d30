#include "yorisoi/storage/job_thread.hpp"

#include <utility>

namespace yorisoi::storage {

job_thread::~job_thread() {
  stop();
}

void job_thread::start(std::function<void()> body) {
  std::lock_guard lock(mutex_);
  if (started_ || stop_.stop_requested()) {
    return;
  }
  started_ = true;
  thread_ = std::thread(std::move(body));
}

void job_thread::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_.request_stop();  // wakes a wait under way: it waits with this source's token
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

void job_thread::wake(signals s) {
  {
    std::lock_guard lock(mutex_);
    pending_ |= s;
  }
  wake_.notify_all();
}

std::optional<job_thread::signals> job_thread::wait(std::chrono::milliseconds timeout, signals mask) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, stop_.get_token(), timeout, [&] { return (pending_ & mask) != 0; });
  if (stop_.stop_requested()) {
    return std::nullopt;
  }
  return std::exchange(pending_, signals{0});
}

bool job_thread::stopping() const {
  return stop_.stop_requested();
}

}  // namespace yorisoi::storage
