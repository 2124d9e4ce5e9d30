#pragma once
// The TOTP second factor of staff accounts, on a general worker's connection (console_totp.cpp). Each
// function runs its own transactions and throws on database errors.

#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <pqxx/connection>

#include <cstdint>
#include <string>
#include <vector>

namespace yorisoi::storage::detail {

void prepare_console_totp_statements(pqxx::connection& conn);

enum class factor_check {
  not_enrolled,  // no confirmed factor: the password alone signs in
  accepted,      // a fresh TOTP code (its step recorded) or an unused recovery code (now used)
  missing,       // a factor and no code
  wrong,         // a factor and a code that is not right (or a TOTP step already used)
};

// At login, after the password matched: whether `code` satisfies the user's factor at `unix_seconds`.
// Audits the use of a recovery code.
[[nodiscard]] factor_check check_second_factor(pqxx::connection& conn, const keyring& keys,
                                               const staff_user& user, const std::string& code,
                                               std::int64_t unix_seconds);

[[nodiscard]] op_result<totp_enrolment> totp_begin(pqxx::connection& conn, const keyring& keys,
                                                   const actor& who, const std::string& issuer);
[[nodiscard]] op_result<std::vector<std::string>> totp_confirm(pqxx::connection& conn, const keyring& keys,
                                                               const actor& who, const std::string& code,
                                                               std::int64_t unix_seconds);
[[nodiscard]] op_result<nothing> totp_disable(pqxx::connection& conn, const keyring& keys, const actor& who,
                                              const std::string& password, const std::string& code,
                                              std::int64_t unix_seconds);
[[nodiscard]] op_result<nothing> totp_reset(pqxx::connection& conn, const actor& who,
                                            const std::string& user_id);

}  // namespace yorisoi::storage::detail
