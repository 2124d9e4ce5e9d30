#include "yorisoi/routing/consultation_access.hpp"

namespace yorisoi::routing {
namespace {

// The counsellor's limit: what they hold, or what nobody holds.
lifecycle_refusal holder_rule(staff_role role, holder who_holds) noexcept {
  if (role == staff_role::counsellor && who_holds == holder::colleague) {
    return lifecycle_refusal::held_by_colleague;
  }
  return lifecycle_refusal::none;
}

}  // namespace

lifecycle_refusal lifecycle_check(staff_role role, lifecycle_action action, holder who_holds,
                                  consultation_state state) noexcept {
  if (!allows(role, permission::work_consultations)) {
    return lifecycle_refusal::not_counsellor;
  }
  const bool closed = state == consultation_state::closed;
  switch (action) {
    case lifecycle_action::close:
      if (closed) {
        return lifecycle_refusal::consultation_closed;
      }
      return holder_rule(role, who_holds);
    case lifecycle_action::release:
      if (closed) {
        return lifecycle_refusal::consultation_closed;
      }
      if (who_holds == holder::nobody) {
        return lifecycle_refusal::not_held;
      }
      return holder_rule(role, who_holds);
    case lifecycle_action::reopen:
      if (!closed) {
        return lifecycle_refusal::consultation_open;
      }
      return holder_rule(role, who_holds);
  }
  return lifecycle_refusal::not_counsellor;
}

std::string_view to_string(lifecycle_refusal refusal) noexcept {
  switch (refusal) {
    case lifecycle_refusal::none:
      return "";
    case lifecycle_refusal::not_counsellor:
      return "not_counsellor";
    case lifecycle_refusal::held_by_colleague:
      return "held_by_colleague";
    case lifecycle_refusal::not_held:
      return "not_held";
    case lifecycle_refusal::consultation_closed:
      return "consultation_closed";
    case lifecycle_refusal::consultation_open:
      return "consultation_open";
  }
  return "not_counsellor";
}

bool may_see_previews(staff_role role) noexcept {
  return allows(role, permission::work_consultations);
}

}  // namespace yorisoi::routing
