// The resident across consultations: their history (dates and tallies of every consultation, never
// text) and the resident note (申し送り), append-only and sealed like consultation notes. Every read
// and write is audited in its own transaction; a resident of another tenant is not_found.
#include "console/console_common.hpp"
#include "console/console_consultations.hpp"
#include "console/password.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace yorisoi::storage::detail {
namespace {

constexpr const char* resident_exists_sql =
    "SELECT 1 FROM resident WHERE tenant_id = $1 AND resident_id = $2::uuid";

constexpr const char* history_sql_tail = R"sql(
 WHERE c.tenant_id = $1 AND c.resident_id = $2::uuid
 ORDER BY c.opened_at DESC, c.consultation_id DESC
 LIMIT $3
)sql";

constexpr const char* notes_sql = R"sql(
SELECT n.note_id::text, n.author_id::text, coalesce(a.display_name, ''), n.body, n.body_key_id,
       (extract(epoch FROM n.created_at) * 1000000)::bigint
  FROM resident_note n
  LEFT JOIN staff_user a ON a.tenant_id = n.tenant_id AND a.user_id = n.author_id
 WHERE n.tenant_id = $1 AND n.resident_id = $2::uuid
 ORDER BY n.created_at DESC, n.note_id DESC
 LIMIT $3
)sql";

constexpr const char* note_insert_sql = R"sql(
INSERT INTO resident_note (tenant_id, resident_id, author_id, body, body_key_id)
VALUES ($1, $2::uuid, $3::uuid, $4, $5)
RETURNING note_id::text, (extract(epoch FROM created_at) * 1000000)::bigint
)sql";

constexpr const char* author_sql = "SELECT display_name FROM staff_user WHERE tenant_id = $1 AND user_id = $2::uuid";


bool note_acceptable(const std::string& text) {
  const std::size_t n = utf8_chars(text);
  return n >= 1 && n <= resident_note_max_chars && std::any_of(text.begin(), text.end(), [](char c) {
           return std::isspace(static_cast<unsigned char>(c)) == 0;
         });
}

resident_note note_from(const keyring& keys, const pqxx::row& r, const std::string& tenant_id,
                        const std::string& resident_id) {
  resident_note n;
  n.note_id = r[0].as<std::string>();
  n.resident_id = resident_id;
  n.author_id = r[1].as<std::string>();
  n.author_name = r[2].as<std::string>();
  try {
    n.text = keys.open(sealed{r[4].as<std::uint32_t>(), pqxx::binarystring(r[3]).str()},
                       tenant_id + "/resident_note");
  } catch (const crypto_error&) {
    spdlog::error("storage: sealed text of {} cannot be opened", n.note_id);
  }
  n.created_at = from_micros(r[5].as<long long>());
  return n;
}

bool resident_visible(pqxx::transaction_base& tx, const actor& who, const std::string& resident_id) {
  return is_uuid(resident_id) && !tx.exec_prepared("console_resident_exists", who.tenant_id, resident_id).empty();
}

}  // namespace

// The newest referral's stage; the message tallies (kept by retention) rather than the rows.
const char* const history_item_columns = R"sql(
c.consultation_id::text, c.state, (extract(epoch FROM c.opened_at) * 1000000)::bigint,
       (extract(epoch FROM c.closed_at) * 1000000)::bigint,
       coalesce(c.assigned_to::text, ''), coalesce(u.display_name, ''),
       coalesce((SELECT string_agg(cc.category, E'\x1f' ORDER BY cc.category) FROM consultation_category cc
                  WHERE cc.tenant_id = c.tenant_id AND cc.consultation_id = c.consultation_id), ''),
       coalesce(c.age_band, ''), c.priority = 'urgent',
       coalesce((SELECT r.stage FROM referral r WHERE r.tenant_id = c.tenant_id
                    AND r.consultation_id = c.consultation_id ORDER BY r.created_at DESC LIMIT 1), ''),
       c.messages_in + c.messages_out, (extract(epoch FROM c.purged_at) * 1000000)::bigint
)sql";
const char* const history_item_joins = R"sql(
  FROM consultation c
  LEFT JOIN staff_user u ON u.tenant_id = c.tenant_id AND u.user_id = c.assigned_to
)sql";

history_item history_item_from(const pqxx::row& r) {
  history_item h;
  h.consultation_id = r[0].as<std::string>();
  h.state = r[1].as<std::string>();
  h.opened_at = from_micros(r[2].as<long long>());
  if (!r[3].is_null()) {
    h.closed_at = from_micros(r[3].as<long long>());
  }
  h.counsellor_id = r[4].as<std::string>();
  h.counsellor_name = r[5].as<std::string>();
  h.categories = split_categories(r[6].as<std::string>());
  h.age_band = r[7].as<std::string>();
  h.urgent = r[8].as<bool>();
  h.referral_stage = r[9].as<std::string>();
  h.message_count = r[10].as<std::int64_t>();
  if (!r[11].is_null()) {
    h.purged_at = from_micros(r[11].as<long long>());
  }
  return h;
}

void prepare_console_resident_statements(pqxx::connection& conn) {
  conn.prepare("console_resident_exists", resident_exists_sql);
  conn.prepare("console_resident_history",
               std::string("SELECT ") + history_item_columns + history_item_joins + history_sql_tail);
  conn.prepare("console_resident_notes", notes_sql);
  conn.prepare("console_resident_note_insert", note_insert_sql);
  conn.prepare("console_resident_note_author", author_sql);
}

op_result<std::vector<history_item>> read_resident_history(pqxx::connection& conn, const actor& who,
                                                           const std::string& resident_id) {
  pqxx::work tx(conn, "console_resident_history");
  if (!resident_visible(tx, who, resident_id)) {
    return refuse<std::vector<history_item>>(op_status::not_found);
  }
  std::vector<history_item> items;
  for (const auto& r : tx.exec_prepared("console_resident_history", who.tenant_id, resident_id,
                                        static_cast<long long>(history_max_items))) {
    history_item h = history_item_from(r);
    items.push_back(std::move(h));
  }
  audit(tx, who.tenant_id, is_uuid(who.user_id) ? who.user_id : std::string(), "resident.history", "resident",
        resident_id, json_object({{"consultations", std::to_string(items.size())}}));
  tx.commit();
  return ok(std::move(items));
}

op_result<std::vector<resident_note>> read_resident_notes(pqxx::connection& conn, const keyring& keys,
                                                          const actor& who, const std::string& resident_id) {
  pqxx::work tx(conn, "console_resident_notes");
  if (!resident_visible(tx, who, resident_id)) {
    return refuse<std::vector<resident_note>>(op_status::not_found);
  }
  std::vector<resident_note> notes;
  for (const auto& r : tx.exec_prepared("console_resident_notes", who.tenant_id, resident_id,
                                        static_cast<long long>(history_max_items))) {
    notes.push_back(note_from(keys, r, who.tenant_id, resident_id));
  }
  audit(tx, who.tenant_id, is_uuid(who.user_id) ? who.user_id : std::string(), "resident_note.read",
        "resident", resident_id);
  tx.commit();
  return ok(std::move(notes));
}

op_result<resident_note> add_resident_note(pqxx::connection& conn, const keyring& keys, const actor& who,
                                           const std::string& resident_id, const std::string& text) {
  if (!note_acceptable(text)) {
    return refuse<resident_note>(op_status::invalid, "text_length");
  }
  pqxx::work tx(conn, "console_resident_note");
  if (!resident_visible(tx, who, resident_id) || !is_uuid(who.user_id)) {
    return refuse<resident_note>(op_status::not_found);
  }
  const sealed body = keys.seal(text, who.tenant_id + "/resident_note");
  const pqxx::row r = tx.exec_prepared1("console_resident_note_insert", who.tenant_id, resident_id, who.user_id,
                                        pqxx::binarystring(body.blob), static_cast<std::int32_t>(body.key_id));
  resident_note n;
  n.note_id = r[0].as<std::string>();
  n.created_at = from_micros(r[1].as<long long>());
  n.resident_id = resident_id;
  n.author_id = who.user_id;
  n.author_name =
      tx.exec_prepared1("console_resident_note_author", who.tenant_id, who.user_id)[0].as<std::string>();
  n.text = text;
  audit(tx, who.tenant_id, who.user_id, "resident_note.write", "resident", resident_id,
        json_object({{"note_id", n.note_id}}));
  tx.commit();
  return ok(std::move(n));
}

std::optional<resident_note> current_resident_note(pqxx::transaction_base& tx, const keyring& keys,
                                                   const std::string& tenant_id, const std::string& resident_id) {
  const pqxx::result r = tx.exec_prepared("console_resident_notes", tenant_id, resident_id, 1LL);
  if (r.empty()) {
    return std::nullopt;
  }
  return note_from(keys, r[0], tenant_id, resident_id);
}

}  // namespace yorisoi::storage::detail
