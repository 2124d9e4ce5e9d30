#include "console/queue_store.hpp"

#include "db/pg_array.hpp"
#include "console/queue_order.hpp"
#include "yorisoi/routing/consultation_access.hpp"

#include <pqxx/pqxx>

#include <vector>

namespace yorisoi::storage::detail {
namespace {

std::string queue_sql() {
  return std::string(R"sql(
SELECT c.consultation_id::text, c.priority = 'urgent', c.state,
       (extract(epoch FROM coalesce(c.due_at, c.opened_at)) * 1000000)::bigint,
       (extract(epoch FROM coalesce(c.waiting_since, c.opened_at)) * 1000000)::bigint,
       coalesce(c.arrival, '')
  FROM consultation c
 WHERE c.tenant_id = $1 AND c.state <> 'closed'
 ORDER BY )sql") +
         queue_order_key;
}

constexpr const char* idle_lock_sql = "SELECT pg_try_advisory_xact_lock(7212461003)";

// The open consultations with what routing::closes_when_idle needs; rows another transaction holds (a
// message being applied) are skipped: they are not idle.
constexpr const char* idle_candidates_sql = R"sql(
SELECT consultation_id::text, state, waiting_since IS NOT NULL, extract(epoch FROM last_message_at)::bigint
  FROM consultation
 WHERE tenant_id = $1 AND state <> 'closed'
   FOR UPDATE SKIP LOCKED
)sql";

constexpr const char* close_idle_sql = R"sql(
UPDATE consultation SET state = 'closed', closed_at = now()
 WHERE tenant_id = $1 AND consultation_id = ANY($2::uuid[])
)sql";

constexpr const char* database_now_sql = "SELECT extract(epoch FROM now())::bigint";

std::chrono::system_clock::time_point from_micros(long long us) {
  return std::chrono::system_clock::time_point{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds{us})};
}

}  // namespace

void prepare_queue_statements(pqxx::connection& conn) {
  conn.prepare("queue_list", queue_sql());
  conn.prepare("idle_lock", idle_lock_sql);
  conn.prepare("idle_candidates", idle_candidates_sql);
  conn.prepare("idle_close", close_idle_sql);
  conn.prepare("idle_now", database_now_sql);
}

std::vector<queue_row> list_queue(pqxx::connection& conn, const std::string& tenant_id) {
  pqxx::read_transaction tx(conn, "queue");
  const pqxx::result rows = tx.exec_prepared("queue_list", tenant_id);
  std::vector<queue_row> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    queue_row q;
    q.tenant_id = tenant_id;
    q.consultation_id = r[0].as<std::string>();
    q.urgent = r[1].as<bool>();
    q.state = r[2].as<std::string>();
    q.due_at = from_micros(r[3].as<long long>());
    q.waiting_since = from_micros(r[4].as<long long>());
    q.arrival = r[5].as<std::string>();
    out.push_back(std::move(q));
  }
  return out;
}

std::size_t close_idle(pqxx::connection& conn,
                       const std::map<std::string, std::chrono::minutes>& idle_after) {
  pqxx::work tx(conn, "idle_close");
  if (!tx.exec_prepared1("idle_lock")[0].as<bool>()) {
    return 0;
  }
  std::size_t closed = 0;
  const routing::instant now{std::chrono::seconds{tx.exec_prepared1("idle_now")[0].as<long long>()}};
  for (const auto& [tenant_id, minutes] : idle_after) {
    if (minutes.count() <= 0) {
      continue;
    }
    std::vector<std::string> ids;
    for (const auto& r : tx.exec_prepared("idle_candidates", tenant_id)) {
      routing::idle_facts facts;
      if (!routing::parse_state(r[1].as<std::string>(), facts.state)) {
        continue;
      }
      facts.resident_waiting = r[2].as<bool>();
      facts.last_activity = routing::instant{std::chrono::seconds{r[3].as<long long>()}};
      if (routing::closes_when_idle(facts, now, minutes)) {
        ids.push_back(r[0].as<std::string>());
      }
    }
    if (!ids.empty()) {
      closed += static_cast<std::size_t>(
          tx.exec_prepared("idle_close", tenant_id, id_array_literal(ids)).affected_rows());
    }
  }
  tx.commit();
  return closed;
}

}  // namespace yorisoi::storage::detail
