// The spool's background replay loop with backoff.
#include "spool_replayer.hpp"

#include <algorithm>
#include <filesystem>

namespace yorisoi::gateway {

spool_replayer::spool_replayer(spool& target, spool_deliver deliver, spool_replayer_options options,
                               std::function<void(const spool_replay_result&)> observe)
    : spool_(target), deliver_(std::move(deliver)), options_(options), observe_(std::move(observe)) {}

spool_replayer::~spool_replayer() {
  stop();
}

void spool_replayer::start() {
  thread_ = std::thread([this] { run(); });
}

void spool_replayer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void spool_replayer::notify_appended() {
  {
    std::lock_guard lock(mutex_);
    appended_ = true;
  }
  wake_.notify_all();
}

void spool_replayer::retry_now() {
  {
    std::lock_guard lock(mutex_);
    retry_now_ = true;
  }
  wake_.notify_all();
}

std::uint64_t spool_replayer::passes() const {
  std::lock_guard lock(mutex_);
  return passes_;
}

void spool_replayer::run() {
  std::unique_lock lock(mutex_);
  bool backing_off = false;
  std::chrono::milliseconds backoff = options_.first_retry;
  while (!stopping_) {
    const auto wait = backing_off ? backoff : options_.idle_check;
    // An append ends an idle wait only: during an outage the backoff decides when to try again.
    wake_.wait_for(lock, wait, [&] { return stopping_ || retry_now_ || (!backing_off && appended_); });
    if (stopping_) {
      break;
    }
    if (retry_now_) {
      backing_off = false;  // a fresh start: a failure now waits first_retry again
      backoff = options_.first_retry;
    }
    appended_ = false;
    retry_now_ = false;

    lock.unlock();
    const spool_replay_result result = spool_.replay_once(deliver_);
    if (observe_) {
      observe_(result);
    }
    (void)spool_.purge_quarantine(std::filesystem::file_time_type::clock::now() - options_.quarantine_age);
    lock.lock();
    ++passes_;
    if (result.stopped || result.io_error) {
      // Double the wait after each pass that could not finish, from first_retry up to max_retry.
      backoff = backing_off ? std::min(backoff * 2, options_.max_retry) : options_.first_retry;
      backing_off = true;
    } else {
      backing_off = false;
      backoff = options_.first_retry;
    }
  }
}

}  // namespace yorisoi::gateway
