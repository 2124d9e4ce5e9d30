// Reading one consultation (audited, and marked read for the reader) and the event feed. The queue
// is read in queue_page.cpp.
#include "console/console_common.hpp"
#include "console/console_consultations.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

namespace yorisoi::storage::detail {
namespace {

// The consultation's inbound counter at this read (migration 009).
constexpr const char* mark_read_sql = R"sql(
INSERT INTO consultation_read (tenant_id, consultation_id, user_id, seen_in)
SELECT tenant_id, consultation_id, $3::uuid, messages_in FROM consultation
 WHERE tenant_id = $1 AND consultation_id = $2::uuid
ON CONFLICT (tenant_id, consultation_id, user_id)
DO UPDATE SET seen_in = EXCLUDED.seen_in, read_at = now()
)sql";

constexpr const char* purged_sql = R"sql(
SELECT (extract(epoch FROM purged_at) * 1000000)::bigint FROM consultation
 WHERE tenant_id = $1 AND consultation_id = $2::uuid
)sql";

std::string item_sql() {
  return queue_item_select() + " WHERE c.tenant_id = $1 AND c.consultation_id = $2::uuid";
}

// Automatic answers are stored with their own kind (greeting, off_hours, …); rows written before that
// carry kind 'text' and the outbox row names what they answer.
constexpr const char* transcript_sql = R"sql(
SELECT m.message_id::text, m.direction,
       CASE WHEN m.direction = 'out' AND m.kind = 'text' AND o.kind IS NOT NULL THEN o.kind ELSE m.kind END,
       m.body, m.body_key_id, (extract(epoch FROM m.sent_at) * 1000000)::bigint, m.withdrawn_at IS NOT NULL,
       coalesce(o.origin, ''), coalesce(o.state, ''),
       CASE WHEN o.state = 'failed' THEN coalesce(o.last_error, '') ELSE '' END,
       coalesce(a.display_name, '')
  FROM message m
  LEFT JOIN outbox o ON o.tenant_id = m.tenant_id AND o.outbox_id = m.outbox_id
  LEFT JOIN staff_user a ON a.tenant_id = m.tenant_id AND a.user_id = m.author_id
 WHERE m.tenant_id = $1 AND m.consultation_id = $2::uuid
 ORDER BY m.sent_at, m.direction, m.message_id
)sql";

constexpr const char* notes_sql = R"sql(
SELECT n.note_id::text, n.author_id::text, coalesce(a.display_name, ''), n.body, n.body_key_id,
       (extract(epoch FROM n.created_at) * 1000000)::bigint, coalesce(n.whisper_to::text, '')
  FROM consultation_note n
  LEFT JOIN staff_user a ON a.tenant_id = n.tenant_id AND a.user_id = n.author_id
 WHERE n.tenant_id = $1 AND n.consultation_id = $2::uuid
   -- A whisper shows to its addressee, its author and supervisors ($4) only.
   AND (n.whisper_to IS NULL OR $4 OR n.whisper_to = NULLIF($3, '')::uuid OR n.author_id = NULLIF($3, '')::uuid)
 ORDER BY n.created_at, n.note_id
)sql";

std::string events_sql() {
  return std::string("SELECT ") + console_event_columns +
         " FROM console_event WHERE tenant_id = $1 AND event_id > $2"
         "   AND CASE WHEN kind = 'staff' THEN $6"
         "            WHEN kind = 'referral' AND coalesce(unit, '') <> '' THEN unit = $5 ELSE $4 END"
         " ORDER BY event_id LIMIT $3";
}

// A sealed column, opened; nullopt when absent or unopenable (logged by ids only).
std::optional<std::string> open_text(const keyring& keys, const pqxx::field& body, const pqxx::field& key_id,
                                     const std::string& context, const std::string& id) {
  if (body.is_null()) {
    return std::nullopt;
  }
  try {
    return keys.open(sealed{key_id.as<std::uint32_t>(), pqxx::binarystring(body).str()}, context);
  } catch (const crypto_error&) {
    spdlog::error("storage: sealed text of {} cannot be opened", id);
    return std::nullopt;
  }
}

}  // namespace

void prepare_console_read_statements(pqxx::connection& conn) {
  conn.prepare("console_item", item_sql());
  conn.prepare("console_mark_read", mark_read_sql);
  conn.prepare("console_transcript", transcript_sql);
  conn.prepare("console_notes", notes_sql);
  conn.prepare("console_purged_at", purged_sql);
  conn.prepare("console_events_since", events_sql());
}

namespace {

// One snapshot for the whole answer (REPEATABLE READ): the consultation's fields, the read mark, the
// transcript and the notes agree — a resident's tap never shows in the transcript while the band it set
// is still missing from the consultation.
using snapshot_read = pqxx::transaction<pqxx::isolation_level::repeatable_read>;

op_result<consultation_detail> read_consultation_once(pqxx::connection& conn, const keyring& keys,
                                                      const actor& who, const std::string& id) {
  snapshot_read tx(conn, "console_read");
  // The reader has now seen the resident's messages of this snapshot (the row's unread count starts
  // again); a message arriving later is not shown yet and stays unread, never lost. A non-reader (no
  // user id) marks nothing.
  if (is_uuid(who.user_id)) {
    tx.exec_prepared0("console_mark_read", who.tenant_id, id, who.user_id);
  }
  const pqxx::result item = tx.exec_prepared("console_item", who.tenant_id, id);
  if (item.empty()) {
    return refuse<consultation_detail>(op_status::not_found);
  }
  consultation_detail d;
  d.summary = queue_item_from(item[0]);
  const std::string message_context = who.tenant_id + "/message";
  for (const auto& r : tx.exec_prepared("console_transcript", who.tenant_id, id)) {
    transcript_message m;
    m.message_id = r[0].as<std::string>();
    m.direction = r[1].as<std::string>();
    m.kind = r[2].as<std::string>();
    m.sent_at = from_micros(r[5].as<long long>());
    m.withdrawn = r[6].as<bool>();
    if (!m.withdrawn) {
      m.text = open_text(keys, r[3], r[4], message_context, m.message_id);
    }
    m.origin = r[7].as<std::string>();
    m.delivery = r[8].as<std::string>();
    m.delivery_error = r[9].as<std::string>();
    m.author_name = r[10].as<std::string>();
    d.messages.push_back(std::move(m));
  }
  const std::string note_context = who.tenant_id + "/note";
  const bool sees_whispers = routing::allows(who.role, routing::permission::supervise_shift);
  for (const auto& r : tx.exec_prepared("console_notes", who.tenant_id, id, is_uuid(who.user_id) ? who.user_id : std::string(), sees_whispers)) {
    note n;
    n.note_id = r[0].as<std::string>();
    n.author_id = r[1].as<std::string>();
    n.author_name = r[2].as<std::string>();
    n.text = open_text(keys, r[3], r[4], note_context, n.note_id).value_or(std::string());
    n.created_at = from_micros(r[5].as<long long>());
    n.whisper_to = r[6].as<std::string>();
    d.notes.push_back(std::move(n));
  }
  const pqxx::field purged = tx.exec_prepared1("console_purged_at", who.tenant_id, id)[0];
  if (!purged.is_null()) {
    d.purged_at = from_micros(purged.as<long long>());
  }
  // The resident note is part of what a consultation shows (and of this audited read).
  d.about_resident = current_resident_note(tx, keys, who.tenant_id, d.summary.resident_id);
  // Every transcript read is audited, and only a read that happened is: same transaction.
  audit(tx, who.tenant_id, is_uuid(who.user_id) ? who.user_id : std::string(), "consultation.read",
        "consultation", id);
  tx.commit();
  return ok(std::move(d));
}

}  // namespace

op_result<consultation_detail> read_consultation(pqxx::connection& conn, const keyring& keys,
                                                 const actor& who, const std::string& id) {
  if (!is_uuid(id)) {
    return refuse<consultation_detail>(op_status::not_found);
  }
  try {
    return read_consultation_once(conn, keys, who, id);
  } catch (const pqxx::serialization_failure&) {
    // The same reader's mark, written by a concurrent read of this consultation (two tabs): read again.
    return read_consultation_once(conn, keys, who, id);
  }
}

op_result<std::vector<console_event>> events_since(pqxx::connection& conn, const std::string& tenant_id,
                                                   std::int64_t after_id, std::size_t limit,
                                                   const console_event_filter& filter) {
  pqxx::read_transaction tx(conn, "console_events");
  std::vector<console_event> events;
  for (const auto& r : tx.exec_prepared("console_events_since", tenant_id, static_cast<long long>(after_id),
                                        static_cast<long long>(limit), filter.consultation_events,
                                        filter.unit, filter.staff_events)) {
    events.push_back(console_event_from(r));
  }
  return ok(std::move(events));
}

}  // namespace yorisoi::storage::detail
