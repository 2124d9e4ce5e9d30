#pragma once
// The gateway's Prometheus metrics (prometheus-cpp core stays inside metrics.cpp).
// Thread-safety: every member may be called from any thread, including storage threads.

#include "yorisoi/storage/service.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace yorisoi::gateway {

// The webhook spool's state for the gauges (spool_stats, without making this header depend on it).
struct spool_gauges {
  std::uint64_t records = 0;     // waiting for replay
  std::uint64_t bytes = 0;       // waiting for replay or quarantine
  std::uint64_t used_bytes = 0;  // live spool files (what max_bytes bounds)
  bool broken = false;           // an fdatasync failed: appends refused until restart
};

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
  // Webhook events dropped as older than the tenant's retention (answered 200, not stored).
  void count_stale_events(std::size_t count);
  // Fed by storage::service::set_batch_observer.
  void observe_batch(const storage::batch_report& report);

  // One send of an outbox row: via "reply" | "push", outcome "sent" | "retry" | "failed".
  void count_outbox_send(std::string_view via, std::string_view outcome);
  void observe_outbox_send_seconds(double seconds);

  // One on-call alert attempt: outcome "sent" | "retried" | "failed".
  void count_alert_send(std::string_view outcome);

  // One LINE chat signal: signal "read" | "typing"; outcome "sent" | "failed" (LINE refused it or did
  // not answer; never retried) | "dropped" (too many in flight) | "skipped" (read: that message was
  // marked already) | "throttled" (typing: the animation was started less than 20 s ago).
  void count_line_signal(std::string_view signal, std::string_view outcome);

  // A tracked link's click (`code` is a configured code: bounded), counted in the database or not.
  void count_link_click(std::string_view code, bool recorded);

  // One spool append: outcome "stored" | "full" | "failed".
  void count_spool_append(std::string_view outcome);
  // One replay pass: records moved into PostgreSQL, corrupt stretches and rejected records quarantined.
  void count_spool_replay(std::uint64_t replayed, std::uint64_t corrupt, std::uint64_t rejected);

  // The Prometheus text exposition, with the pool and spool gauges read from `stats` and `spool` now.
  [[nodiscard]] std::string render(const storage::pool_stats& stats, const spool_gauges& spool = {});

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace yorisoi::gateway
