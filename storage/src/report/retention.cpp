#include "report/retention.hpp"

#include "db/connection.hpp"
#include "db/pg_array.hpp"

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
// came from (only once applied), the settled outbox rows of the consultation, and its referrals'
// texts (summary, reason, emergency reason, the units' answers: cleared, the rows kept for the tallies)
// and the reasons of its risk levels (cleared; the levels stay for the reports).
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
gone_risk_reasons AS (
  UPDATE consultation_risk SET reason = NULL, reason_key_id = NULL
   WHERE tenant_id = $1 AND consultation_id IN (SELECT id FROM ids) AND reason IS NOT NULL RETURNING 1),
gone_events AS (
  DELETE FROM inbox_event WHERE tenant_id = $1 AND event_id IN (SELECT event_id FROM sources)
     AND processed_at IS NOT NULL RETURNING 1),
redacted AS (
  UPDATE referral SET summary = NULL, summary_key_id = NULL, reason = NULL, reason_key_id = NULL,
                      emergency_reason = NULL, emergency_reason_key_id = NULL,
                      redacted_at = to_timestamp($3::bigint)
   WHERE tenant_id = $1 AND consultation_id IN (SELECT id FROM ids) AND redacted_at IS NULL RETURNING 1),
gone_answers AS (
  UPDATE referral_unit SET answer = NULL, answer_key_id = NULL
   WHERE tenant_id = $1 AND answer IS NOT NULL
     AND referral_id IN (SELECT referral_id FROM referral
                          WHERE tenant_id = $1 AND consultation_id IN (SELECT id FROM ids)) RETURNING 1),
marked AS (
  UPDATE consultation SET purged_at = to_timestamp($3::bigint)
   WHERE tenant_id = $1 AND consultation_id IN (SELECT id FROM ids) RETURNING 1)
SELECT (SELECT count(*) FROM gone_messages), (SELECT count(*) FROM gone_notes),
       (SELECT count(*) FROM gone_events), (SELECT count(*) FROM marked),
       (SELECT count(*) FROM redacted), (SELECT count(*) FROM gone_answers)
)sql";

// Raw webhook events that fed no message (follows, unfollows, button taps, unsends…): their payloads
// hold LINE user ids. Applied ones received before the cutoff go, a batch at a time. Message events
// go with their consultation (purge_sql).
constexpr const char* inbox_sql = R"sql(
DELETE FROM inbox_event WHERE (tenant_id, event_id) IN (
  SELECT tenant_id, event_id FROM inbox_event
   WHERE tenant_id = $1 AND event_type <> 'message' AND processed_at IS NOT NULL
     AND received_at <= to_timestamp($2::bigint)
   LIMIT $3 FOR UPDATE SKIP LOCKED)
)sql";

// Residents not seen since the cutoff who have no consultation at all (e.g. followed and never
// wrote), nor anything still to be sent: their sealed LINE user id goes with the row. Locked here, so
// an inbound event for one of them waits and then finds no resident (and creates a new one).
constexpr const char* idle_residents_sql = R"sql(
SELECT r.resident_id::text FROM resident r
 WHERE r.tenant_id = $1 AND r.last_seen_at <= to_timestamp($2::bigint)
   AND NOT EXISTS (SELECT 1 FROM consultation c WHERE c.tenant_id = r.tenant_id AND c.resident_id = r.resident_id)
   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.tenant_id = r.tenant_id AND o.resident_id = r.resident_id
                      AND o.state IN ('pending', 'sending'))
 LIMIT $3
 FOR UPDATE SKIP LOCKED
)sql";

// Their settled outbox rows first (a separate statement, for the same reason as outbox_sql).
constexpr const char* resident_outbox_sql = R"sql(
DELETE FROM outbox WHERE tenant_id = $1 AND resident_id = ANY($2::uuid[]) AND consultation_id IS NULL
   AND state IN ('sent', 'failed', 'cancelled')
)sql";

constexpr const char* residents_sql = R"sql(
DELETE FROM resident WHERE tenant_id = $1 AND resident_id = ANY($2::uuid[])
)sql";

// After the messages that referenced them are gone (a separate statement: data-modifying CTEs all see
// the same snapshot, so the foreign key would still find the messages). Rows still to be sent stay.
constexpr const char* outbox_sql = R"sql(
DELETE FROM outbox WHERE tenant_id = $1 AND consultation_id = ANY($2::uuid[])
   AND state IN ('sent', 'failed', 'cancelled')
)sql";

// The resident notes (申し送り) of residents this batch leaves with no unpurged consultation: a note is
// about the resident's consultations and goes with the last of them (a resident who writes again starts
// without one). After purge_sql in the same transaction, so the batch's own consultations count as purged.
constexpr const char* resident_notes_sql = R"sql(
DELETE FROM resident_note n
 WHERE n.tenant_id = $1
   AND n.resident_id IN (SELECT resident_id FROM consultation WHERE tenant_id = $1 AND consultation_id = ANY($2::uuid[]))
   AND NOT EXISTS (SELECT 1 FROM consultation c
                    WHERE c.tenant_id = $1 AND c.resident_id = n.resident_id AND c.purged_at IS NULL)
)sql";

// The consultations' keyed search grams (016): nothing of their text stays findable.
constexpr const char* search_grams_sql = R"sql(
DELETE FROM search_gram WHERE tenant_id = $1 AND consultation_id = ANY($2::uuid[])
)sql";

constexpr const char* audit_sql = R"sql(
INSERT INTO audit_event (tenant_id, actor_id, action, object_type, object_id, detail)
VALUES ($1, NULL, 'retention.purge', 'tenant', $1, $2::jsonb)
)sql";

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
  const std::string array = id_array_literal(ids);
  const pqxx::row counts = tx.exec_params1(purge_sql, tenant_id, array, epoch_of(now));
  const auto outbox = tx.exec_params(outbox_sql, tenant_id, array).affected_rows();
  const auto resident_notes = tx.exec_params(resident_notes_sql, tenant_id, array).affected_rows();
  tx.exec_params0(search_grams_sql, tenant_id, array);
  retention_counts batch;
  batch.messages = counts[0].as<std::size_t>();
  batch.notes = counts[1].as<std::size_t>() + resident_notes;  // consultation and resident notes
  batch.inbox_events = counts[2].as<std::size_t>();
  batch.consultations = counts[3].as<std::size_t>();
  batch.referrals = counts[4].as<std::size_t>();
  batch.referral_answers = counts[5].as<std::size_t>();
  batch.outbox_rows = outbox;
  const std::string detail = "{\"consultations\":" + std::to_string(batch.consultations) +
                             ",\"messages\":" + std::to_string(batch.messages) +
                             ",\"inbox_events\":" + std::to_string(batch.inbox_events) +
                             ",\"outbox_rows\":" + std::to_string(batch.outbox_rows) +
                             ",\"notes\":" + std::to_string(batch.notes) +
                             ",\"referrals\":" + std::to_string(batch.referrals) +
                             ",\"referral_answers\":" + std::to_string(batch.referral_answers) +
                             ",\"retention_days\":" + std::to_string(period.count() / 24) + "}";
  tx.exec_params0(audit_sql, tenant_id, detail);
  tx.commit();
  total.consultations += batch.consultations;
  total.messages += batch.messages;
  total.notes += batch.notes;
  total.inbox_events += batch.inbox_events;
  total.outbox_rows += batch.outbox_rows;
  total.referrals += batch.referrals;
  total.referral_answers += batch.referral_answers;
  return true;
}

// One batch of the tenant's leftovers older than the cutoff (applied non-message inbox events, idle
// residents without a consultation); false when there was nothing left. Audited like purge_batch.
bool purge_leftovers(pqxx::connection& conn, const std::string& tenant_id, std::chrono::hours period,
                     std::chrono::system_clock::time_point now, retention_counts& total) {
  pqxx::work tx(conn, "retention_leftovers");
  const long long cutoff = epoch_of(now - period);
  const auto events =
      static_cast<std::size_t>(tx.exec_params(inbox_sql, tenant_id, cutoff, batch_size).affected_rows());
  std::vector<std::string> ids;
  for (const pqxx::row& row : tx.exec_params(idle_residents_sql, tenant_id, cutoff, batch_size)) {
    ids.push_back(row[0].as<std::string>());
  }
  std::size_t outbox = 0;
  std::size_t residents = 0;
  if (!ids.empty()) {
    const std::string array = id_array_literal(ids);
    outbox = tx.exec_params(resident_outbox_sql, tenant_id, array).affected_rows();
    residents = tx.exec_params(residents_sql, tenant_id, array).affected_rows();
  }
  if (events == 0 && residents == 0) {
    return false;
  }
  const std::string detail = "{\"inbox_events\":" + std::to_string(events) +
                             ",\"residents\":" + std::to_string(residents) +
                             ",\"outbox_rows\":" + std::to_string(outbox) +
                             ",\"retention_days\":" + std::to_string(period.count() / 24) + "}";
  tx.exec_params0(audit_sql, tenant_id, detail);
  tx.commit();
  total.inbox_events += events;
  total.residents += residents;
  total.outbox_rows += outbox;
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
    while (purge_leftovers(conn, tenant_id, period, now, total)) {
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
        if (n.consultations > 0 || n.inbox_events > 0 || n.residents > 0) {
          spdlog::info(
              "storage: retention purged {} consultations ({} messages, {} notes, {} referrals "
              "redacted), {} inbox events, {} residents",
              n.consultations, n.messages, n.notes, n.referrals, n.inbox_events, n.residents);
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
