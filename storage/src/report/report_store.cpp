// report_store: each operation is a job on the store's workers; database failures become `unavailable`
// (logged by SQLSTATE, never with user data). Like referral_store, it runs its own small pool because
// service.hpp lets only console_store reach the service's.
#include "yorisoi/storage/report.hpp"

#include "db/connection.hpp"
#include "report/link_click.hpp"
#include "report/report_read.hpp"
#include "report/retention.hpp"
#include "db/worker_pool.hpp"

#include <pqxx/pqxx>

#include <optional>
#include <stdexcept>
#include <utility>

namespace yorisoi::storage {
namespace {

// Three years and a day: the benchmark's whole history, and more than any city table covers.
constexpr std::chrono::days longest_range{3 * 366 + 1};

std::string conninfo_of(const report_store_options& o, const char* name) {
  detail::connection_settings s;
  s.connect_timeout = o.connect_timeout;
  s.statement_timeout = o.statement_timeout;
  s.application_name = name;
  return detail::make_conninfo(o.url, s);
}

bool valid_range(const report_query& q) {
  if (!routing::is_valid(q.from) || !routing::is_valid(q.to) || q.to < q.from) {
    return false;
  }
  return routing::to_sys_days(q.to) - routing::to_sys_days(q.from) < longest_range;
}

}  // namespace

struct report_store::impl {
  explicit impl(report_store_options o)
      : opts(std::move(o)), pool(opts.pool_size, conninfo_of(opts, "yorisoi-reports")) {
    if (opts.retention_every.count() > 0 && !opts.retention.empty()) {
      // No statement timeout: a purge batch may take longer than an interactive call.
      report_store_options unbounded = opts;
      unbounded.statement_timeout = std::chrono::milliseconds{0};
      retention.emplace(detail::retention_job(conninfo_of(unbounded, "yorisoi-retention"), opts.retention,
                                              opts.retention_every));
    }
  }

  template <typename T, typename Body>
  void run(const char* what, std::function<void(op_result<T>)> done, Body body) {
    auto job = [what, done, body = std::move(body)](detail::db_connection& db) mutable {
      op_result<T> result;
      try {
        result = body(db.get());
      } catch (const std::exception& e) {
        detail::log_job_failure(db, "report", what, e);
        result = op_result<T>{};
      }
      done(std::move(result));
    };
    if (!pool.submit(std::move(job))) {
      done(op_result<T>{});
    }
  }

  const routing::report_settings* tenant(const std::string& id) const {
    const auto it = opts.tenants.find(id);
    return it == opts.tenants.end() ? nullptr : &it->second;
  }

  report_store_options opts;
  detail::worker_pool pool;
  std::optional<detail::periodic_job> retention;
};

report_store::report_store(service& /*store*/, report_store_options opts) {
  for (const auto& [id, t] : opts.tenants) {
    if (t.schedule.utc_offset_minutes <= -24 * 60 || t.schedule.utc_offset_minutes >= 24 * 60) {
      throw std::invalid_argument("report store: tenant " + id + " has an impossible UTC offset");
    }
  }
  impl_ = std::make_unique<impl>(std::move(opts));
}

report_store::~report_store() {
  stop();
}

void report_store::start() {
  impl_->pool.start();
  if (impl_->retention) {
    impl_->retention->start();
  }
}

void report_store::stop() {
  if (impl_->retention) {
    impl_->retention->stop();
  }
  impl_->pool.stop();
}

void report_store::summary(actor who, report_query q, std::function<void(op_result<report>)> done) {
  const routing::report_settings* settings = impl_->tenant(who.tenant_id);
  if (settings == nullptr) {
    done(op_result<report>{op_status::not_found, {}, "no such tenant"});
    return;
  }
  if (!valid_range(q)) {
    done(op_result<report>{op_status::invalid, {}, "the range must be from <= to, at most 3 years"});
    return;
  }
  impl_->run<report>("summary", std::move(done),
                     [settings, tenant = std::move(who.tenant_id), q](pqxx::connection& c) {
                       return op_result<report>{
                           op_status::ok, detail::read_report(c, tenant, *settings, {q.from, q.to}), ""};
                     });
}

void report_store::record_click(std::string tenant_id, std::string code,
                                std::function<void(op_result<nothing>)> done) {
  const routing::report_settings* settings = impl_->tenant(tenant_id);
  if (settings == nullptr) {
    done(op_result<nothing>{op_status::not_found, {}, "no such tenant"});
    return;
  }
  const int offset = settings->schedule.utc_offset_minutes;
  impl_->run<nothing>("click", std::move(done),
                      [tenant = std::move(tenant_id), code = std::move(code), offset](pqxx::connection& c) {
                        detail::count_click(c, tenant, code, offset);
                        return op_result<nothing>{op_status::ok, {}, ""};
                      });
}

}  // namespace yorisoi::storage
