#pragma once
// Raising an account to a role that reads conversations takes two admins. Pure.
//
// - A raise: the new role reads conversations (permission work_consultations) and grants something
//   the old role did not (a new account has no old role). Counsellor → supervisor is a raise (transfer,
//   emergency referral); supervisor → counsellor and any change to a role that reads nothing are not.
// - An admin's raise waits for a different enabled admin of the tenant to confirm it; the account
//   keeps its old role meanwhile (a new account cannot sign in). When the tenant has no such other
//   admin, it applies at once and is flagged as unconfirmed. The command line (the deployment's
//   operator, no admin) raises at once.
// - Confirming: something must await confirmation (a pending raise, or a flagged one), and the
//   confirming admin is neither the one who raised it nor the account itself.

#include "yorisoi/routing/access.hpp"

#include <optional>
#include <string_view>

namespace yorisoi::routing {

[[nodiscard]] bool is_role_raise(std::optional<staff_role> before, staff_role after) noexcept;

enum class role_change_outcome {
  apply,               // not a raise, or raised from the command line
  await_confirmation,  // kept pending until another admin confirms
  apply_unconfirmed,   // applied, flagged: no other admin could confirm it
};

struct role_change {
  std::optional<staff_role> before;  // nullopt: a new account
  staff_role after = staff_role::counsellor;
  bool by_admin = true;  // false: the command line
  // Enabled admins of the tenant other than the raiser and the account itself.
  unsigned other_enabled_admins = 0;
};

[[nodiscard]] role_change_outcome decide_role_change(const role_change& change) noexcept;

enum class confirmation_check {
  allowed,
  nothing_pending,  // no raise awaits confirmation on this account
  same_admin,       // the confirming admin raised it
  own_account,      // the confirming admin is the raised account
};

struct role_confirmation {
  bool awaiting = false;       // a pending raise, or a flagged unconfirmed one
  std::string_view raised_by;  // user id of the admin who raised it
  std::string_view account;    // user id of the raised account
  std::string_view confirmer;  // user id of the admin asking to confirm
};

[[nodiscard]] confirmation_check check_confirmation(const role_confirmation& c) noexcept;

}  // namespace yorisoi::routing
