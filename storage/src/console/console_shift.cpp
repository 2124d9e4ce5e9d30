// On shift: each counsellor's presence (available / away / off, since when), their load and capacity.
// Going off hands the held consultations back to the queue, each with the handover note; every change
// is audited and announced as a 'presence' event (ids only). Presence counts only while a session
// that began before it was chosen is alive, so logging out or a session ending reads as off.
#include "console/console_common.hpp"
#include "console/console_consultations.hpp"
#include "console/password.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cctype>

namespace yorisoi::storage::detail {
namespace {

// $1 tenant, $2 idle seconds, $3 one account ('' = every counsellor and supervisor).
constexpr const char* shift_sql = R"sql(
SELECT u.user_id::text, u.display_name, u.role,
       CASE WHEN p.status IS NOT NULL AND EXISTS (
              SELECT 1 FROM staff_session s
               WHERE s.tenant_id = u.tenant_id AND s.user_id = u.user_id AND s.created_at <= p.since
                 AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2))
            THEN p.status ELSE 'off' END AS status,
       (extract(epoch FROM p.since) * 1000000)::bigint,
       (SELECT count(*) FROM consultation c
         WHERE c.tenant_id = u.tenant_id AND c.assigned_to = u.user_id AND c.state = 'assigned')::bigint,
       u.capacity, coalesce(p.status, '')
  FROM staff_user u
  LEFT JOIN staff_presence p ON p.tenant_id = u.tenant_id AND p.user_id = u.user_id
 WHERE u.tenant_id = $1 AND NOT u.disabled AND u.role IN ('counsellor', 'supervisor')
   AND ($3 = '' OR u.user_id::text = $3)
 ORDER BY u.display_name, u.user_id
)sql";

constexpr const char* held_sql = R"sql(
SELECT consultation_id::text FROM consultation
 WHERE tenant_id = $1 AND assigned_to = $2::uuid AND state = 'assigned'
 ORDER BY consultation_id FOR UPDATE
)sql";
constexpr const char* hand_back_sql = R"sql(
UPDATE consultation SET state = 'waiting', assigned_to = NULL, assigned_at = NULL
 WHERE tenant_id = $1 AND consultation_id = $2::uuid
)sql";
constexpr const char* handover_note_sql = R"sql(
INSERT INTO consultation_note (tenant_id, consultation_id, author_id, body, body_key_id)
VALUES ($1, $2::uuid, $3::uuid, $4, $5)
RETURNING note_id::text
)sql";
constexpr const char* presence_set_sql = R"sql(
INSERT INTO staff_presence (tenant_id, user_id, status, since) VALUES ($1, $2::uuid, $3, clock_timestamp())
ON CONFLICT (tenant_id, user_id) DO UPDATE SET status = EXCLUDED.status, since = EXCLUDED.since
)sql";
constexpr const char* presence_off_sql = R"sql(
UPDATE staff_presence SET status = 'off', since = clock_timestamp()
 WHERE tenant_id = $1 AND user_id = $2::uuid AND status <> 'off'
)sql";
constexpr const char* presence_event_sql = R"sql(
WITH e AS (
  INSERT INTO console_event (tenant_id, kind, staff_user_id) VALUES ($1, 'presence', $2::uuid) RETURNING event_id
)
SELECT pg_notify('yorisoi_console', event_id::text) FROM e
)sql";
// The actor's own capacity and role, locked against a concurrent claim of the same person.
constexpr const char* own_capacity_sql = R"sql(
SELECT capacity, role FROM staff_user WHERE tenant_id = $1 AND user_id = $2::uuid FOR NO KEY UPDATE
)sql";
constexpr const char* held_count_sql = R"sql(
SELECT count(*)::bigint FROM consultation WHERE tenant_id = $1 AND assigned_to = $2::uuid AND state = 'assigned'
)sql";
constexpr const char* capacity_target_sql = R"sql(
SELECT role FROM staff_user WHERE tenant_id = $1 AND user_id = $2::uuid AND NOT disabled FOR NO KEY UPDATE
)sql";
// $3 = 0: no capacity of one's own (the tenant's default counts).
constexpr const char* capacity_set_sql =
    "UPDATE staff_user SET capacity = NULLIF($3::integer, 0) WHERE tenant_id = $1 AND user_id = $2::uuid";

presence_entry entry_from(const pqxx::row& r, std::optional<unsigned> default_capacity) {
  presence_entry e;
  e.user_id = r[0].as<std::string>();
  e.display_name = r[1].as<std::string>();
  e.role = routing::parse_role(r[2].as<std::string>()).value_or(routing::staff_role::counsellor);
  e.status = r[3].as<std::string>();
  // An off without a choice behind it (no live session since the choice) has no since.
  if (!r[4].is_null() && r[7].as<std::string>() == e.status) {
    e.since = from_micros(r[4].as<long long>());
  }
  e.load = r[5].as<std::int64_t>();
  if (!r[6].is_null()) {
    e.own_capacity = r[6].as<unsigned>();
  }
  e.capacity = routing::effective_capacity(e.own_capacity, default_capacity);
  return e;
}

std::vector<presence_entry> entries(pqxx::transaction_base& tx, const std::string& tenant_id,
                                    const std::string& user_id, std::chrono::seconds idle,
                                    std::optional<unsigned> default_capacity) {
  std::vector<presence_entry> out;
  for (const auto& r : tx.exec_prepared("console_shift", tenant_id, static_cast<long long>(idle.count()),
                                        user_id)) {
    out.push_back(entry_from(r, default_capacity));
  }
  return out;
}

bool has_text(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) == 0; });
}

void presence_event(pqxx::transaction_base& tx, const std::string& tenant_id, const std::string& user_id) {
  tx.exec_prepared("console_presence_event", tenant_id, user_id);
}

}  // namespace

void prepare_console_shift_statements(pqxx::connection& conn) {
  conn.prepare("console_shift", shift_sql);
  conn.prepare("console_held", held_sql);
  conn.prepare("console_hand_back", hand_back_sql);
  conn.prepare("console_handover_note", handover_note_sql);
  conn.prepare("console_presence_set", presence_set_sql);
  conn.prepare("console_presence_off", presence_off_sql);
  conn.prepare("console_presence_event", presence_event_sql);
  conn.prepare("console_own_capacity", own_capacity_sql);
  conn.prepare("console_held_count", held_count_sql);
  conn.prepare("console_capacity_target", capacity_target_sql);
  conn.prepare("console_capacity_set", capacity_set_sql);
}

op_result<presence_entry> read_presence(pqxx::connection& conn, const actor& who, std::chrono::seconds idle,
                                        std::optional<unsigned> default_capacity) {
  if (!is_uuid(who.user_id)) {
    return refuse<presence_entry>(op_status::not_found);
  }
  pqxx::read_transaction tx(conn, "presence_read");
  auto found = entries(tx, who.tenant_id, who.user_id, idle, default_capacity);
  if (found.empty()) {
    return refuse<presence_entry>(op_status::not_found);
  }
  return ok(std::move(found.front()));
}

op_result<presence_outcome> change_presence(pqxx::connection& conn, const keyring& keys, const actor& who,
                                            routing::presence to, const std::string& handover_note,
                                            std::chrono::seconds idle, std::optional<unsigned> default_capacity) {
  if (!is_uuid(who.user_id)) {
    return refuse<presence_outcome>(op_status::not_found);
  }
  if (utf8_chars(handover_note) > max_text_chars) {
    return refuse<presence_outcome>(op_status::invalid, "text_length");
  }
  pqxx::work tx(conn, "presence_set");
  std::vector<std::string> held;
  for (const auto& r : tx.exec_prepared("console_held", who.tenant_id, who.user_id)) {
    held.push_back(r[0].as<std::string>());
  }
  const routing::presence_step step = routing::presence_next(to, held.size(), has_text(handover_note));
  if (step.refusal != routing::presence_refusal::none) {
    return refuse<presence_outcome>(op_status::conflict, std::string(routing::to_string(step.refusal)));
  }
  presence_outcome out;
  if (step.return_held) {
    for (const std::string& id : held) {
      tx.exec_prepared0("console_hand_back", who.tenant_id, id);
      const sealed body = keys.seal(handover_note, who.tenant_id + "/note");
      const std::string note_id =
          tx.exec_prepared1("console_handover_note", who.tenant_id, id, who.user_id,
                            pqxx::binarystring(body.blob), static_cast<std::int32_t>(body.key_id))[0]
              .as<std::string>();
      audit(tx, who.tenant_id, who.user_id, "consultation.handover", "consultation", id,
            json_object({{"note_id", note_id}}));
    }
    out.returned = held;
  }
  tx.exec_prepared0("console_presence_set", who.tenant_id, who.user_id, std::string(routing::to_string(step.next)));
  audit(tx, who.tenant_id, who.user_id, "presence.set", "staff_user", who.user_id,
        json_object({{"status", std::string(routing::to_string(step.next))},
                     {"returned", std::to_string(out.returned.size())}}));
  presence_event(tx, who.tenant_id, who.user_id);
  auto found = entries(tx, who.tenant_id, who.user_id, idle, default_capacity);
  if (found.empty()) {
    return refuse<presence_outcome>(op_status::not_found);
  }
  out.entry = std::move(found.front());
  tx.commit();
  return ok(std::move(out));
}

op_result<std::vector<presence_entry>> read_shift(pqxx::connection& conn, const actor& who,
                                                  std::chrono::seconds idle, std::optional<unsigned> default_capacity) {
  pqxx::read_transaction tx(conn, "shift_read");
  return ok(entries(tx, who.tenant_id, "", idle, default_capacity));
}

op_result<presence_entry> change_capacity(pqxx::connection& conn, const actor& who, const std::string& user_id,
                                          std::optional<unsigned> capacity, std::chrono::seconds idle,
                                          std::optional<unsigned> default_capacity) {
  if (!is_uuid(user_id)) {
    return refuse<presence_entry>(op_status::not_found);
  }
  if (capacity && (*capacity < routing::capacity_min || *capacity > routing::capacity_max)) {
    return refuse<presence_entry>(op_status::invalid, "capacity_out_of_range");
  }
  pqxx::work tx(conn, "capacity_set");
  const pqxx::result target = tx.exec_prepared("console_capacity_target", who.tenant_id, user_id);
  if (target.empty()) {
    return refuse<presence_entry>(op_status::not_found);
  }
  const auto role = routing::parse_role(target[0][0].as<std::string>());
  if (!role || !routing::allows(*role, routing::permission::work_consultations)) {
    return refuse<presence_entry>(op_status::invalid, "not_a_counsellor_here");
  }
  tx.exec_prepared0("console_capacity_set", who.tenant_id, user_id, static_cast<int>(capacity.value_or(0)));
  audit(tx, who.tenant_id, is_uuid(who.user_id) ? who.user_id : std::string(), "staff.capacity", "staff_user",
        user_id, json_object({{"capacity", capacity ? std::to_string(*capacity) : std::string("default")}}));
  presence_event(tx, who.tenant_id, user_id);
  auto found = entries(tx, who.tenant_id, user_id, idle, default_capacity);
  if (found.empty()) {
    return refuse<presence_entry>(op_status::not_found);
  }
  tx.commit();
  return ok(std::move(found.front()));
}

std::string capacity_refusal_of(pqxx::transaction_base& tx, const actor& who, std::optional<unsigned> default_capacity) {
  const pqxx::result own = tx.exec_prepared("console_own_capacity", who.tenant_id, who.user_id);
  if (own.empty()) {
    return "";
  }
  const std::optional<unsigned> mine =
      own[0][0].is_null() ? std::nullopt : std::optional<unsigned>(own[0][0].as<unsigned>());
  const auto held = tx.exec_prepared1("console_held_count", who.tenant_id, who.user_id)[0].as<std::int64_t>();
  return std::string(routing::to_string(routing::may_take_another(
      who.role, static_cast<std::size_t>(held), routing::effective_capacity(mine, default_capacity))));
}

void presence_off(pqxx::transaction_base& tx, const std::string& tenant_id, const std::string& user_id) {
  if (!tx.exec_prepared("console_presence_off", tenant_id, user_id).affected_rows()) {
    return;
  }
  presence_event(tx, tenant_id, user_id);
}

}  // namespace yorisoi::storage::detail
