#pragma once
// Staff rows as staff administration reads and writes them (console_staff.cpp, console_staff_roles.cpp):
// the account with the raise awaiting confirmation, and the one statement that writes an account.

#include "yorisoi/storage/console.hpp"

#include <pqxx/pqxx>

#include <string>

namespace yorisoi::storage::detail {

// staff_user_columns (alias u), then pending_role, pending_role_by, pending_since, role_unconfirmed (8-11)
// and activated (12: false for a new account whose raise awaits confirmation).
[[nodiscard]] std::string admin_columns();
[[nodiscard]] staff_user admin_view_from(const pqxx::row& r);

// The actor's user id for the audit and the raise ("" for the command line).
[[nodiscard]] std::string actor_id(const actor& who);

// Writes `after` (prepared console_staff_update; `new_hash` "" keeps the password) and fills its
// pending_since. `raised_now` stamps pending_since with the transaction's time; `must_change` flags the
// password as one the user must replace at the next login (the flag is never cleared here).
void write_staff(pqxx::work& tx, const actor& who, staff_user& after, const std::string& new_hash,
                 bool raised_now, bool activated, bool must_change = false);

// A live event (kind staff) about the account for the tenant's admins.
void staff_event(pqxx::work& tx, const actor& who, const std::string& account_id);

}  // namespace yorisoi::storage::detail
