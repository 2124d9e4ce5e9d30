#pragma once
// The city's tallies: reports read from the database, link click counters, and the retention
// purge that keeps the figures.
//
// Every figure is computed from rows that the purge keeps (consultation with its message counters,
// consultation_category, referral*, link_click): nothing is held in memory between calls, and a report
// asked twice of the same database gives the same figures. Attribution rules: routing/report.hpp.
//
// Authorisation split, as console_store: the gateway checks the read_reports permission; the store
// limits every read to `who.tenant_id` (an unknown tenant is `not_found`).
//
// Retention: closed consultations whose closure is older than the tenant's retention period lose their
// message rows, the raw inbox events those came from, their settled outbox rows (both hold the text)
// and their notes; the consultation row, its counters, categories, age band and referrals stay. One
// instance purges at a time (session advisory lock); each run that purged something is audited per
// tenant (`retention.purge`, counts only).
//
// Threading: like console_store, operations run on the store's own storage workers and answer through
// a callback invoked on a storage thread. All members may be called from any thread after start().

#include "yorisoi/routing/report.hpp"
#include "yorisoi/storage/console.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace yorisoi::storage {

using report = routing::report;

struct report_query {
  routing::civil_date from;  // local dates of the tenant, inclusive; from <= to, at most 3 years + 1 day
  routing::civil_date to;
};

struct report_store_options {
  std::string url;  // libpq connection string or URI
  unsigned pool_size = 2;
  std::chrono::seconds connect_timeout{2};
  std::chrono::milliseconds statement_timeout{5000};        // a report reads more than a console call
  std::map<std::string, routing::report_settings> tenants;  // by tenant id (from config::tenant)
  // The retention job: period by tenant id (config retention_days; a tenant absent is never purged) and
  // how often it runs. Zero `retention_every` = the job is not started (tests call run_retention_once).
  std::map<std::string, std::chrono::hours> retention;
  std::chrono::milliseconds retention_every{0};
};

struct retention_counts {
  std::size_t consultations = 0;  // purged now
  std::size_t messages = 0;
  std::size_t inbox_events = 0;
  std::size_t outbox_rows = 0;
  std::size_t notes = 0;
  std::size_t referrals = 0;         // referrals whose texts were cleared (the rows stay)
  std::size_t referral_answers = 0;  // units' answers cleared
  std::size_t residents = 0;         // residents without any consultation, not seen since the cutoff
  bool skipped = false;              // another instance holds the lock: nothing was done
};

class report_store {
 public:
  // `store` must outlive this object (the report store has its own small pool; see referral_store).
  // Throws std::invalid_argument when a tenant's settings are unusable (no schedule offset range).
  report_store(service& store, report_store_options opts);
  ~report_store();  // stop()s
  report_store(const report_store&) = delete;
  report_store& operator=(const report_store&) = delete;

  // Starts the workers, and the retention job when `retention_every` > 0.
  void start();
  // Finishes queued work, stops the retention job, joins the threads. Idempotent.
  void stop();

  // The main report of who.tenant_id for [q.from, q.to]. `invalid` when the range is reversed or longer
  // than 3 years; `not_found` for a tenant without settings; `unavailable` on database failure.
  void summary(actor who, report_query q, std::function<void(op_result<report>)> done);

  // Counts one click of a tracked link on today's local date of the tenant (an upsert; nothing about the
  // visitor is stored). The code is validated by the caller against the tenant's links (unknown: 404
  // without calling this). `not_found` for a tenant without settings.
  void record_click(std::string tenant_id, std::string code, std::function<void(op_result<nothing>)> done);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// One retention run over the given tenants (period by tenant id), as if the time were `now`: purges
// every closed consultation with closed_at <= now - period, in batches, under the session advisory lock
// (a concurrent call returns `skipped`). Blocking; for tests, tools and the job. Throws storage_error on
// database failure.
retention_counts run_retention_once(
    const std::string& url, const std::map<std::string, std::chrono::hours>& periods,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace yorisoi::storage
