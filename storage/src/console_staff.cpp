// Staff administration of one tenant: list, create, update (role, unit, disable, password reset).
#include "console_accounts.hpp"
#include "console_common.hpp"
#include "password.hpp"

#include <pqxx/pqxx>

#include <cctype>

namespace yorisoi::storage::detail {
namespace {

constexpr std::size_t max_login_bytes = 64;
constexpr std::size_t max_display_name_chars = 100;

std::string list_sql() {
  return std::string("SELECT ") + staff_user_columns +
         " FROM staff_user u WHERE u.tenant_id = $1 ORDER BY lower(u.login)";
}

std::string insert_sql() {
  return std::string(R"sql(
WITH u AS (
  INSERT INTO staff_user (tenant_id, login, display_name, role, org_unit, password_hash, must_change_password)
  VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7)
  RETURNING *
)
SELECT )sql") +
         staff_user_columns + " FROM u";
}

std::string lock_sql() {
  return std::string("SELECT ") + staff_user_columns +
         " FROM staff_user u WHERE u.tenant_id = $1 AND u.user_id = $2::uuid FOR UPDATE";
}

constexpr const char* update_sql = R"sql(
UPDATE staff_user
   SET display_name = $3, role = $4, org_unit = NULLIF($5, ''), disabled = $6,
       password_hash = coalesce(NULLIF($7, ''), password_hash),
       password_changed_at = CASE WHEN $7 = '' THEN password_changed_at ELSE now() END,
       must_change_password = must_change_password OR $8
 WHERE tenant_id = $1 AND user_id = $2::uuid
)sql";

constexpr const char* end_all_sessions_sql =
    "DELETE FROM staff_session WHERE tenant_id = $1 AND user_id = $2::uuid";

// Login names are typed at the login form: visible ASCII without spaces keeps them unambiguous.
bool login_acceptable(const std::string& login) {
  if (login.empty() || login.size() > max_login_bytes) {
    return false;
  }
  for (char c : login) {
    if (std::isgraph(static_cast<unsigned char>(c)) == 0) {
      return false;
    }
  }
  return true;
}

bool display_name_acceptable(const std::string& name) {
  if (name.empty() || utf8_chars(name) > max_display_name_chars) {
    return false;
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20U) {
      return false;
    }
  }
  return true;
}

}  // namespace

void prepare_console_staff_statements(pqxx::connection& conn) {
  conn.prepare("console_staff_list", list_sql());
  conn.prepare("console_staff_insert", insert_sql());
  conn.prepare("console_staff_lock", lock_sql());
  conn.prepare("console_staff_update", update_sql);
  conn.prepare("console_staff_end_sessions", end_all_sessions_sql);
}

op_result<std::vector<staff_user>> list_staff(pqxx::connection& conn, const actor& who) {
  pqxx::read_transaction tx(conn, "staff_list");
  std::vector<staff_user> users;
  for (const auto& r : tx.exec_prepared("console_staff_list", who.tenant_id)) {
    users.push_back(staff_user_from(r));
  }
  return ok(std::move(users));
}

op_result<staff_user> create_staff(pqxx::connection& conn, const actor& who, const new_staff& user) {
  if (!login_acceptable(user.login)) {
    return refuse<staff_user>(op_status::invalid, "a login is 1-64 visible ASCII characters");
  }
  if (!display_name_acceptable(user.display_name)) {
    return refuse<staff_user>(op_status::invalid, "a display name is 1-100 characters");
  }
  const bool officer = user.role == routing::staff_role::officer;
  if (officer == user.org_unit.empty()) {
    return refuse<staff_user>(op_status::invalid, "officers, and only officers, belong to an org unit");
  }
  if (!password_acceptable(user.password)) {
    return refuse<staff_user>(op_status::invalid, "a password needs at least 12 characters");
  }
  const std::string hash = hash_password(user.password);
  // An admin chose this password, so the user replaces it at the first login; the command line's
  // actor (no user id) is the operator setting up the deployment, whose accounts are not flagged.
  const bool by_admin = is_uuid(who.user_id);
  pqxx::work tx(conn, "staff_create");
  try {
    const pqxx::row r =
        tx.exec_prepared1("console_staff_insert", who.tenant_id, user.login, user.display_name,
                          std::string(routing::to_string(user.role)), user.org_unit, hash, by_admin);
    staff_user created = staff_user_from(r);
    audit(tx, who.tenant_id, is_uuid(who.user_id) ? who.user_id : std::string(), "staff.create", "staff_user",
          created.user_id,
          json_object({{"login", created.login}, {"role", std::string(routing::to_string(created.role))}}));
    tx.commit();
    return ok(std::move(created));
  } catch (const pqxx::unique_violation&) {
    return refuse<staff_user>(op_status::invalid, "the login is taken");
  }
}

op_result<staff_user> update_staff(pqxx::connection& conn, const actor& who, const std::string& user_id,
                                   const staff_patch& patch) {
  if (!is_uuid(user_id)) {
    return refuse<staff_user>(op_status::not_found);
  }
  if (patch.display_name && !display_name_acceptable(*patch.display_name)) {
    return refuse<staff_user>(op_status::invalid, "a display name is 1-100 characters");
  }
  if (patch.password && !password_acceptable(*patch.password)) {
    return refuse<staff_user>(op_status::invalid, "a password needs at least 12 characters");
  }
  const std::string new_hash = patch.password ? hash_password(*patch.password) : std::string();

  pqxx::work tx(conn, "staff_update");
  const pqxx::result rows = tx.exec_prepared("console_staff_lock", who.tenant_id, user_id);
  if (rows.empty()) {
    return refuse<staff_user>(op_status::not_found);
  }
  const staff_user before = staff_user_from(rows[0]);
  staff_user after = before;
  if (patch.display_name) {
    after.display_name = *patch.display_name;
  }
  if (patch.role) {
    after.role = *patch.role;
  }
  if (patch.disabled) {
    after.disabled = *patch.disabled;
  }
  // Officers keep their unit unless a new one is given; everyone else has none.
  if (after.role == routing::staff_role::officer) {
    if (patch.org_unit) {
      after.org_unit = *patch.org_unit;
    }
    if (after.org_unit.empty()) {
      return refuse<staff_user>(op_status::invalid, "an officer belongs to an org unit");
    }
  } else {
    if (patch.org_unit && !patch.org_unit->empty()) {
      return refuse<staff_user>(op_status::invalid, "only officers belong to an org unit");
    }
    after.org_unit.clear();
  }
  if (user_id == who.user_id &&
      !routing::allows_own_account_change({after.role != before.role, after.org_unit != before.org_unit,
                                           after.disabled && !before.disabled})) {
    return refuse<staff_user>(
        op_status::invalid,
        "no one changes their own role or unit or disables themselves; ask another admin");
  }
  // A password an admin set for someone else is known to the admin: the user replaces it at login.
  const bool reset_by_other = patch.password.has_value() && user_id != who.user_id;
  tx.exec_prepared0("console_staff_update", who.tenant_id, user_id, after.display_name,
                    std::string(routing::to_string(after.role)), after.org_unit, after.disabled, new_hash,
                    reset_by_other);

  std::string changed;
  const auto note_change = [&changed](bool did, const char* name) {
    if (did) {
      changed += changed.empty() ? name : std::string(",") + name;
    }
  };
  note_change(after.display_name != before.display_name, "display_name");
  note_change(after.role != before.role, "role");
  note_change(after.org_unit != before.org_unit, "org_unit");
  note_change(after.disabled != before.disabled, "disabled");
  note_change(patch.password.has_value(), "password");
  // What the user may do changed, or someone else now knows the password: the user signs in again.
  const bool end_sessions = after.role != before.role || after.org_unit != before.org_unit ||
                            (after.disabled && !before.disabled) || patch.password.has_value();
  if (end_sessions) {
    tx.exec_prepared0("console_staff_end_sessions", who.tenant_id, user_id);
    notify_session_ended(tx, user_id);
  }
  audit(tx, who.tenant_id, is_uuid(who.user_id) ? who.user_id : std::string(), "staff.update", "staff_user",
        user_id, json_object({{"changed", changed}}));
  tx.commit();
  return ok(std::move(after));
}

}  // namespace yorisoi::storage::detail
