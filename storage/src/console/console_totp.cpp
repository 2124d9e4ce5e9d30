// The TOTP second factor: enrolment, confirmation with recovery codes, disabling, an admin's reset,
// and the check at login (no step accepted twice: the row is locked while a code is checked).
#include "console/console_totp.hpp"

#include "console/console_common.hpp"
#include "console/password.hpp"
#include "console/totp.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

constexpr const char* context_suffix = "/totp";

constexpr const char* lock_sql = R"sql(
SELECT secret, secret_key_id, confirmed_at IS NOT NULL, last_step
  FROM staff_totp WHERE tenant_id = $1 AND user_id = $2::uuid FOR UPDATE
)sql";
constexpr const char* upsert_sql = R"sql(
INSERT INTO staff_totp (tenant_id, user_id, secret, secret_key_id) VALUES ($1, $2::uuid, $3, $4)
ON CONFLICT (tenant_id, user_id) DO UPDATE
   SET secret = EXCLUDED.secret, secret_key_id = EXCLUDED.secret_key_id, created_at = now(),
       confirmed_at = NULL, last_step = NULL
)sql";
constexpr const char* confirm_sql = R"sql(
UPDATE staff_totp SET confirmed_at = now(), last_step = $3 WHERE tenant_id = $1 AND user_id = $2::uuid
)sql";
constexpr const char* step_sql =
    "UPDATE staff_totp SET last_step = $3 WHERE tenant_id = $1 AND user_id = $2::uuid";
constexpr const char* delete_sql = "DELETE FROM staff_totp WHERE tenant_id = $1 AND user_id = $2::uuid";
constexpr const char* codes_delete_sql =
    "DELETE FROM staff_recovery_code WHERE tenant_id = $1 AND user_id = $2::uuid";
constexpr const char* code_insert_sql =
    "INSERT INTO staff_recovery_code (tenant_id, user_id, code_hash) VALUES ($1, $2::uuid, $3)";
constexpr const char* code_use_sql = R"sql(
UPDATE staff_recovery_code SET used_at = now()
 WHERE tenant_id = $1 AND user_id = $2::uuid AND code_hash = $3 AND used_at IS NULL
RETURNING (SELECT count(*) FROM staff_recovery_code
            WHERE tenant_id = $1 AND user_id = $2::uuid AND used_at IS NULL) - 1
)sql";
constexpr const char* user_sql = R"sql(
SELECT login, password_hash, disabled FROM staff_user WHERE tenant_id = $1 AND user_id = $2::uuid
)sql";
constexpr const char* end_sessions_sql =
    "DELETE FROM staff_session WHERE tenant_id = $1 AND user_id = $2::uuid";

struct factor_row {
  std::string secret;  // opened
  bool confirmed = false;
  std::optional<std::int64_t> last_step;
};

std::optional<factor_row> lock_factor(pqxx::transaction_base& tx, const keyring& keys,
                                      const std::string& tenant_id, const std::string& user_id) {
  const pqxx::result rows = tx.exec_prepared("console_totp_lock", tenant_id, user_id);
  if (rows.empty()) {
    return std::nullopt;
  }
  const pqxx::binarystring blob(rows[0][0]);
  factor_row out;
  out.secret = keys.open(sealed{rows[0][1].as<std::uint32_t>(), blob.str()}, tenant_id + context_suffix);
  out.confirmed = rows[0][2].as<bool>();
  if (!rows[0][3].is_null()) {
    out.last_step = rows[0][3].as<std::int64_t>();
  }
  return out;
}

// A recovery code of the user, marked used when it was unused. Answers whether it was.
bool use_recovery_code(pqxx::transaction_base& tx, const std::string& tenant_id, const std::string& user_id,
                       const std::string& code) {
  const std::string normal = normalise_recovery_code(code);
  if (normal.empty() || normal.size() > 64) {
    return false;
  }
  const pqxx::result rows =
      tx.exec_prepared("console_recovery_use", tenant_id, user_id, pqxx::binarystring(token_hash(normal)));
  if (rows.empty()) {
    return false;
  }
  audit(tx, tenant_id, user_id, "account.recovery_code_used", "staff_user", user_id,
        json_object({{"remaining", std::to_string(rows[0][0].as<long long>())}}));
  return true;
}

// TOTP (recording its step) or a recovery code, against a confirmed factor locked in `tx`.
bool code_satisfies(pqxx::transaction_base& tx, const factor_row& factor, const std::string& tenant_id,
                    const std::string& user_id, const std::string& code, std::int64_t unix_seconds) {
  if (looks_like_totp(code)) {
    const auto step = totp_verify(factor.secret, code, unix_seconds, factor.last_step);
    if (!step) {
      return false;
    }
    tx.exec_prepared0("console_totp_step", tenant_id, user_id, *step);
    return true;
  }
  return use_recovery_code(tx, tenant_id, user_id, code);
}

}  // namespace

void prepare_console_totp_statements(pqxx::connection& conn) {
  conn.prepare("console_totp_lock", lock_sql);
  conn.prepare("console_totp_upsert", upsert_sql);
  conn.prepare("console_totp_confirm", confirm_sql);
  conn.prepare("console_totp_step", step_sql);
  conn.prepare("console_totp_delete", delete_sql);
  conn.prepare("console_recovery_delete", codes_delete_sql);
  conn.prepare("console_recovery_insert", code_insert_sql);
  conn.prepare("console_recovery_use", code_use_sql);
  conn.prepare("console_totp_user", user_sql);
  conn.prepare("console_totp_end_sessions", end_sessions_sql);
}

factor_check check_second_factor(pqxx::connection& conn, const keyring& keys, const staff_user& user,
                                 const std::string& code, std::int64_t unix_seconds) {
  pqxx::work tx(conn, "login_second_factor");
  const auto factor = lock_factor(tx, keys, user.tenant_id, user.user_id);
  if (!factor || !factor->confirmed) {
    return factor_check::not_enrolled;
  }
  if (code.empty()) {
    return factor_check::missing;
  }
  if (!code_satisfies(tx, *factor, user.tenant_id, user.user_id, code, unix_seconds)) {
    return factor_check::wrong;
  }
  tx.commit();
  return factor_check::accepted;
}

op_result<totp_enrolment> totp_begin(pqxx::connection& conn, const keyring& keys, const actor& who,
                                     const std::string& issuer) {
  if (!is_uuid(who.user_id)) {
    return refuse<totp_enrolment>(op_status::not_found);
  }
  pqxx::work tx(conn, "totp_begin");
  const pqxx::result user = tx.exec_prepared("console_totp_user", who.tenant_id, who.user_id);
  if (user.empty()) {
    return refuse<totp_enrolment>(op_status::not_found);
  }
  const auto existing = lock_factor(tx, keys, who.tenant_id, who.user_id);
  if (existing && existing->confirmed) {
    return refuse<totp_enrolment>(op_status::conflict, "second_factor_enrolled");
  }
  const std::string secret = new_totp_secret();
  const sealed blob = keys.seal(secret, who.tenant_id + context_suffix);
  tx.exec_prepared0("console_totp_upsert", who.tenant_id, who.user_id, pqxx::binarystring(blob.blob),
                    static_cast<long long>(blob.key_id));
  audit(tx, who.tenant_id, who.user_id, "account.totp_enrol", "staff_user", who.user_id);
  tx.commit();
  totp_enrolment out;
  out.secret_base32 = base32(secret);
  out.uri = otpauth_uri(issuer, user[0][0].as<std::string>(), out.secret_base32);
  return ok(std::move(out));
}

op_result<std::vector<std::string>> totp_confirm(pqxx::connection& conn, const keyring& keys,
                                                 const actor& who, const std::string& code,
                                                 std::int64_t unix_seconds) {
  using codes = std::vector<std::string>;
  if (!is_uuid(who.user_id)) {
    return refuse<codes>(op_status::not_found);
  }
  pqxx::work tx(conn, "totp_confirm");
  const auto factor = lock_factor(tx, keys, who.tenant_id, who.user_id);
  if (!factor) {
    return refuse<codes>(op_status::conflict, "no_enrolment");
  }
  if (factor->confirmed) {
    return refuse<codes>(op_status::conflict, "second_factor_enrolled");
  }
  const auto step = totp_verify(factor->secret, code, unix_seconds, std::nullopt);
  if (!step) {
    return refuse<codes>(op_status::invalid, "wrong_code");
  }
  tx.exec_prepared0("console_totp_confirm", who.tenant_id, who.user_id, *step);
  tx.exec_prepared0("console_recovery_delete", who.tenant_id, who.user_id);
  codes recovery = new_recovery_codes();
  for (const auto& c : recovery) {
    tx.exec_prepared0("console_recovery_insert", who.tenant_id, who.user_id,
                      pqxx::binarystring(token_hash(normalise_recovery_code(c))));
  }
  audit(tx, who.tenant_id, who.user_id, "account.totp_confirm", "staff_user", who.user_id);
  tx.commit();
  return ok(std::move(recovery));
}

op_result<nothing> totp_disable(pqxx::connection& conn, const keyring& keys, const actor& who,
                                const std::string& password, const std::string& code,
                                std::int64_t unix_seconds) {
  if (!is_uuid(who.user_id)) {
    return refuse<nothing>(op_status::not_found);
  }
  std::string hash;
  {
    pqxx::nontransaction tx(conn, "totp_disable_user");
    const pqxx::result user = tx.exec_prepared("console_totp_user", who.tenant_id, who.user_id);
    if (user.empty() || user[0][2].as<bool>()) {
      return refuse<nothing>(op_status::not_found);
    }
    hash = user[0][1].as<std::string>();
  }
  const bool password_right = password.size() <= max_password_bytes && verify_password(hash, password);
  pqxx::work tx(conn, "totp_disable");
  const auto factor = lock_factor(tx, keys, who.tenant_id, who.user_id);
  if (!factor || !factor->confirmed) {
    return refuse<nothing>(op_status::conflict, "no_enrolment");
  }
  if (!password_right || !code_satisfies(tx, *factor, who.tenant_id, who.user_id, code, unix_seconds)) {
    return refuse<nothing>(op_status::invalid, "wrong_password_or_code");
  }
  tx.exec_prepared0("console_recovery_delete", who.tenant_id, who.user_id);
  tx.exec_prepared0("console_totp_delete", who.tenant_id, who.user_id);
  audit(tx, who.tenant_id, who.user_id, "account.totp_disable", "staff_user", who.user_id);
  tx.commit();
  return ok(nothing{});
}

op_result<nothing> totp_reset(pqxx::connection& conn, const actor& who, const std::string& user_id) {
  if (!is_uuid(user_id)) {
    return refuse<nothing>(op_status::not_found);
  }
  pqxx::work tx(conn, "totp_reset");
  if (tx.exec_prepared("console_totp_user", who.tenant_id, user_id).empty()) {
    return refuse<nothing>(op_status::not_found);
  }
  tx.exec_prepared0("console_recovery_delete", who.tenant_id, user_id);
  tx.exec_prepared0("console_totp_delete", who.tenant_id, user_id);
  // Whoever held the factor signs in again and, where it is required, enrols again.
  tx.exec_prepared0("console_totp_end_sessions", who.tenant_id, user_id);
  notify_session_ended(tx, user_id);
  audit(tx, who.tenant_id, is_uuid(who.user_id) ? who.user_id : std::string(), "staff.totp_reset",
        "staff_user", user_id);
  tx.commit();
  return ok(nothing{});
}

}  // namespace yorisoi::storage::detail
