#pragma once
// Delivers on-call alerts ([tenant.alert]) the way the outbox sender delivers answers to LINE: claims
// due alert rows from storage (leased, so several senders or instances never send one row at once),
// POSTs each signed to its tenant's receiver through line_http, and records the outcome — 2xx sent;
// 408, 429, 5xx, a timeout or a connection error retried with backoff and jitter (or Retry-After);
// any other status failed. Logs carry ids, statuses and outcomes only.
//
// Runs as coroutines on one strand of the server's io_context, with at most `max_in_flight` sends at
// once. Wakes on notify(), when a send finishes, and every poll interval. Without any tenant that has
// an alert it does nothing at all. Thread-safety: notify() and stop() from any thread; start() once.

#include "http/metrics.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/storage/service.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>

namespace yorisoi::gateway {

struct alert_sender_options {
  std::size_t max_in_flight = 4;
  std::chrono::seconds lease{30};  // an alert whose sender died is claimed again after this
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{10'000};
};

class alert_sender {
 public:
  // `settings`, `store`, `metrics` and `io` must outlive the sender. Throws std::invalid_argument when
  // an alert URL cannot be parsed (config validation makes that unreachable).
  alert_sender(boost::asio::io_context& io, const config::settings& settings, storage::service& store,
               gateway::metrics& metrics, alert_sender_options options = {});
  ~alert_sender();
  alert_sender(const alert_sender&) = delete;
  alert_sender& operator=(const alert_sender&) = delete;

  // Starts claiming; call after store.start().
  void start();
  // New alerts may be due. Cheap; any thread.
  void notify();
  // Stops claiming; sends in flight finish. `drained` runs on the sender's strand once none is left.
  void stop(std::function<void()> drained);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace yorisoi::gateway
