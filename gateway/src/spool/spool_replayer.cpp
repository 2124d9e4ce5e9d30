// The spool's background replay loop with backoff.
#include "spool/spool_replayer.hpp"

#include <algorithm>
#include <filesystem>

namespace yorisoi::gateway {

spool_replayer::spool_replayer(spool& target, spool_deliver deliver, spool_replayer_options options,
                               std::function<void(const spool_replay_result&)> observe)
    : spool_(target), deliver_(std::move(deliver)), options_(options), observe_(std::move(observe)) {
  thread_.wake(appended);  // the first pass runs at once: a restart may have left records behind
}

spool_replayer::spool_replayer(spool& target, spool_batch_deliver deliver, spool_replayer_options options,
                               std::function<void(const spool_replay_result&)> observe)
    : spool_(target), batch_deliver_(std::move(deliver)), options_(options), observe_(std::move(observe)) {
  thread_.wake(appended);
}

spool_replayer::~spool_replayer() {
  stop();
}

void spool_replayer::start() {
  thread_.start([this] { run(); });
}

void spool_replayer::stop() {
  thread_.stop();
}

void spool_replayer::notify_appended() {
  thread_.wake(appended);
}

void spool_replayer::retry_now() {
  thread_.wake(retry);
}

std::uint64_t spool_replayer::passes() const {
  return passes_.load();
}

void spool_replayer::run() {
  bool backing_off = false;
  std::chrono::milliseconds backoff = options_.first_retry;
  for (;;) {
    // An append ends an idle wait only: during an outage the backoff decides when to try again.
    const auto woken = backing_off ? thread_.wait(backoff, retry) : thread_.wait(options_.idle_check);
    if (!woken) {
      break;
    }
    if ((*woken & retry) != 0) {
      backing_off = false;  // a fresh start: a failure now waits first_retry again
      backoff = options_.first_retry;
    }
    const spool_replay_result result =
        batch_deliver_ ? spool_.replay_once(batch_deliver_, options_.batch) : spool_.replay_once(deliver_);
    if (observe_) {
      observe_(result);
    }
    (void)spool_.purge_quarantine(std::filesystem::file_time_type::clock::now() - options_.quarantine_age);
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
