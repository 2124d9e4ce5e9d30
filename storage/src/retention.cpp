#include "retention.hpp"

#include "connection.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <utility>
#include <vector>

namespace yorisoi::storage::detail {
namespace {

// An arbitrary constant naming this job among the deployment's advisory locks.
constexpr long long retention_lock_key = 0x79727270;  // "yrrp"
// Consultations purged per transaction: bounds lock time and the size of one audit row's batch.
constexpr int batch_size = 200;

// Closed consultations past the cutoff, oldest closure first. FOR UPDATE: a reopen waits for the purge
// (and then continues a consultation without its old transcript) instead of racing it.
constexpr const char* due_sql = R"sql(
SELECT consultation_id::text FROM consultation
 WHERE tenant_id = $1 AND state = 'closed' AND purged_at IS NULL AND closed_at <= to_timestamp($2::bigint)
 ORDER BY closed_at
 LIMIT $3
 FOR UPDATE SKIP LOCKED
)sql";

// What holds the purged text besides the message rows: the raw webhook events the inbound messages
// came from (only once applied), and the settled outbox rows of the consultation.
constexpr const char* purge_sql = R"sql(
WITH ids AS (SELECT unnest($2::uuid[]) AS id),
sources AS (
  SELECT DISTINCT m.source_event_id AS event_id FROM message m
   WHERE m.tenant_id = $1 AND m.consultation_id IN (SELECT id FROM ids) AND m.direction = 'in'
     AND m.source_event_id IS NOT NULL),
gone_messages AS (
  DELETE FROM message WHERE tenant_id = $1 AND consultation_id IN (SELECT id FROM ids) RETURNING 1),
gone_notes AS (
  DELETE FROM consultation_note WHERE tenant_id = $1 AND consultation_id IN (SELECT id FROM ids) RETURNING 1),
gone_events AS (
  DELETE FROM inbox_event WHERE tenant_id = $1 AND event_id IN (SELECT event_id FROM sources)
     AND processed_at IS NOT NULL RETURNING 1),
marked AS (
  UPDATE consultation SET purged_at = to_timestamp($3::bigint)
   WHERE tenant_id = $1 AND consultation_id IN (SELECT id FROM ids) RETURNING 1)
SELECT (SELECT count(*) FROM gone_messages), (SELECT count(*) FROM gone_notes),
       (SELECT count(*) FROM gone_events), (SELECT count(*) FROM marked)
)sql";

// After the messages that referenced them are gone (a separate statement: data-modifying CTEs all see
// the same snapshot, so the foreign key would still find the messages). Rows still to be sent stay.
constexpr const char* outbox_sql = R"sql(
DELETE FROM outbox WHERE tenant_id = $1 AND consultation_id = ANY($2::uuid[])
   AND state IN ('sent', 'failed', 'cancelled')
)sql";

constexpr const char* audit_sql = R"sql(
INSERT INTO audit_event (tenant_id, actor_id, action, object_type, object_id, detail)
VALUES ($1, NULL, 'retention.purge', 'tenant', $1, $2::jsonb)
)sql";

std::string uuid_array(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out += (i == 0 ? "" : ",") + ids[i];
  }
  return out + "}";
}

long long epoch_of(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// One batch of one tenant; false when nothing was left to purge.
bool purge_batch(pqxx::connection& conn, const std::string& tenant_id, std::chrono::hours period,
                 std::chrono::system_clock::time_point now, retention_counts& total) {
  pqxx::work tx(conn, "retention");
  std::vector<std::string> ids;
  for (const pqxx::row& row : tx.exec_params(due_sql, tenant_id, epoch_of(now - period), batch_size)) {
    ids.push_back(row[0].as<std::string>());
  }
  if (ids.empty()) {
    return false;
  }
  const std::string array = uuid_array(ids);
  const pqxx::row counts = tx.exec_params1(purge_sql, tenant_id, array, epoch_of(now));
  const auto outbox = tx.exec_params(outbox_sql, tenant_id, array).affected_rows();
  retention_counts batch;
  batch.messages = counts[0].as<std::size_t>();
  batch.notes = counts[1].as<std::size_t>();
  batch.inbox_events = counts[2].as<std::size_t>();
  batch.consultations = counts[3].as<std::size_t>();
  batch.outbox_rows = outbox;
  const std::string detail = "{\"consultations\":" + std::to_string(batch.consultations) +
                             ",\"messages\":" + std::to_string(batch.messages) +
                             ",\"inbox_events\":" + std::to_string(batch.inbox_events) +
                             ",\"outbox_rows\":" + std::to_string(batch.outbox_rows) +
                             ",\"notes\":" + std::to_string(batch.notes) +
                             ",\"retention_days\":" + std::to_string(period.count() / 24) + "}";
  tx.exec_params0(audit_sql, tenant_id, detail);
  tx.commit();
  total.consultations += batch.consultations;
  total.messages += batch.messages;
  total.notes += batch.notes;
  total.inbox_events += batch.inbox_events;
  total.outbox_rows += batch.outbox_rows;
  return true;
}

}  // namespace

retention_counts purge_expired(pqxx::connection& conn, const retention_periods& periods,
                               std::chrono::system_clock::time_point now) {
  retention_counts total;
  {
    pqxx::nontransaction tx(conn, "retention_lock");
    if (!tx.exec_params1("SELECT pg_try_advisory_lock($1)", retention_lock_key)[0].as<bool>()) {
      total.skipped = true;
      return total;
    }
  }
  // The lock is the session's: released on every way out (a broken connection releases it too).
  struct unlock {
    pqxx::connection& conn;
    ~unlock() {
      try {
        pqxx::nontransaction tx(conn, "retention_unlock");
        tx.exec_params("SELECT pg_advisory_unlock($1)", retention_lock_key);
      } catch (const std::exception&) {
        // The connection is gone, and the lock with it.
      }
    }
  } guard{conn};
  for (const auto& [tenant_id, period] : periods) {
    if (period.count() <= 0) {
      continue;
    }
    while (purge_batch(conn, tenant_id, period, now, total)) {
    }
  }
  return total;
}

periodic_job_spec retention_job(std::string conninfo, retention_periods periods,
                                std::chrono::milliseconds every) {
  return periodic_job_spec{
      std::move(conninfo),
      nullptr,
      every,
      "report",
      "retention run",
      [periods = std::move(periods)](pqxx::connection& conn) {
        const retention_counts n = purge_expired(conn, periods, std::chrono::system_clock::now());
        if (n.consultations > 0) {
          spdlog::info("storage: retention purged {} consultations ({} messages, {} notes)", n.consultations,
                       n.messages, n.notes);
        }
      }};
}

}  // namespace yorisoi::storage::detail

namespace yorisoi::storage {

retention_counts run_retention_once(const std::string& url,
                                    const std::map<std::string, std::chrono::hours>& periods,
                                    std::chrono::system_clock::time_point now) {
  try {
    pqxx::connection conn(url);
    return detail::purge_expired(conn, periods, now);
  } catch (const pqxx::failure& e) {
    throw storage_error(std::string("retention run: ") + e.what());
  }
}

}  // namespace yorisoi::storage
