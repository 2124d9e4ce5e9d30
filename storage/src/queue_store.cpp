#include "queue_store.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

// Consultations written before migration 002 have no due_at / waiting_since: they count from opening.
constexpr const char* queue_sql = R"sql(
SELECT consultation_id::text, priority = 'urgent', state,
       (extract(epoch FROM coalesce(due_at, opened_at)) * 1000000)::bigint,
       (extract(epoch FROM coalesce(waiting_since, opened_at)) * 1000000)::bigint,
       coalesce(arrival, '')
  FROM consultation
 WHERE tenant_id = $1 AND state <> 'closed'
 ORDER BY priority = 'urgent' DESC, coalesce(due_at, opened_at), coalesce(waiting_since, opened_at),
          consultation_id
)sql";

constexpr const char* idle_lock_sql = "SELECT pg_try_advisory_xact_lock(7212461003)";

// Same rule as routing::idle_expired: idle for at least the limit. A consultation with an unanswered
// message (waiting_since set) is never idle: it waits for us, through a long holiday if need be.
constexpr const char* close_idle_sql = R"sql(
UPDATE consultation SET state = 'closed', closed_at = now()
 WHERE tenant_id = $1 AND state <> 'closed' AND waiting_since IS NULL
   AND last_message_at <= now() - $2::bigint * interval '1 minute'
)sql";

std::chrono::system_clock::time_point from_micros(long long us) {
  return std::chrono::system_clock::time_point{
      std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::microseconds{us})};
}

}  // namespace

void prepare_queue_statements(pqxx::connection& conn) {
  conn.prepare("queue_list", queue_sql);
  conn.prepare("idle_lock", idle_lock_sql);
  conn.prepare("idle_close", close_idle_sql);
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
  for (const auto& [tenant_id, minutes] : idle_after) {
    if (minutes.count() > 0) {
      closed += static_cast<std::size_t>(
          tx.exec_prepared("idle_close", tenant_id, static_cast<long long>(minutes.count())).affected_rows());
    }
  }
  tx.commit();
  return closed;
}

}  // namespace yorisoi::storage::detail
