#include "yorisoi/routing/role_raise.hpp"

#include <array>

namespace yorisoi::routing {

bool is_role_raise(std::optional<staff_role> before, staff_role after) noexcept {
  if (!allows(after, permission::work_consultations)) {
    return false;
  }
  constexpr std::array<permission, 9> all{permission::own_account,       permission::work_consultations,
                                          permission::transfer,          permission::manage_staff,
                                          permission::read_reports,      permission::officer_inbox,
                                          permission::emergency_referral, permission::supervise_shift,
                                          permission::set_capacity};
  for (const permission p : all) {
    if (allows(after, p) && !(before && allows(*before, p))) {
      return true;
    }
  }
  return false;
}

role_change_outcome decide_role_change(const role_change& change) noexcept {
  if (!change.by_admin || !is_role_raise(change.before, change.after)) {
    return role_change_outcome::apply;
  }
  if (change.other_enabled_admins == 0) {
    return role_change_outcome::apply_unconfirmed;
  }
  return role_change_outcome::await_confirmation;
}

confirmation_check check_confirmation(const role_confirmation& c) noexcept {
  if (!c.awaiting) {
    return confirmation_check::nothing_pending;
  }
  if (c.confirmer == c.raised_by) {
    return confirmation_check::same_admin;
  }
  if (c.confirmer == c.account) {
    return confirmation_check::own_account;
  }
  return confirmation_check::allowed;
}

}  // namespace yorisoi::routing
