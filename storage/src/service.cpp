#include "yorisoi/storage/service.hpp"

#include "yorisoi/storage/console.hpp"

#include "outbox/alert_store.hpp"
#include "jobs/backlog_probe.hpp"
#include "db/connection.hpp"
#include "console/console_common.hpp"
#include "console/idle_closer.hpp"
#include "inbox/inbox_processor.hpp"
#include "ingest/ingest_writer.hpp"
#include "db/migration_list.hpp"
#include "db/migrator.hpp"
#include "outbox/outbox_store.hpp"
#include "console/queue_store.hpp"
#include "referral/referral_sweep.hpp"
#include "search/search_indexer.hpp"
#include "db/worker_pool.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <mutex>
#include <optional>
#include <utility>

namespace yorisoi::storage {

namespace {

constexpr const char* ready_sql = "SELECT max(version) FROM schema_migrations";

detail::connection_settings settings_of(const options& opts, std::chrono::milliseconds statement_timeout,
                                        const char* application_name) {
  detail::connection_settings s;
  s.connect_timeout = opts.connect_timeout;
  s.statement_timeout = statement_timeout;
  s.application_name = application_name;
  return s;
}

readiness probe(detail::db_connection& db) {
  readiness r;
  try {
    pqxx::connection& conn = db.get();
    pqxx::nontransaction tx(conn, "ready");
    const pqxx::row row = tx.exec1(ready_sql);
    r.database_reachable = true;
    // A newer schema is fine for readiness: during a rolling upgrade it is the newer binary's.
    r.migrations_applied = !row[0].is_null() && row[0].as<int>() >= service::schema_version();
  } catch (const pqxx::undefined_table&) {
    r.database_reachable = true;  // reachable, never migrated
  } catch (const std::exception& e) {
    spdlog::debug("storage: readiness probe failed: {}", e.what());
    db.reset();
  }
  return r;
}

// Statements of the general workers' jobs.
void prepare_general(pqxx::connection& conn) {
  detail::prepare_outbox_statements(conn);
  detail::prepare_alert_statements(conn);
  detail::prepare_queue_statements(conn);
  detail::prepare_console_statements(conn);
}

constexpr std::chrono::minutes idle_close_every{1};
// Consent requests are also expired when looked at; the sweep only bounds how late a cancellation is.
constexpr std::chrono::minutes consent_sweep_every{1};

}  // namespace

struct service::impl {
  impl(options o, keyring k)
      : opts(std::move(o)),
        keys(std::move(k)),
        conninfo(detail::make_conninfo(opts.url, settings_of(opts, opts.statement_timeout, "yorisoi"))),
        pool(opts.pool_size, conninfo, &prepare_general),
        credentials(opts.credential_workers, conninfo, &prepare_general, opts.credential_queue),
        writer(opts, keys,
               detail::make_conninfo(opts.url, settings_of(opts, opts.statement_timeout, "yorisoi-ingest")),
               [this] { poke(); }) {
    if (opts.run_inbox_processor) {
      // Applying a batch is not on a webhook's critical path; allow it more time than ingest.
      const auto timeout =
          opts.statement_timeout.count() == 0 ? opts.statement_timeout : opts.statement_timeout * 10;
      inbox.emplace(opts, keys, detail::make_conninfo(opts.url, settings_of(opts, timeout, "yorisoi-inbox")),
                    [this] { notify_outbox(); });
      // Instances that apply events also expire consent requests (one at a time: advisory lock).
      sweeper.emplace(detail::referral_sweep_job(
          detail::make_conninfo(opts.url, settings_of(opts, timeout, "yorisoi-consent-sweep")),
          consent_sweep_every));
      if (opts.search_index_every.count() > 0) {
        indexer.emplace(detail::search_index_job(
            keys, detail::make_conninfo(opts.url, settings_of(opts, timeout, "yorisoi-search-index")),
            opts.search_index_every));
      }
    }
    if (opts.backlog_every.count() > 0) {
      backlog.emplace(detail::backlog_job(
          detail::make_conninfo(opts.url, settings_of(opts, opts.statement_timeout, "yorisoi-backlog")),
          opts.backlog_every, backlog_figures));
    }
    if (!opts.idle_close_after.empty()) {
      idle.emplace(detail::idle_close_job(
          opts.idle_close_after,
          detail::make_conninfo(opts.url, settings_of(opts, opts.statement_timeout * 10, "yorisoi-idle")),
          idle_close_every));
    }
  }

  void notify_outbox() {
    if (outbox_notifier) {
      outbox_notifier();
    }
  }

  void poke() {
    if (inbox) {
      inbox->poke();
    }
  }

  options opts;
  keyring keys;
  std::string conninfo;
  detail::worker_pool pool;
  detail::worker_pool credentials;
  detail::ingest_writer writer;
  std::optional<detail::inbox_processor> inbox;
  std::optional<detail::periodic_job> idle;
  std::optional<detail::periodic_job> sweeper;
  std::optional<detail::periodic_job> indexer;
  detail::backlog_cell backlog_figures;
  std::optional<detail::periodic_job> backlog;
  std::function<void()> outbox_notifier;  // set before start(), read-only after
  std::mutex lifecycle;
  bool started = false;
  bool stopped = false;
};

service::service(options opts, keyring keys)
    : impl_(std::make_unique<impl>(std::move(opts), std::move(keys))) {}

service::~service() {
  stop();
}

int service::schema_version() noexcept {
  return detail::all_migrations().back().version;
}

void service::migrate() {
  detail::run_migrations(detail::make_conninfo(
      impl_->opts.url, settings_of(impl_->opts, std::chrono::milliseconds{0}, "yorisoi-migrate")));
}

void service::start() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->started || impl_->stopped) {
    return;
  }
  impl_->started = true;
  impl_->pool.start();
  impl_->credentials.start();
  impl_->writer.start();
  if (impl_->inbox) {
    impl_->inbox->start();
  }
  if (impl_->idle) {
    impl_->idle->start();
  }
  if (impl_->sweeper) {
    impl_->sweeper->start();
  }
  if (impl_->indexer) {
    impl_->indexer->start();
  }
  if (impl_->backlog) {
    impl_->backlog->start();
  }
}

void service::stop() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->stopped) {
    return;
  }
  impl_->stopped = true;
  // Ingest first: its last commits may still poke the inbox processor, which is stopped after it.
  impl_->writer.stop();
  impl_->pool.stop();
  impl_->credentials.stop();
  if (impl_->inbox) {
    impl_->inbox->stop();
  }
  if (impl_->idle) {
    impl_->idle->stop();
  }
  if (impl_->sweeper) {
    impl_->sweeper->stop();
  }
  if (impl_->indexer) {
    impl_->indexer->stop();
  }
  if (impl_->backlog) {
    impl_->backlog->stop();
  }
}

void service::ingest(ingest_request request, std::function<void(ingest_result)> done) {
  impl_->writer.submit(std::move(request), std::move(done));
}

void service::ingest_all(std::vector<ingest_request> requests, std::function<void(ingest_result)> done) {
  impl_->writer.submit_all(std::move(requests), std::move(done));
}

void service::check_ready(std::function<void(readiness)> done) {
  auto job = [done](detail::db_connection& db) { done(probe(db)); };
  if (!impl_->pool.submit(std::move(job))) {
    done(readiness{});
  }
}

void service::set_batch_observer(std::function<void(const batch_report&)> observer) {
  impl_->writer.set_observer(std::move(observer));
}

pool_stats service::stats() const {
  pool_stats s = impl_->pool.stats();
  s.ingest_queued = impl_->writer.queued_events();
  s.backlog = impl_->backlog_figures.load();
  if (impl_->inbox) {
    s.inbox = impl_->inbox->counters();
  }
  return s;
}

void service::poke_inbox() {
  impl_->poke();
}

void service::poke_idle_closer() {
  if (impl_->idle) {
    impl_->idle->poke();
  }
}

void service::claim_outbox(std::size_t limit, std::chrono::seconds lease,
                           std::function<void(std::optional<std::vector<outbox_item>>)> done) {
  const keyring& keys = impl_->keys;
  auto job = [done, limit, lease, &keys](detail::db_connection& db) {
    std::optional<std::vector<outbox_item>> items;
    try {
      items = detail::claim_outbox(db.get(), keys, limit, lease);
    } catch (const std::exception& e) {
      detail::log_job_failure(db, "outbox", "claim", e);
    }
    done(std::move(items));
  };
  if (!impl_->pool.submit(std::move(job))) {
    done(std::nullopt);
  }
}

void service::complete_outbox(outbox_report report, std::function<void(bool recorded)> done) {
  auto job = [done, report = std::move(report)](detail::db_connection& db) {
    bool recorded = false;
    try {
      recorded = detail::complete_outbox(db.get(), report);
    } catch (const std::exception& e) {
      detail::log_job_failure(db, "outbox", "completion", e);
    }
    done(recorded);
  };
  if (!impl_->pool.submit(std::move(job))) {
    done(false);
  }
}

void service::set_outbox_notifier(std::function<void()> notify) {
  impl_->outbox_notifier = std::move(notify);
}

void service::outbox_written() const {
  impl_->notify_outbox();
}

void service::claim_alerts(std::size_t limit, std::chrono::seconds lease,
                           std::function<void(std::optional<std::vector<alert_item>>)> done) {
  auto job = [done, limit, lease](detail::db_connection& db) {
    std::optional<std::vector<alert_item>> items;
    try {
      items = detail::claim_alerts(db.get(), limit, lease);
    } catch (const std::exception& e) {
      detail::log_job_failure(db, "alert", "claim", e);
    }
    done(std::move(items));
  };
  if (!impl_->pool.submit(std::move(job))) {
    done(std::nullopt);
  }
}

void service::complete_alert(alert_report report, std::function<void(bool recorded)> done) {
  auto job = [done, report = std::move(report)](detail::db_connection& db) {
    bool recorded = false;
    try {
      recorded = detail::complete_alert(db.get(), report);
    } catch (const std::exception& e) {
      detail::log_job_failure(db, "alert", "completion", e);
    }
    done(recorded);
  };
  if (!impl_->pool.submit(std::move(job))) {
    done(false);
  }
}

void service::list_queue(std::string tenant_id,
                         std::function<void(std::optional<std::vector<queue_row>>)> done) {
  auto job = [done, tenant_id = std::move(tenant_id)](detail::db_connection& db) {
    std::optional<std::vector<queue_row>> rows;
    try {
      rows = detail::list_queue(db.get(), tenant_id);
    } catch (const std::exception& e) {
      detail::log_job_failure(db, "queue", "listing", e);
    }
    done(std::move(rows));
  };
  if (!impl_->pool.submit(std::move(job))) {
    done(std::nullopt);
  }
}

// console_store runs on this service's general workers and wakes its outbox sender.
console_store::job_submitter console_store::submitter() {
  return [&pool = store_.impl_->pool](std::function<void(detail::db_connection&)> job) {
    return pool.submit(std::move(job));
  };
}

detail::worker_pool& console_store::credential_pool() {
  return store_.impl_->credentials;
}

console_store::job_submitter console_store::credential_submitter() {
  return [&pool = store_.impl_->credentials](std::function<void(detail::db_connection&)> job) {
    return pool.submit(std::move(job));
  };
}

const keyring& console_store::keys() const {
  return store_.impl_->keys;
}

void console_store::notify_outbox() const {
  store_.outbox_written();
}

std::string console_store::listener_conninfo() const {
  // LISTEN waits are not statements: the timeout only bounds the catch-up queries.
  return detail::make_conninfo(
      store_.impl_->opts.url,
      settings_of(store_.impl_->opts, store_.impl_->opts.statement_timeout, "yorisoi-console-listener"));
}

}  // namespace yorisoi::storage
