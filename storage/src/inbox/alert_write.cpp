#include "inbox/alert_write.hpp"

#include "yorisoi/routing/alert.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

// The stretch of the consultation's latest alert of each kind, as unix seconds; -1 for 'infinity'
// (no staffed window was ahead).
constexpr const char* history_sql = R"sql(
SELECT CASE WHEN u = 'infinity' THEN -1 ELSE extract(epoch FROM u)::bigint END,
       CASE WHEN o = 'infinity' THEN -1 ELSE extract(epoch FROM o)::bigint END
  FROM (SELECT max(stretch_until) FILTER (WHERE kind = 'urgent') AS u,
               max(stretch_until) FILTER (WHERE kind = 'off_hours') AS o
          FROM alert WHERE tenant_id = $1 AND consultation_id = $2::uuid) AS latest
)sql";

// The unique key makes a second write of the same alert a no-op whatever the caller did.
constexpr const char* insert_sql = R"sql(
INSERT INTO alert (tenant_id, consultation_id, resident_id, kind, stretch_until, occurred_at, source_event_id)
VALUES ($1, $2::uuid, $3::uuid, $4, to_timestamp($5::float8), $6::timestamptz, $7::uuid)
ON CONFLICT (tenant_id, consultation_id, kind, stretch_until) DO NOTHING
)sql";

std::optional<routing::instant> stretch_of(const pqxx::field& f) {
  if (f.is_null()) {
    return std::nullopt;
  }
  const auto seconds = f.as<long long>();
  if (seconds == -1) {
    return routing::no_window_ahead;
  }
  return routing::instant{std::chrono::seconds{seconds}};
}

std::string stretch_text(routing::instant stretch) {
  if (stretch == routing::no_window_ahead) {
    return "Infinity";
  }
  return std::to_string(stretch.time_since_epoch().count());
}

const char* kind_name(routing::alert_kind kind) {
  switch (kind) {
    case routing::alert_kind::urgent:
      return "urgent";
    case routing::alert_kind::off_hours:
      return "off_hours";
  }
  return "urgent";
}

}  // namespace

void prepare_alert_write_statements(pqxx::connection& conn) {
  conn.prepare("alert_history", history_sql);
  conn.prepare("alert_insert", insert_sql);
}

bool write_alert_if_due(pqxx::transaction_base& tx, const apply_context& ctx, const alert_subject& subject,
                        routing::instant at, bool standby, const routing::message_decision& decision) {
  if (ctx.alert == nullptr || ctx.rules == nullptr || subject.consultation_id.empty()) {
    return false;
  }
  const pqxx::row r = tx.exec_prepared1("alert_history", subject.row.tenant_id, subject.consultation_id);
  const routing::alert_history history{stretch_of(r[0]), stretch_of(r[1])};
  const auto alert = routing::decide_alert(*ctx.alert, ctx.rules->schedule, at, standby, decision, history);
  if (!alert) {
    return false;
  }
  const pqxx::result written =
      tx.exec_prepared("alert_insert", subject.row.tenant_id, subject.consultation_id, subject.resident_id,
                       std::string(kind_name(alert->kind)), stretch_text(alert->stretch),
                       subject.row.occurred_at, subject.row.event_id);
  return written.affected_rows() > 0;
}

}  // namespace yorisoi::storage::detail
