// Risk levels of a consultation (routing/risk.hpp): a counsellor sets one with a reason, the newest
// stays on the consultation (with whether it was a lowering) and every change is kept as a row of
// consultation_risk, its reason sealed like a note. Audited without the reason; announced as a 'queue'
// event so that every console re-reads the row (and the queue re-sorts it).
#include "console/console_common.hpp"
#include "console/console_consultations.hpp"
#include "console/password.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace yorisoi::storage::detail {
namespace {

constexpr const char* risk_lock_sql = R"sql(
SELECT state, priority = 'urgent' FROM consultation WHERE tenant_id = $1 AND consultation_id = $2::uuid FOR UPDATE
)sql";
constexpr const char* risk_insert_sql = R"sql(
INSERT INTO consultation_risk (tenant_id, consultation_id, level, lowered, reason, reason_key_id, author_id)
VALUES ($1, $2::uuid, $3, $4, $5, $6, $7::uuid)
RETURNING risk_id::text
)sql";
constexpr const char* risk_update_sql = R"sql(
UPDATE consultation SET risk_level = $3, risk_lowered = $4 WHERE tenant_id = $1 AND consultation_id = $2::uuid
)sql";
constexpr const char* risk_emit_sql = "SELECT console_event_emit($1, 'queue', $2::uuid, NULL)";
constexpr const char* risk_exists_sql =
    "SELECT 1 FROM consultation WHERE tenant_id = $1 AND consultation_id = $2::uuid";
constexpr const char* risk_history_sql = R"sql(
SELECT r.risk_id::text, r.level, r.lowered, r.reason, r.reason_key_id, r.author_id::text,
       coalesce(a.display_name, ''), (extract(epoch FROM r.set_at) * 1000000)::bigint
  FROM consultation_risk r
  LEFT JOIN staff_user a ON a.tenant_id = r.tenant_id AND a.user_id = r.author_id
 WHERE r.tenant_id = $1 AND r.consultation_id = $2::uuid
 ORDER BY r.set_at DESC, r.risk_id DESC
)sql";

bool reason_acceptable(const std::string& reason) {
  const std::size_t n = utf8_chars(reason);
  return n >= 1 && n <= routing::risk_reason_max_chars && std::any_of(reason.begin(), reason.end(), [](char c) {
           return std::isspace(static_cast<unsigned char>(c)) == 0;
         });
}

}  // namespace

void prepare_console_risk_statements(pqxx::connection& conn) {
  conn.prepare("console_risk_lock", risk_lock_sql);
  conn.prepare("console_risk_insert", risk_insert_sql);
  conn.prepare("console_risk_update", risk_update_sql);
  conn.prepare("console_risk_emit", risk_emit_sql);
  conn.prepare("console_risk_exists", risk_exists_sql);
  conn.prepare("console_risk_history", risk_history_sql);
}

op_result<queue_item> set_risk(pqxx::connection& conn, const keyring& keys, const actor& who, const std::string& id,
                               routing::risk_level level, const std::string& reason) {
  if (!is_uuid(id) || !is_uuid(who.user_id)) {
    return refuse<queue_item>(op_status::not_found);
  }
  if (!reason_acceptable(reason)) {
    return refuse<queue_item>(op_status::invalid, "reason_length");
  }
  pqxx::work tx(conn, "console_risk");
  const pqxx::result locked = tx.exec_prepared("console_risk_lock", who.tenant_id, id);
  if (locked.empty()) {
    return refuse<queue_item>(op_status::not_found);
  }
  if (locked[0][0].as<std::string>() == "closed") {
    return refuse<queue_item>(op_status::conflict, "consultation_closed");
  }
  const bool lowered = routing::is_lowering(level, locked[0][1].as<bool>());
  const std::string name(routing::to_string(level));
  const sealed body = keys.seal(reason, who.tenant_id + "/risk");
  const std::string risk_id =
      tx.exec_prepared1("console_risk_insert", who.tenant_id, id, name, lowered, pqxx::binarystring(body.blob),
                        static_cast<std::int32_t>(body.key_id), who.user_id)[0]
          .as<std::string>();
  tx.exec_prepared0("console_risk_update", who.tenant_id, id, name, lowered);
  tx.exec_prepared("console_risk_emit", who.tenant_id, id);
  audit(tx, who.tenant_id, who.user_id, "consultation.risk", "consultation", id,
        json_object({{"risk_id", risk_id}, {"level", name}, {"lowered", lowered ? "true" : "false"}}));
  queue_item item = queue_item_from(tx.exec_prepared1("console_item", who.tenant_id, id));
  tx.commit();
  return ok(std::move(item));
}

op_result<std::vector<risk_change>> read_risk_history(pqxx::connection& conn, const keyring& keys, const actor& who,
                                                      const std::string& id) {
  if (!is_uuid(id)) {
    return refuse<std::vector<risk_change>>(op_status::not_found);
  }
  pqxx::work tx(conn, "console_risk_history");
  if (tx.exec_prepared("console_risk_exists", who.tenant_id, id).empty()) {
    return refuse<std::vector<risk_change>>(op_status::not_found);
  }
  std::vector<risk_change> out;
  for (const auto& r : tx.exec_prepared("console_risk_history", who.tenant_id, id)) {
    risk_change c;
    c.risk_id = r[0].as<std::string>();
    c.level = r[1].as<std::string>();
    c.lowered = r[2].as<bool>();
    if (!r[3].is_null()) {
      try {
        c.reason = keys.open(sealed{r[4].as<std::uint32_t>(), pqxx::binarystring(r[3]).str()}, who.tenant_id + "/risk");
      } catch (const crypto_error&) {
        spdlog::error("storage: sealed risk reason of {} cannot be opened", c.risk_id);
      }
    }
    c.author_id = r[5].as<std::string>();
    c.author_name = r[6].as<std::string>();
    c.set_at = from_micros(r[7].as<long long>());
    out.push_back(std::move(c));
  }
  audit(tx, who.tenant_id, is_uuid(who.user_id) ? who.user_id : std::string(), "consultation.risk_read",
        "consultation", id, json_object({{"rows", std::to_string(out.size())}}));
  tx.commit();
  return ok(std::move(out));
}

}  // namespace yorisoi::storage::detail
