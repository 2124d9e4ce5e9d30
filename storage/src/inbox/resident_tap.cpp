#include "inbox/resident_tap.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

// A tap carries no LINE message id; its inbox event is its identity (an event is applied once).
constexpr const char* tap_insert_sql = R"sql(
INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, body, body_key_id, sent_at,
                     source_event_id)
VALUES ($1, $2::uuid, $3::uuid, 'in', 'postback', $4::bytea, $5::integer, $6::timestamptz, $7::uuid)
)sql";

constexpr const char* resident_band_sql = R"sql(
UPDATE resident SET age_band = $3 WHERE tenant_id = $1 AND resident_id = $2::uuid
)sql";

constexpr const char* open_consultation_sql = R"sql(
SELECT consultation_id::text FROM consultation
 WHERE tenant_id = $1 AND resident_id = $2::uuid AND state <> 'closed'
)sql";

// The resident's answer is always kept; the band follows it unless a counsellor set the band (the
// trigger of migration 007 marks the change as the resident's).
constexpr const char* consultation_band_sql = R"sql(
UPDATE consultation
   SET resident_age_band = $3,
       age_band = CASE WHEN age_band_set_by IS DISTINCT FROM 'counsellor' THEN $3 ELSE age_band END
 WHERE tenant_id = $1 AND consultation_id = $2::uuid
)sql";

}  // namespace

void prepare_resident_tap_statements(pqxx::connection& conn) {
  conn.prepare("tap_insert", tap_insert_sql);
  conn.prepare("resident_age_band", resident_band_sql);
  conn.prepare("tap_open_consultation", open_consultation_sql);
  conn.prepare("tap_consultation_band", consultation_band_sql);
}

std::string age_band_tap_label(std::string_view band) {
  return "年代: " + std::string(band);
}

std::string consent_tap_label(routing::consent_answer answer) {
  switch (answer) {
    case routing::consent_answer::grant:
      return "同意する";
    case routing::consent_answer::decline:
      return "同意しない";
    case routing::consent_answer::withdraw:
      return "同意を取り消す";
  }
  return "同意の回答";
}

void record_tap(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                const std::string& consultation_id, const std::string& resident_id,
                const std::string& label) {
  const sealed body = keys.seal(label, row.tenant_id + "/message");
  tx.exec_prepared0("tap_insert", row.tenant_id, consultation_id, resident_id, pqxx::binarystring(body.blob),
                    static_cast<std::int32_t>(body.key_id), row.occurred_at, row.event_id);
}

void apply_age_band_tap(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                        const std::string& resident_id, const std::string& band) {
  tx.exec_prepared0("resident_age_band", row.tenant_id, resident_id, band);
  const pqxx::result open = tx.exec_prepared("tap_open_consultation", row.tenant_id, resident_id);
  if (open.empty()) {
    return;  // no consultation to show it in; the resident's band is kept on the resident
  }
  const std::string consultation_id = open[0][0].as<std::string>();
  record_tap(tx, keys, row, consultation_id, resident_id, age_band_tap_label(band));
  tx.exec_prepared0("tap_consultation_band", row.tenant_id, consultation_id, band);
}

}  // namespace yorisoi::storage::detail
