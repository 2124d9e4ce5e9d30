#include "yorisoi/routing/account_gate.hpp"

namespace yorisoi::routing {

bool second_factor_required(bool required_for_readers, staff_role role) noexcept {
  return required_for_readers && allows(role, permission::work_consultations);
}

account_pending pending_step(const account_facts& facts) noexcept {
  if (facts.must_change_password) {
    return account_pending::password_change;
  }
  if (facts.factor_required && !facts.has_factor) {
    return account_pending::factor_enrolment;
  }
  return account_pending::nothing;
}

bool gate_admits(account_pending pending, account_step step) noexcept {
  switch (pending) {
    case account_pending::nothing:
      return true;
    case account_pending::password_change:
      return step == account_step::session || step == account_step::password_change;
    case account_pending::factor_enrolment:
      return step == account_step::session || step == account_step::factor_enrolment;
  }
  return false;
}

std::optional<std::string_view> gate_reason(account_pending pending) noexcept {
  switch (pending) {
    case account_pending::nothing:
      return std::nullopt;
    case account_pending::password_change:
      return "password_change_required";
    case account_pending::factor_enrolment:
      return "second_factor_enrolment_required";
  }
  return std::nullopt;
}

}  // namespace yorisoi::routing
