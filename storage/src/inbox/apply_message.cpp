#include "inbox/apply_message.hpp"

#include "inbox/alert_write.hpp"
#include "inbox/outbox_write.hpp"

#include <pqxx/pqxx>

#include <optional>

namespace yorisoi::storage::detail {
namespace {

// What the rules need to know about the resident and their open consultation, if any, and the
// database's clock: now, and how long the event has waited since it reached us ($3, received_at).
constexpr const char* facts_sql = R"sql(
SELECT r.age_band IS NOT NULL,
       extract(epoch FROM r.off_hours_answered_for)::bigint,
       EXISTS (SELECT 1 FROM consultation h WHERE h.tenant_id = r.tenant_id AND h.resident_id = r.resident_id),
       c.consultation_id::text,
       coalesce(c.priority = 'urgent', false),
       floor(extract(epoch FROM statement_timestamp()))::bigint,
       greatest(floor(extract(epoch FROM statement_timestamp() - $3::timestamptz)), 0)::bigint
  FROM resident r
  LEFT JOIN consultation c ON c.tenant_id = r.tenant_id AND c.resident_id = r.resident_id AND c.state <> 'closed'
 WHERE r.tenant_id = $1 AND r.resident_id = $2::uuid
)sql";

// The resident writes again: an assigned consultation goes back to the queue as waiting; urgency is
// never downgraded; a consultation that was not waiting for an answer starts waiting (and is due) now.
constexpr const char* continue_sql = R"sql(
UPDATE consultation
   SET state = CASE WHEN state = 'assigned' THEN 'waiting' ELSE state END,
       last_message_at = greatest(last_message_at, $3::timestamptz),
       priority = CASE WHEN $4::boolean THEN 'urgent' ELSE priority END,
       due_at = CASE WHEN waiting_since IS NULL OR due_at IS NULL THEN to_timestamp($5::float8) ELSE due_at END,
       waiting_since = coalesce(waiting_since, $3::timestamptz)
 WHERE tenant_id = $1 AND consultation_id = $2::uuid
)sql";

constexpr const char* open_sql = R"sql(
INSERT INTO consultation (tenant_id, resident_id, state, priority, arrival, opened_at, last_message_at, due_at,
                          waiting_since)
VALUES ($1, $2::uuid, 'waiting', CASE WHEN $4::boolean THEN 'urgent' ELSE 'normal' END, NULLIF($5, ''),
        $3::timestamptz, $3::timestamptz, to_timestamp($6::float8), $3::timestamptz)
RETURNING consultation_id::text
)sql";

constexpr const char* message_insert_sql = R"sql(
INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, line_message_id, body,
                     body_key_id, sent_at, source_event_id)
VALUES ($1, $2::uuid, $3::uuid, 'in', $4, NULLIF($5, ''), $6::bytea, $7::integer, $8::timestamptz, $9::uuid)
ON CONFLICT (tenant_id, line_message_id) WHERE line_message_id IS NOT NULL DO NOTHING
)sql";

constexpr const char* off_hours_answered_sql = R"sql(
UPDATE resident SET off_hours_answered_for = to_timestamp($3::float8)
 WHERE tenant_id = $1 AND resident_id = $2::uuid
)sql";

struct facts {
  routing::resident_facts resident;
  routing::consultation_facts consultation;
  std::string open_consultation_id;
  routing::instant clock{};        // the database's now
  std::chrono::seconds waited{0};  // since the event reached us
};

facts read_facts(pqxx::transaction_base& tx, const inbox_row& row, const std::string& resident_id) {
  const pqxx::row r = tx.exec_prepared1("message_facts", row.tenant_id, resident_id, row.received_at);
  facts f;
  f.resident.age_band_known = r[0].as<bool>();
  if (!r[1].is_null()) {
    f.resident.off_hours_answered_for = routing::instant{std::chrono::seconds{r[1].as<long long>()}};
  }
  f.resident.has_consulted_before = r[2].as<bool>();
  if (!r[3].is_null()) {
    f.open_consultation_id = r[3].as<std::string>();
    f.consultation.open = true;
    f.consultation.urgent = r[4].as<bool>();
  }
  f.clock = routing::instant{std::chrono::seconds{r[5].as<long long>()}};
  f.waited = std::chrono::seconds{r[6].as<long long>()};
  return f;
}

// When the rules' answer is decided, as far as the resident is concerned. LINE delivers an event at
// once, so for a first delivery it is the event's time plus how long the event waited with us (the
// spool held it through an outage, the inbox was behind); a redelivery was held by LINE for an unknown
// while, so it is the clock. (Replays of old dates in tests are first deliveries: they stay at their
// own time.)
routing::instant processing_time(const routing::line_event& ev, routing::instant at, const facts& f) {
  return ev.redelivery ? f.clock : at + f.waited;
}

// Without rules (a tenant not configured for routing): every message is accepted, nothing is answered.
routing::message_decision accept_all(routing::instant at, const routing::consultation_facts& consultation) {
  routing::message_decision d;
  d.open_consultation = !consultation.open;
  d.attach_to_open = consultation.open;
  d.due_at = at;
  return d;
}

std::string_view arrival_name(const apply_context& ctx, routing::arrival arrived) {
  if (ctx.rules == nullptr) {
    return "";  // unknown: no schedule to judge by
  }
  switch (arrived) {
    case routing::arrival::staffed:
      return "staffed";
    case routing::arrival::off_hours:
      return "off_hours";
  }
  return "";
}

long long epoch_seconds(routing::instant t) {
  return static_cast<long long>(t.time_since_epoch().count());
}

}  // namespace

void prepare_message_statements(pqxx::connection& conn) {
  conn.prepare("message_facts", facts_sql);
  conn.prepare("consultation_continue", continue_sql);
  conn.prepare("consultation_open", open_sql);
  conn.prepare("message_insert", message_insert_sql);
  conn.prepare("resident_off_hours_answered", off_hours_answered_sql);
}

bool apply_message(pqxx::transaction_base& tx, const apply_context& ctx, const inbox_row& row,
                   const routing::line_event& ev) {
  // Consultations are one-to-one; messages in groups and rooms are not consultations.
  if (ev.source_type != "user" || ev.source_user_id.empty()) {
    return false;
  }
  const std::string resident_id = upsert_resident(tx, ctx.keys, row, ev, "seen");
  const facts f = read_facts(tx, row, resident_id);
  // The rules judge the moment the resident wrote (LINE's timestamp), not when we got round to it.
  const routing::instant at{
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds{ev.timestamp_ms})};
  const std::string_view text = ev.message_type == "text" ? std::string_view(ev.text) : std::string_view();
  const bool standby = ev.mode == routing::line_event_mode::standby;
  const routing::message_decision d =
      ctx.rules != nullptr ? routing::decide_message(*ctx.rules, at, processing_time(ev, at, f), text,
                                                     standby, f.resident, f.consultation)
                           : accept_all(at, f.consultation);

  std::string consultation_id;
  if (d.attach_to_open && f.consultation.open) {
    consultation_id = f.open_consultation_id;
    tx.exec_prepared0("consultation_continue", row.tenant_id, consultation_id, row.occurred_at, d.mark_urgent,
                      epoch_seconds(d.due_at));
  } else if (d.open_consultation) {
    consultation_id =
        tx.exec_prepared1("consultation_open", row.tenant_id, resident_id, row.occurred_at, d.mark_urgent,
                          std::string(arrival_name(ctx, d.arrived)), epoch_seconds(d.due_at))[0]
            .as<std::string>();
  }
  // Outside the service period with nothing open, no consultation exists to hold the message; the
  // event itself stays in the inbox.
  if (!consultation_id.empty()) {
    const std::string kind = ev.message_type.empty() ? "unknown" : ev.message_type;
    if (kind == "text") {
      const sealed body = ctx.keys.seal(ev.text, row.tenant_id + "/message");
      tx.exec_prepared0("message_insert", row.tenant_id, consultation_id, resident_id, kind, ev.message_id,
                        pqxx::binarystring(body.blob), static_cast<std::int32_t>(body.key_id),
                        row.occurred_at, row.event_id);
    } else {
      tx.exec_prepared0("message_insert", row.tenant_id, consultation_id, resident_id, kind, ev.message_id,
                        nullptr, nullptr, row.occurred_at, row.event_id);
    }
  }
  if (d.off_hours_answered_for) {
    tx.exec_prepared0("resident_off_hours_answered", row.tenant_id, resident_id,
                      epoch_seconds(*d.off_hours_answered_for));
  }
  (void)write_alert_if_due(tx, ctx, {row, consultation_id, resident_id}, at, standby, d);
  const answer_target target{row.tenant_id, row.channel_key, resident_id,     consultation_id,
                             row.event_id,  ev.reply_token,  row.received_at, row.occurred_at};
  return write_answers(tx, ctx.keys, target, d.answers, ctx.reply_token_usable);
}

}  // namespace yorisoi::storage::detail
