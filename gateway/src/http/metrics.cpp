#include "http/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <mutex>
#include <string>

namespace yorisoi::gateway {

struct metrics::impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();

  prometheus::Family<prometheus::Counter>& requests = prometheus::BuildCounter()
                                                          .Name("yorisoi_http_requests_total")
                                                          .Help("HTTP requests answered, by route and status")
                                                          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& ingest_family =
      prometheus::BuildHistogram()
          .Name("yorisoi_webhook_ingest_seconds")
          .Help("Webhook request received until storage answered")
          .Register(*registry);
  prometheus::Histogram& ingest_seconds =
      ingest_family.Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                                    0.05, 0.1, 0.2, 0.5, 1, 2, 5});
  prometheus::Family<prometheus::Counter>& events = prometheus::BuildCounter()
                                                        .Name("yorisoi_webhook_events_total")
                                                        .Help("Webhook events by outcome")
                                                        .Register(*registry);
  prometheus::Counter& inserted = events.Add({{"outcome", "inserted"}});
  prometheus::Counter& duplicate = events.Add({{"outcome", "duplicate"}});
  prometheus::Counter& rejected = events.Add({{"outcome", "rejected"}});
  prometheus::Counter& stale_events =
      prometheus::BuildCounter()
          .Name("yorisoi_webhook_stale_events_total")
          .Help("Webhook events older than the tenant's retention: answered 200, not stored")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Histogram>& batch_family = prometheus::BuildHistogram()
                                                                .Name("yorisoi_ingest_batch_events")
                                                                .Help("Events per group-commit transaction")
                                                                .Register(*registry);
  prometheus::Histogram& batch_events =
      batch_family.Add({}, prometheus::Histogram::BucketBoundaries{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000});
  prometheus::Family<prometheus::Histogram>& commit_family =
      prometheus::BuildHistogram()
          .Name("yorisoi_ingest_commit_seconds")
          .Help("Duration of one group-commit transaction")
          .Register(*registry);
  prometheus::Histogram& commit_seconds =
      commit_family.Add({}, prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02,
                                                                    0.05, 0.1, 0.2, 0.5, 1, 2});
  prometheus::Family<prometheus::Counter>& outbox_sends =
      prometheus::BuildCounter()
          .Name("yorisoi_outbox_sends_total")
          .Help("Outbox sends to LINE, by API and outcome")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& outbox_family =
      prometheus::BuildHistogram()
          .Name("yorisoi_outbox_send_seconds")
          .Help("One outbox send: LINE's answer (and a push after a refused reply) until known")
          .Register(*registry);
  prometheus::Histogram& outbox_seconds =
      outbox_family.Add({}, prometheus::Histogram::BucketBoundaries{0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
                                                                    0.1, 0.2, 0.5, 1, 2, 5, 10, 20});
  prometheus::Family<prometheus::Counter>& alert_sends =
      prometheus::BuildCounter()
          .Name("yorisoi_alert_sends_total")
          .Help("On-call alert attempts, by outcome (sent, retried, failed)")
          .Register(*registry);
  // Shown at zero from the start, so that an alert rule on the counters has a series to watch.
  prometheus::Counter& alerts_sent = alert_sends.Add({{"outcome", "sent"}});
  prometheus::Counter& alerts_retried = alert_sends.Add({{"outcome", "retried"}});
  prometheus::Counter& alerts_failed = alert_sends.Add({{"outcome", "failed"}});
  prometheus::Family<prometheus::Counter>& line_signals =
      prometheus::BuildCounter()
          .Name("yorisoi_line_signals_total")
          .Help("LINE chat signals (read marks, loading animations), by signal and outcome")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& link_clicks =
      prometheus::BuildCounter()
          .Name("yorisoi_link_clicks_total")
          .Help("Clicks of tracked links, by code and whether the database counted them")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& spool_appends =
      prometheus::BuildCounter()
          .Name("yorisoi_spool_appends_total")
          .Help("Webhooks written to the spool while PostgreSQL could not take them, by outcome")
          .Register(*registry);
  prometheus::Counter& spool_replayed = prometheus::BuildCounter()
                                            .Name("yorisoi_spool_replayed_total")
                                            .Help("Spooled webhooks moved into PostgreSQL")
                                            .Register(*registry)
                                            .Add({});
  prometheus::Family<prometheus::Counter>& spool_quarantined =
      prometheus::BuildCounter()
          .Name("yorisoi_spool_quarantined_total")
          .Help("Spool records set aside in quarantine files, by reason (corrupt, rejected)")
          .Register(*registry);
  prometheus::Gauge& spool_records = prometheus::BuildGauge()
                                         .Name("yorisoi_spool_records")
                                         .Help("Spooled webhooks waiting for replay")
                                         .Register(*registry)
                                         .Add({});
  prometheus::Gauge& spool_bytes = prometheus::BuildGauge()
                                       .Name("yorisoi_spool_bytes")
                                       .Help("Spool bytes waiting for replay")
                                       .Register(*registry)
                                       .Add({});
  prometheus::Gauge& spool_used_bytes = prometheus::BuildGauge()
                                            .Name("yorisoi_spool_used_bytes")
                                            .Help("Size of the live spool files (bounded by max_bytes)")
                                            .Register(*registry)
                                            .Add({});
  prometheus::Gauge& spool_broken =
      prometheus::BuildGauge()
          .Name("yorisoi_spool_broken")
          .Help("1 when a spool fdatasync failed (appends refused until restart)")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Gauge>& pool_workers = prometheus::BuildGauge()
                                                            .Name("yorisoi_storage_pool_workers")
                                                            .Help("Storage worker threads")
                                                            .Register(*registry);
  prometheus::Family<prometheus::Gauge>& pool_busy = prometheus::BuildGauge()
                                                         .Name("yorisoi_storage_pool_busy")
                                                         .Help("Storage workers running a job")
                                                         .Register(*registry);
  prometheus::Family<prometheus::Gauge>& pool_queued = prometheus::BuildGauge()
                                                           .Name("yorisoi_storage_pool_queued")
                                                           .Help("Storage jobs waiting")
                                                           .Register(*registry);
  prometheus::Family<prometheus::Gauge>& ingest_queued = prometheus::BuildGauge()
                                                             .Name("yorisoi_ingest_queued")
                                                             .Help("Events waiting for the next group commit")
                                                             .Register(*registry);
  // The backlog as storage last measured it (backlog_stats); the whole database's, not this instance's.
  prometheus::Family<prometheus::Gauge>& inbox_events =
      prometheus::BuildGauge()
          .Name("yorisoi_inbox_events")
          .Help("Webhook events stored and waiting to be applied, or applied with an error (state)")
          .Register(*registry);
  prometheus::Gauge& inbox_waiting = inbox_events.Add({{"state", "waiting"}});
  prometheus::Gauge& inbox_failed = inbox_events.Add({{"state", "failed"}});
  prometheus::Gauge& inbox_parked = inbox_events.Add({{"state", "parked"}});
  // This instance's inbox processor: events applied by lane (storage counts them; render adds what is
  // new since the last render), and the partitions its workers hold.
  prometheus::Family<prometheus::Counter>& inbox_applied =
      prometheus::BuildCounter()
          .Name("yorisoi_inbox_applied_total")
          .Help("Inbox events applied by this instance, by the lane they were stored in")
          .Register(*registry);
  prometheus::Counter& applied_ordinary = inbox_applied.Add({{"lane", "ordinary"}});
  prometheus::Counter& applied_crisis = inbox_applied.Add({{"lane", "crisis"}});
  prometheus::Counter& parked_here =
      prometheus::BuildCounter()
          .Name("yorisoi_inbox_parked_total")
          .Help("Inbox events this instance parked after too many rejections")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Gauge>& partitions =
      prometheus::BuildGauge()
          .Name("yorisoi_inbox_partitions")
          .Help("Inbox partitions: held by this instance's workers (held), and in all (total)")
          .Register(*registry);
  prometheus::Gauge& partitions_held = partitions.Add({{"of", "held"}});
  prometheus::Gauge& partitions_total = partitions.Add({{"of", "total"}});
  std::mutex inbox_mutex;  // the last counts seen, for the counters' increments
  storage::inbox_counters inbox_seen;
  prometheus::Gauge& inbox_oldest =
      prometheus::BuildGauge()
          .Name("yorisoi_inbox_oldest_waiting_seconds")
          .Help("Since the oldest event waiting to be applied reached us; 0 when none")
          .Register(*registry)
          .Add({});
  prometheus::Family<prometheus::Gauge>& outbox_rows =
      prometheus::BuildGauge()
          .Name("yorisoi_outbox_rows")
          .Help("Messages to LINE not yet sent: pending (due or retrying later) or sending (claimed)")
          .Register(*registry);
  prometheus::Gauge& outbox_pending = outbox_rows.Add({{"state", "pending"}});
  prometheus::Gauge& outbox_sending = outbox_rows.Add({{"state", "sending"}});
  prometheus::Gauge& outbox_oldest =
      prometheus::BuildGauge()
          .Name("yorisoi_outbox_oldest_due_seconds")
          .Help("How long the longest-due outbox row has been due; 0 when none")
          .Register(*registry)
          .Add({});
  prometheus::Gauge& backlog_age =
      prometheus::BuildGauge()
          .Name("yorisoi_backlog_measured_seconds_ago")
          .Help("Age of the inbox and outbox figures (measured every few seconds); -1 before the first")
          .Register(*registry)
          .Add({});
};

metrics::metrics() : impl_(std::make_unique<impl>()) {}
metrics::~metrics() = default;

void metrics::count_request(std::string_view route, unsigned status) {
  impl_->requests.Add({{"route", std::string(route)}, {"status", std::to_string(status)}}).Increment();
}

void metrics::observe_webhook_seconds(double seconds) {
  impl_->ingest_seconds.Observe(seconds);
}

void metrics::count_stale_events(std::size_t count) {
  impl_->stale_events.Increment(static_cast<double>(count));
}

void metrics::count_events(std::string_view outcome, std::size_t count) {
  const auto amount = static_cast<double>(count);
  if (outcome == "inserted") {
    impl_->inserted.Increment(amount);
  } else if (outcome == "duplicate") {
    impl_->duplicate.Increment(amount);
  } else {
    impl_->rejected.Increment(amount);
  }
}

void metrics::observe_batch(const storage::batch_report& report) {
  impl_->batch_events.Observe(static_cast<double>(report.events));
  impl_->commit_seconds.Observe(static_cast<double>(report.duration.count()) / 1e6);
}

void metrics::count_outbox_send(std::string_view via, std::string_view outcome) {
  impl_->outbox_sends.Add({{"via", std::string(via)}, {"outcome", std::string(outcome)}}).Increment();
}

void metrics::observe_outbox_send_seconds(double seconds) {
  impl_->outbox_seconds.Observe(seconds);
}

void metrics::count_alert_send(std::string_view outcome) {
  impl_->alert_sends.Add({{"outcome", std::string(outcome)}}).Increment();
}

void metrics::count_line_signal(std::string_view signal, std::string_view outcome) {
  impl_->line_signals.Add({{"signal", std::string(signal)}, {"outcome", std::string(outcome)}}).Increment();
}

void metrics::count_link_click(std::string_view code, bool recorded) {
  impl_->link_clicks.Add({{"code", std::string(code)}, {"recorded", recorded ? "true" : "false"}})
      .Increment();
}

void metrics::count_spool_append(std::string_view outcome) {
  impl_->spool_appends.Add({{"outcome", std::string(outcome)}}).Increment();
}

void metrics::count_spool_replay(std::uint64_t replayed, std::uint64_t corrupt, std::uint64_t rejected) {
  impl_->spool_replayed.Increment(static_cast<double>(replayed));
  if (corrupt > 0) {
    impl_->spool_quarantined.Add({{"reason", "corrupt"}}).Increment(static_cast<double>(corrupt));
  }
  if (rejected > 0) {
    impl_->spool_quarantined.Add({{"reason", "rejected"}}).Increment(static_cast<double>(rejected));
  }
}

std::string metrics::render(const storage::pool_stats& stats, const spool_gauges& spool) {
  impl_->spool_records.Set(static_cast<double>(spool.records));
  impl_->spool_bytes.Set(static_cast<double>(spool.bytes));
  impl_->spool_used_bytes.Set(static_cast<double>(spool.used_bytes));
  impl_->spool_broken.Set(spool.broken ? 1 : 0);
  impl_->pool_workers.Add({}).Set(stats.workers);
  impl_->pool_busy.Add({}).Set(stats.busy);
  impl_->pool_queued.Add({}).Set(static_cast<double>(stats.queued));
  impl_->ingest_queued.Add({}).Set(static_cast<double>(stats.ingest_queued));
  const storage::backlog_stats& backlog = stats.backlog;
  impl_->inbox_waiting.Set(static_cast<double>(backlog.inbox_waiting));
  impl_->inbox_failed.Set(static_cast<double>(backlog.inbox_failed));
  impl_->inbox_parked.Set(static_cast<double>(backlog.inbox_parked));
  {
    std::lock_guard lock(impl_->inbox_mutex);
    const storage::inbox_counters& now = stats.inbox;
    storage::inbox_counters& seen = impl_->inbox_seen;
    const auto add = [](prometheus::Counter& counter, std::uint64_t value, std::uint64_t& last) {
      if (value > last) {
        counter.Increment(static_cast<double>(value - last));
        last = value;
      }
    };
    add(impl_->applied_ordinary, now.applied_ordinary, seen.applied_ordinary);
    add(impl_->applied_crisis, now.applied_crisis, seen.applied_crisis);
    add(impl_->parked_here, now.parked, seen.parked);
    impl_->partitions_held.Set(now.partitions_held);
    impl_->partitions_total.Set(now.partitions);
  }
  impl_->inbox_oldest.Set(backlog.inbox_oldest_waiting_seconds);
  impl_->outbox_pending.Set(static_cast<double>(backlog.outbox_pending));
  impl_->outbox_sending.Set(static_cast<double>(backlog.outbox_sending));
  impl_->outbox_oldest.Set(backlog.outbox_oldest_due_seconds);
  impl_->backlog_age.Set(backlog.measured ? static_cast<double>(backlog.measured_ago.count()) / 1000 : -1);
  return prometheus::TextSerializer().Serialize(impl_->registry->Collect());
}

}  // namespace yorisoi::gateway
