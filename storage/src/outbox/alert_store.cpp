#include "outbox/alert_store.hpp"

#include "outbox/outbox_store.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

// As the outbox's claim: due rows locked with SKIP LOCKED (concurrent senders split the work), the
// attempt counted and the row leased by moving next_attempt_at past the lease. The resident label is
// the console's (console_common.cpp): 'R-' and the first six characters of the resident id.
constexpr const char* claim_sql = R"sql(
WITH due AS (
  SELECT tenant_id, alert_id
    FROM alert
   WHERE state = 'pending' AND next_attempt_at <= now()
   ORDER BY next_attempt_at
   LIMIT $1
     FOR UPDATE SKIP LOCKED
)
UPDATE alert AS a
   SET attempts = a.attempts + 1,
       next_attempt_at = now() + $2::bigint * interval '1 second'
  FROM due
 WHERE a.tenant_id = due.tenant_id AND a.alert_id = due.alert_id
RETURNING a.tenant_id, a.alert_id::text, a.kind, a.consultation_id::text,
          'R-' || upper(left(a.resident_id::text, 6)),
          to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), a.attempts
)sql";

// A retry or a failure counts only for the attempt the row is at (a sender whose lease ran out reports
// late); a success counts whatever happened since — the receiver has it.
constexpr const char* complete_sql = R"sql(
UPDATE alert
   SET state = $3,
       sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END,
       last_status = NULLIF($4::integer, 0),
       last_error = NULLIF($5, ''),
       next_attempt_at = CASE WHEN $3 = 'pending' THEN to_timestamp($6::bigint / 1000000.0) ELSE next_attempt_at END
 WHERE tenant_id = $1 AND alert_id = $2::uuid
   AND ((state = 'pending' AND attempts = $7::integer) OR ($3 = 'sent' AND state IN ('pending', 'failed')))
)sql";

}  // namespace

void prepare_alert_statements(pqxx::connection& conn) {
  conn.prepare("alert_claim", claim_sql);
  conn.prepare("alert_complete", complete_sql);
}

std::vector<alert_item> claim_alerts(pqxx::connection& conn, std::size_t limit, std::chrono::seconds lease) {
  pqxx::work tx(conn, "alert_claim");
  const pqxx::result rows =
      tx.exec_prepared("alert_claim", static_cast<long long>(limit), static_cast<long long>(lease.count()));
  std::vector<alert_item> items;
  items.reserve(rows.size());
  for (const auto& r : rows) {
    alert_item item;
    item.tenant_id = r[0].as<std::string>();
    item.alert_id = r[1].as<std::string>();
    item.kind = r[2].as<std::string>();
    item.consultation_id = r[3].as<std::string>();
    item.resident_label = r[4].as<std::string>();
    item.occurred_at = r[5].as<std::string>();
    item.attempt = r[6].as<unsigned>();
    items.push_back(std::move(item));
  }
  tx.commit();
  return items;
}

bool complete_alert(pqxx::connection& conn, const alert_report& report) {
  const auto retry_us =
      std::chrono::duration_cast<std::chrono::microseconds>(report.retry_at.time_since_epoch()).count();
  pqxx::nontransaction tx(conn, "alert_complete");
  const pqxx::result r =
      tx.exec_prepared("alert_complete", report.tenant_id, report.alert_id,
                       std::string(state_of(report.outcome)), report.http_status, report.error,
                       static_cast<long long>(retry_us), static_cast<long long>(report.attempt));
  return r.affected_rows() > 0;
}

}  // namespace yorisoi::storage::detail
