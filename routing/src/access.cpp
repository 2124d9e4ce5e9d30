#include "yorisoi/routing/access.hpp"

#include <array>
#include <utility>

namespace yorisoi::routing {

bool allows(staff_role role, permission what) noexcept {
  switch (what) {
    case permission::own_account:
      return true;
    case permission::work_consultations:
      // Admins administer accounts and analysts read figures: neither reads what residents wrote.
      return role == staff_role::counsellor || role == staff_role::supervisor;
    case permission::transfer:
      return role == staff_role::supervisor;
    case permission::manage_staff:
      return role == staff_role::admin;
    case permission::read_reports:
      return role == staff_role::supervisor || role == staff_role::admin || role == staff_role::analyst;
    case permission::officer_inbox:
      return role == staff_role::officer;
    case permission::emergency_referral:
      // Disclosure without consent is a supervisor's decision, never a counsellor's alone.
      return role == staff_role::supervisor;
    case permission::supervise_shift:
      return role == staff_role::supervisor;
    case permission::set_capacity:
      // An account setting (admins) and a shift decision (supervisors); neither reads conversations.
      return role == staff_role::supervisor || role == staff_role::admin;
  }
  return false;
}

namespace {
constexpr std::array<std::pair<staff_role, std::string_view>, 5> role_names{{
    {staff_role::admin, "admin"},
    {staff_role::supervisor, "supervisor"},
    {staff_role::counsellor, "counsellor"},
    {staff_role::officer, "officer"},
    {staff_role::analyst, "analyst"},
}};
}  // namespace

std::optional<staff_role> parse_role(std::string_view text) noexcept {
  for (const auto& [role, name] : role_names) {
    if (name == text) {
      return role;
    }
  }
  return std::nullopt;
}

std::string_view to_string(staff_role role) noexcept {
  for (const auto& [r, name] : role_names) {
    if (r == role) {
      return name;
    }
  }
  return "unknown";
}

bool allows_own_account_change(const own_account_change& change) noexcept {
  return !change.role && !change.org_unit && !change.disable;
}

}  // namespace yorisoi::routing
