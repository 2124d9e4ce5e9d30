// A raise to a role that reads conversations, awaiting a second admin: confirmed by another admin of
// the tenant (routing/role_raise.hpp) or cancelled by any admin.
#include "console/console_accounts.hpp"
#include "console/console_common.hpp"
#include "console/console_staff_rows.hpp"

#include "yorisoi/routing/role_raise.hpp"

#include <pqxx/pqxx>

#include <optional>
#include <stdexcept>
#include <utility>

namespace yorisoi::storage::detail {
namespace {

// The account locked for a confirmation or cancellation, with whether it is activated.
std::optional<std::pair<staff_user, bool>> lock_account(pqxx::work& tx, const actor& who,
                                                        const std::string& user_id) {
  const pqxx::result rows = tx.exec_prepared("console_staff_lock", who.tenant_id, user_id);
  if (rows.empty()) {
    return std::nullopt;
  }
  return std::make_pair(admin_view_from(rows[0]), rows[0][12].as<bool>());
}

}  // namespace

op_result<staff_user> confirm_role(pqxx::connection& conn, const actor& who, const std::string& user_id) {
  if (!is_uuid(user_id) || !is_uuid(who.user_id)) {
    return refuse<staff_user>(op_status::not_found);
  }
  pqxx::work tx(conn, "staff_role_confirm");
  auto locked = lock_account(tx, who, user_id);
  if (!locked) {
    return refuse<staff_user>(op_status::not_found);
  }
  staff_user after = locked->first;
  const bool pending = !after.pending_role.empty();
  switch (routing::check_confirmation(
      {pending || after.role_unconfirmed, after.pending_role_by, user_id, who.user_id})) {
    case routing::confirmation_check::allowed:
      break;
    case routing::confirmation_check::nothing_pending:
      return refuse<staff_user>(op_status::conflict, "nothing_pending");
    case routing::confirmation_check::same_admin:
      return refuse<staff_user>(op_status::conflict, "same_admin");
    case routing::confirmation_check::own_account:
      return refuse<staff_user>(op_status::conflict, "own_account");
  }
  const std::string role = pending ? after.pending_role : std::string(routing::to_string(after.role));
  if (pending) {
    const auto parsed = routing::parse_role(after.pending_role);
    if (!parsed) {
      throw std::runtime_error("staff_user row with an unknown pending role");
    }
    after.role = *parsed;
    after.org_unit.clear();
  }
  after.pending_role.clear();
  after.pending_role_by.clear();
  after.role_unconfirmed = false;
  write_staff(tx, who, after, std::string(), false, true);
  if (pending) {
    // What the user may do changed: they sign in again.
    tx.exec_prepared0("console_staff_end_sessions", who.tenant_id, user_id);
    notify_session_ended(tx, user_id);
  }
  audit(tx, who.tenant_id, who.user_id, "staff.role_confirmed", "staff_user", user_id,
        json_object({{"role", role}}));
  staff_event(tx, who, user_id);
  tx.commit();
  return ok(std::move(after));
}

op_result<staff_user> cancel_role(pqxx::connection& conn, const actor& who, const std::string& user_id) {
  if (!is_uuid(user_id)) {
    return refuse<staff_user>(op_status::not_found);
  }
  pqxx::work tx(conn, "staff_role_cancel");
  auto locked = lock_account(tx, who, user_id);
  if (!locked) {
    return refuse<staff_user>(op_status::not_found);
  }
  staff_user after = locked->first;
  if (after.pending_role.empty()) {
    return refuse<staff_user>(op_status::conflict, "nothing_pending");
  }
  const std::string role = after.pending_role;
  after.pending_role.clear();
  after.pending_role_by.clear();
  // A new account whose role was never confirmed has nothing to fall back to: it stays closed.
  const bool activated = locked->second;
  if (!activated) {
    after.disabled = true;
  }
  write_staff(tx, who, after, std::string(), false, activated);
  audit(tx, who.tenant_id, actor_id(who), "staff.role_raise_cancelled", "staff_user", user_id,
        json_object({{"role", role}}));
  staff_event(tx, who, user_id);
  tx.commit();
  return ok(std::move(after));
}

}  // namespace yorisoi::storage::detail
