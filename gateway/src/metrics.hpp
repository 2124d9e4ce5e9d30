#pragma once
// The gateway's Prometheus metrics (prometheus-cpp core stays inside metrics.cpp).
// Thread-safety: every member may be called from any thread, including storage threads.

#include "yorisoi/storage/service.hpp"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace yorisoi::gateway {

class metrics {
 public:
  metrics();
  ~metrics();
  metrics(const metrics&) = delete;
  metrics& operator=(const metrics&) = delete;

  // `route` is a route name from routes(), or "unmatched": bounded label values only.
  void count_request(std::string_view route, unsigned status);
  // Webhook request received -> storage answered.
  void observe_webhook_seconds(double seconds);
  // outcome: "inserted", "duplicate" or "rejected".
  void count_events(std::string_view outcome, std::size_t count);
  // Fed by storage::service::set_batch_observer.
  void observe_batch(const storage::batch_report& report);

  // One send of an outbox row: via "reply" | "push", outcome "sent" | "retry" | "failed".
  void count_outbox_send(std::string_view via, std::string_view outcome);
  void observe_outbox_send_seconds(double seconds);

  // A tracked link's click (`code` is a configured code: bounded), counted in the database or not.
  void count_link_click(std::string_view code, bool recorded);

  // The Prometheus text exposition, with the pool gauges read from `stats` now.
  [[nodiscard]] std::string render(const storage::pool_stats& stats);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace yorisoi::gateway
