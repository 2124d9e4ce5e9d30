#pragma once
// Delivers the transactional outbox to LINE: claims due rows from storage (leased, so that several
// senders or instances never send the same row at once), sends each with the reply API while its
// reply token is usable and with push (X-Line-Retry-Key = the row's id) otherwise, and records the
// outcome with a retry time (exponential backoff with jitter, or LINE's Retry-After).
//
// Runs as coroutines on one strand of the server's io_context, with at most `max_in_flight` sends at
// once. Wakes when storage reports new rows (notify()), when a send finishes, and every poll interval.
// Thread-safety: notify() and stop() may be called from any thread; start() once, from any thread.

#include "http/metrics.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/storage/service.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace yorisoi::gateway {

struct outbox_sender_options {
  std::size_t max_in_flight = 8;
  std::chrono::seconds lease{30};  // a row whose sender died is claimed again after this
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{15'000};
};

class outbox_sender {
 public:
  // `settings`, `store`, `metrics` and `io` must outlive the sender. Throws std::invalid_argument
  // when settings.line.api_base is not an http(s) URL.
  outbox_sender(boost::asio::io_context& io, const config::settings& settings, storage::service& store,
                gateway::metrics& metrics, outbox_sender_options options = {});
  ~outbox_sender();
  outbox_sender(const outbox_sender&) = delete;
  outbox_sender& operator=(const outbox_sender&) = delete;

  // Starts claiming; call after store.start().
  void start();
  // New rows may be due: claim now instead of at the next poll. Cheap; any thread.
  void notify();
  // Stops claiming; sends in flight finish. `drained` runs on the sender's strand once none is left.
  void stop(std::function<void()> drained);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace yorisoi::gateway
