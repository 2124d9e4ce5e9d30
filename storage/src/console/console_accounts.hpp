#pragma once
// Staff accounts and sessions on a general worker's connection. Each function runs its own
// transactions and throws on database errors (the caller turns them into `unavailable`).
// Password hashing and verification happen outside transactions: they take tens of milliseconds.

#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <pqxx/connection>

#include <string>
#include <vector>

namespace yorisoi::storage::detail {

[[nodiscard]] login_result login(pqxx::connection& conn, const session_policy& policy, const keyring& keys,
                                 const login_request& request);
[[nodiscard]] op_result<session_info> authenticate(pqxx::connection& conn, const session_policy& policy,
                                                   bool touch, const std::string& token);
[[nodiscard]] op_result<nothing> logout(pqxx::connection& conn, const std::string& token);
[[nodiscard]] op_result<nothing> logout_everywhere(pqxx::connection& conn, const actor& who);
[[nodiscard]] op_result<nothing> change_password(pqxx::connection& conn, const session_policy& policy,
                                                 const actor& who, const std::string& current_password,
                                                 const std::string& new_password);

[[nodiscard]] op_result<std::vector<staff_user>> list_staff(pqxx::connection& conn, const actor& who);
[[nodiscard]] op_result<staff_user> create_staff(pqxx::connection& conn, const actor& who,
                                                 const new_staff& user);
[[nodiscard]] op_result<staff_user> update_staff(pqxx::connection& conn, const actor& who,
                                                 const std::string& user_id, const staff_patch& patch);
[[nodiscard]] op_result<staff_user> confirm_role(pqxx::connection& conn, const actor& who,
                                                 const std::string& user_id);
[[nodiscard]] op_result<staff_user> cancel_role(pqxx::connection& conn, const actor& who,
                                                const std::string& user_id);

}  // namespace yorisoi::storage::detail
