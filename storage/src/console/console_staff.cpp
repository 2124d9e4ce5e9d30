// Staff administration of one tenant: list, create, update (role, unit, disable, password reset). A raise
// to a role that reads conversations may have to wait for a second admin (console_staff_roles.cpp).
#include "console/console_accounts.hpp"
#include "console/console_common.hpp"
#include "console/console_staff_rows.hpp"
#include "console/password.hpp"

#include "yorisoi/routing/role_raise.hpp"

#include <pqxx/pqxx>

#include <cctype>

namespace yorisoi::storage::detail {
namespace {

constexpr std::size_t max_login_bytes = 64;
constexpr std::size_t max_display_name_chars = 100;

std::string list_sql() {
  return "SELECT " + admin_columns() + " FROM staff_user u WHERE u.tenant_id = $1 ORDER BY lower(u.login)";
}

// $7: the role awaiting confirmation ('' none; then the account is not activated), $8 its raiser,
// $9 raised without confirmation.
std::string insert_sql() {
  return R"sql(
WITH u AS (
  INSERT INTO staff_user (tenant_id, login, display_name, role, org_unit, password_hash, pending_role,
                          pending_role_by, pending_since, role_unconfirmed, activated, must_change_password)
  VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, NULLIF($7, ''), NULLIF($8, '')::uuid,
          CASE WHEN $7 <> '' OR $9 THEN now() END, $9, $7 = '', $10)
  RETURNING *
)
SELECT )sql" +
         admin_columns() + " FROM u";
}

std::string lock_sql() {
  return "SELECT " + admin_columns() +
         " FROM staff_user u WHERE u.tenant_id = $1 AND u.user_id = $2::uuid FOR UPDATE";
}

// $8-$12: pending role ('' none), its raiser, flagged unconfirmed, raised now (pending_since restamped),
// activated.
constexpr const char* update_sql = R"sql(
UPDATE staff_user
   SET display_name = $3, role = $4, org_unit = NULLIF($5, ''), disabled = $6,
       password_hash = coalesce(NULLIF($7, ''), password_hash),
       password_changed_at = CASE WHEN $7 = '' THEN password_changed_at ELSE now() END,
       pending_role = NULLIF($8, ''), pending_role_by = NULLIF($9, '')::uuid, role_unconfirmed = $10,
       pending_since = CASE WHEN $8 = '' AND NOT $10 THEN NULL WHEN $11 THEN now() ELSE pending_since END,
       activated = $12,
       must_change_password = must_change_password OR $13
 WHERE tenant_id = $1 AND user_id = $2::uuid
RETURNING coalesce((extract(epoch FROM pending_since) * 1000000)::bigint, 0)
)sql";

// Enabled admins of the tenant other than the raiser ($2) and the account ($3).
constexpr const char* other_admins_sql = R"sql(
SELECT count(*)::bigint FROM staff_user
 WHERE tenant_id = $1 AND role = 'admin' AND NOT disabled AND activated
   AND user_id::text <> $2 AND user_id::text <> $3
)sql";

// A live event for the tenant's admins about one account.
constexpr const char* staff_event_sql = R"sql(
WITH e AS (
  INSERT INTO console_event (tenant_id, kind, staff_user_id) VALUES ($1, 'staff', $2::uuid) RETURNING event_id
)
SELECT pg_notify('yorisoi_console', event_id::text) FROM e
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

// What a role change by `who` does (routing/role_raise.hpp).
routing::role_change_outcome outcome_of(pqxx::work& tx, const actor& who,
                                        std::optional<routing::staff_role> before, routing::staff_role after,
                                        const std::string& account_id) {
  if (!routing::is_role_raise(before, after)) {
    return routing::role_change_outcome::apply;
  }
  const long long others =
      tx.exec_prepared1("console_staff_other_admins", who.tenant_id, actor_id(who), account_id)[0]
          .as<long long>();
  return routing::decide_role_change({before, after, is_uuid(who.user_id), static_cast<unsigned>(others)});
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

std::string admin_columns() {
  return std::string(staff_user_columns) +
         ", coalesce(u.pending_role, ''), coalesce(u.pending_role_by::text, ''), "
         "coalesce((extract(epoch FROM u.pending_since) * 1000000)::bigint, 0), u.role_unconfirmed, "
         "u.activated";
}

staff_user admin_view_from(const pqxx::row& r) {
  staff_user s = staff_user_from(r);
  s.pending_role = r[8].as<std::string>();
  s.pending_role_by = r[9].as<std::string>();
  const long long since = r[10].as<long long>();
  if (since != 0) {
    s.pending_since = from_micros(since);
  }
  s.role_unconfirmed = r[11].as<bool>();
  return s;
}

std::string actor_id(const actor& who) {
  return is_uuid(who.user_id) ? who.user_id : std::string();
}

// Writes `after` (and a new password hash, or ""), filling its pending_since.
void write_staff(pqxx::work& tx, const actor& who, staff_user& after, const std::string& new_hash,
                 bool raised_now, bool activated, bool must_change) {
  const long long since =
      tx.exec_prepared1("console_staff_update", who.tenant_id, after.user_id, after.display_name,
                        std::string(routing::to_string(after.role)), after.org_unit, after.disabled, new_hash,
                        after.pending_role, after.pending_role_by, after.role_unconfirmed, raised_now,
                        activated, must_change)[0]
          .as<long long>();
  after.pending_since = since == 0 ? std::nullopt : std::optional<time_point>(from_micros(since));
}

void staff_event(pqxx::work& tx, const actor& who, const std::string& account_id) {
  tx.exec_prepared("console_staff_event", who.tenant_id, account_id);
}

void prepare_console_staff_statements(pqxx::connection& conn) {
  conn.prepare("console_staff_list", list_sql());
  conn.prepare("console_staff_insert", insert_sql());
  conn.prepare("console_staff_lock", lock_sql());
  conn.prepare("console_staff_update", update_sql);
  conn.prepare("console_staff_end_sessions", end_all_sessions_sql);
  conn.prepare("console_staff_other_admins", other_admins_sql);
  conn.prepare("console_staff_event", staff_event_sql);
}

op_result<std::vector<staff_user>> list_staff(pqxx::connection& conn, const actor& who) {
  pqxx::read_transaction tx(conn, "staff_list");
  std::vector<staff_user> users;
  for (const auto& r : tx.exec_prepared("console_staff_list", who.tenant_id)) {
    users.push_back(admin_view_from(r));
  }
  return ok(std::move(users));
}

op_result<staff_user> create_staff(pqxx::connection& conn, const actor& who, const new_staff& user) {
  if (!login_acceptable(user.login)) {
    return refuse<staff_user>(op_status::invalid, "login_format");
  }
  if (!display_name_acceptable(user.display_name)) {
    return refuse<staff_user>(op_status::invalid, "display_name_length");
  }
  const bool officer = user.role == routing::staff_role::officer;
  // Officers, and only officers, belong to an org unit.
  if (officer && user.org_unit.empty()) {
    return refuse<staff_user>(op_status::invalid, "officer_needs_unit");
  }
  if (!officer && !user.org_unit.empty()) {
    return refuse<staff_user>(op_status::invalid, "unit_only_for_officers");
  }
  if (!password_acceptable(user.password)) {
    return refuse<staff_user>(op_status::invalid, "password_too_short");
  }
  const std::string hash = hash_password(user.password);
  // An admin chose this password, so the user replaces it at the first login; the command line's
  // actor (no user id) is the operator setting up the deployment, whose accounts are not flagged.
  const bool by_admin = is_uuid(who.user_id);
  pqxx::work tx(conn, "staff_create");
  try {
    const auto outcome = outcome_of(tx, who, std::nullopt, user.role, std::string());
    const bool awaits = outcome == routing::role_change_outcome::await_confirmation;
    const bool unconfirmed = outcome == routing::role_change_outcome::apply_unconfirmed;
    const std::string role(routing::to_string(user.role));
    const pqxx::row r =
        tx.exec_prepared1("console_staff_insert", who.tenant_id, user.login, user.display_name, role,
                          user.org_unit, hash, awaits ? role : std::string(),
                          awaits || unconfirmed ? actor_id(who) : std::string(), unconfirmed, by_admin);
    staff_user created = admin_view_from(r);
    audit(tx, who.tenant_id, actor_id(who), "staff.create", "staff_user", created.user_id,
          json_object({{"login", created.login}, {"role", role}}));
    if (awaits || unconfirmed) {
      audit(tx, who.tenant_id, actor_id(who),
            awaits ? "staff.role_raise_requested" : "staff.role_raised_unconfirmed", "staff_user",
            created.user_id, json_object({{"role", role}}));
      staff_event(tx, who, created.user_id);
    }
    tx.commit();
    return ok(std::move(created));
  } catch (const pqxx::unique_violation&) {
    return refuse<staff_user>(op_status::invalid, "login_taken");
  }
}

op_result<staff_user> update_staff(pqxx::connection& conn, const actor& who, const std::string& user_id,
                                   const staff_patch& patch) {
  if (!is_uuid(user_id)) {
    return refuse<staff_user>(op_status::not_found);
  }
  if (patch.display_name && !display_name_acceptable(*patch.display_name)) {
    return refuse<staff_user>(op_status::invalid, "display_name_length");
  }
  if (patch.password && !password_acceptable(*patch.password)) {
    return refuse<staff_user>(op_status::invalid, "password_too_short");
  }
  const std::string new_hash = patch.password ? hash_password(*patch.password) : std::string();

  pqxx::work tx(conn, "staff_update");
  const pqxx::result rows = tx.exec_prepared("console_staff_lock", who.tenant_id, user_id);
  if (rows.empty()) {
    return refuse<staff_user>(op_status::not_found);
  }
  const staff_user before = admin_view_from(rows[0]);
  const bool activated = rows[0][12].as<bool>();
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
      return refuse<staff_user>(op_status::invalid, "officer_needs_unit");
    }
  } else {
    if (patch.org_unit && !patch.org_unit->empty()) {
      return refuse<staff_user>(op_status::invalid, "unit_only_for_officers");
    }
    after.org_unit.clear();
  }
  if (user_id == who.user_id &&
      !routing::allows_own_account_change({after.role != before.role, after.org_unit != before.org_unit,
                                           after.disabled && !before.disabled})) {
    // No one changes their own role or unit or disables themselves: another admin does.
    return refuse<staff_user>(op_status::invalid, "own_account_change");
  }
  // A password an admin set for someone else is known to the admin: the user replaces it at login.
  const bool reset_by_other = patch.password.has_value() && user_id != who.user_id;
  // A role change replaces any raise awaiting confirmation; a raise may itself have to wait.
  bool raised_now = false;
  const char* raise_action = nullptr;
  if (after.role != before.role) {
    const auto outcome = outcome_of(tx, who, before.role, after.role, user_id);
    after.pending_role.clear();
    after.pending_role_by.clear();
    after.role_unconfirmed = false;
    switch (outcome) {
      case routing::role_change_outcome::apply:
        break;
      case routing::role_change_outcome::await_confirmation:
        after.pending_role = std::string(routing::to_string(after.role));
        after.pending_role_by = actor_id(who);
        after.role = before.role;
        after.org_unit = before.org_unit;
        raised_now = true;
        raise_action = "staff.role_raise_requested";
        break;
      case routing::role_change_outcome::apply_unconfirmed:
        after.pending_role_by = actor_id(who);
        after.role_unconfirmed = true;
        raised_now = true;
        raise_action = "staff.role_raised_unconfirmed";
        break;
    }
  }
  write_staff(tx, who, after, new_hash, raised_now, activated, reset_by_other);
  if (raise_action != nullptr) {
    audit(tx, who.tenant_id, actor_id(who), raise_action, "staff_user", user_id,
          json_object({{"role", after.pending_role.empty() ? std::string(routing::to_string(after.role))
                                                           : after.pending_role}}));
    staff_event(tx, who, user_id);
  }

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
