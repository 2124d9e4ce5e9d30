// The key rotation job: every sealed column in turn, then the audit log; and the key usage status.
#include "db/connection.hpp"
#include "crypto/key_rotation.hpp"

#include "yorisoi/storage/service.hpp"

#include <spdlog/spdlog.h>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

namespace yorisoi::storage {
namespace {

constexpr const char* audit_sql = R"sql(
INSERT INTO audit_event (tenant_id, actor_id, action, object_type, object_id, detail)
VALUES ($1, NULL, 'keys.rotate', 'keyring', $2, $3::jsonb)
)sql";

std::unique_ptr<pqxx::connection> connect(const rotation_options& opts) {
  detail::connection_settings settings;
  settings.statement_timeout = opts.statement_timeout;
  settings.application_name = "yorisoi-keys";
  return std::make_unique<pqxx::connection>(detail::make_conninfo(opts.url, settings));
}

// One row per tenant touched, written by the command line (no actor): the counts of that tenant.
void write_audit(pqxx::connection& conn, const rotation_report& report) {
  if (report.by_tenant.empty()) {
    return;
  }
  pqxx::work tx(conn);
  for (const auto& [tenant, columns] : report.by_tenant) {
    boost::json::object per_column;
    for (const auto& [column, counts] : columns) {
      per_column[column] = {{"resealed", counts.resealed}, {"failed", counts.failed}};
    }
    boost::json::object detail{{"target_key_id", report.target_key_id},
                               {"complete", report.complete()},
                               {"columns", std::move(per_column)}};
    tx.exec_params0(audit_sql, tenant, std::to_string(report.target_key_id), boost::json::serialize(detail));
  }
  tx.commit();
}

}  // namespace

bool rotation_report::complete() const noexcept {
  for (const auto& c : columns) {
    if (c.remaining > 0) {
      return false;
    }
  }
  return !stopped;
}

rotation_report rotate_keys(const rotation_options& opts, const keyring& keys, std::stop_token stop) {
  rotation_report report;
  report.target_key_id = keys.current_key_id();
  try {
    auto conn = connect(opts);
    for (const auto& column : detail::sealed_columns()) {
      detail::column_rotator rotator(*conn, keys, column, opts.batch, report);
      rotator.run(opts.max_passes, stop);
      const auto& totals = report.columns.back();
      // Counts and ids only: the values themselves never reach the log.
      spdlog::info("keys rotate: {} re-sealed {} failed {} remaining {} (target key {})", totals.column,
                   totals.counts.resealed, totals.counts.failed, totals.remaining, report.target_key_id);
      if (report.stopped) {
        break;
      }
    }
    for (const auto& f : report.failures) {
      spdlog::warn("keys rotate: cannot open {} tenant {} row {}: {}", f.column, f.tenant_id, f.row_id,
                   f.reason);
    }
    write_audit(*conn, report);
  } catch (const pqxx::failure& e) {
    throw storage_error(std::string("key rotation: ") + e.what());
  }
  return report;
}

std::vector<key_usage> key_status(const rotation_options& opts) {
  std::vector<key_usage> out;
  try {
    auto conn = connect(opts);
    pqxx::read_transaction tx(*conn);
    for (const auto& column : detail::sealed_columns()) {
      const std::string key = column.key_id;
      const std::string query = "SELECT " + key + ", count(*) FROM " + column.table + " WHERE " + key +
                                " IS NOT NULL GROUP BY " + key + " ORDER BY " + key;
      for (const auto& r : tx.exec(query)) {
        out.push_back(key_usage{column.name, r[0].as<std::uint32_t>(), r[1].as<std::size_t>()});
      }
    }
  } catch (const pqxx::failure& e) {
    throw storage_error(std::string("key status: ") + e.what());
  }
  return out;
}

}  // namespace yorisoi::storage
