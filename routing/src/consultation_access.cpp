#include "yorisoi/routing/consultation_access.hpp"

namespace yorisoi::routing {
namespace {

lifecycle_step refused(lifecycle_refusal why, consultation_state state) noexcept {
  return lifecycle_step{why, state, next_holder::unchanged};
}

lifecycle_step to(consultation_state state, next_holder who) noexcept {
  return lifecycle_step{lifecycle_refusal::none, state, who};
}

// The counsellor's limit: what they hold, or what nobody holds.
bool colleague_blocks(staff_role role, holder who_holds) noexcept {
  return role == staff_role::counsellor && who_holds == holder::colleague;
}

}  // namespace

lifecycle_step lifecycle_next(staff_role role, lifecycle_action action, holder who_holds,
                              consultation_state state) noexcept {
  if (!allows(role, permission::work_consultations)) {
    return refused(lifecycle_refusal::not_counsellor, state);
  }
  const bool closed = state == consultation_state::closed;
  switch (action) {
    case lifecycle_action::claim:
      if (closed) {
        return refused(lifecycle_refusal::consultation_closed, state);
      }
      if (who_holds == holder::colleague) {
        return refused(lifecycle_refusal::held_by_colleague, state);
      }
      return to(consultation_state::assigned,
                who_holds == holder::actor ? next_holder::unchanged : next_holder::actor);
    case lifecycle_action::transfer:
      if (closed) {
        return refused(lifecycle_refusal::consultation_closed, state);
      }
      return to(consultation_state::assigned, next_holder::target);
    case lifecycle_action::release:
      if (closed) {
        return refused(lifecycle_refusal::consultation_closed, state);
      }
      if (who_holds == holder::nobody) {
        return refused(lifecycle_refusal::not_held, state);
      }
      if (colleague_blocks(role, who_holds)) {
        return refused(lifecycle_refusal::held_by_colleague, state);
      }
      return to(consultation_state::waiting, next_holder::nobody);
    case lifecycle_action::close:
      if (closed) {
        return refused(lifecycle_refusal::consultation_closed, state);
      }
      if (colleague_blocks(role, who_holds)) {
        return refused(lifecycle_refusal::held_by_colleague, state);
      }
      return to(consultation_state::closed, next_holder::unchanged);
    case lifecycle_action::reopen:
      if (!closed) {
        return refused(lifecycle_refusal::consultation_open, state);
      }
      if (colleague_blocks(role, who_holds)) {
        return refused(lifecycle_refusal::held_by_colleague, state);
      }
      return to(consultation_state::assigned, next_holder::actor);
    case lifecycle_action::reply:
      if (closed) {
        return refused(lifecycle_refusal::consultation_closed, state);
      }
      if (who_holds != holder::actor) {
        return refused(lifecycle_refusal::not_holder, state);
      }
      return to(state, next_holder::unchanged);
  }
  return refused(lifecycle_refusal::not_counsellor, state);
}

bool closes_when_idle(const idle_facts& facts, instant now, std::chrono::minutes idle_after) noexcept {
  return facts.state != consultation_state::closed && !facts.resident_waiting && idle_after.count() > 0 &&
         now - facts.last_activity >= idle_after;
}

std::string_view to_string(consultation_state state) noexcept {
  switch (state) {
    case consultation_state::waiting:
      return "waiting";
    case consultation_state::assigned:
      return "assigned";
    case consultation_state::closed:
      return "closed";
  }
  return "waiting";
}

bool parse_state(std::string_view text, consultation_state& out) noexcept {
  for (const auto state :
       {consultation_state::waiting, consultation_state::assigned, consultation_state::closed}) {
    if (text == to_string(state)) {
      out = state;
      return true;
    }
  }
  return false;
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
    case lifecycle_refusal::not_holder:
      return "not_holder";
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
