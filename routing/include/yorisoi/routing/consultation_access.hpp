#pragma once
// The consultation lifecycle: what a staff action does to a consultation (its next state and holder) or
// why it is refused, and when an open consultation closes by itself. Pure, total, never throws;
// thread-safe. Storage applies the step to the locked row (or the idle rule to the open rows); the console
// mirrors the refusals to hide what cannot be done. A consultation is opened by a resident's message
// (routing/inbound decides that), never by staff.
//
//   waiting  --claim-->            assigned (holder: the actor)
//   waiting  --transfer-->         assigned (holder: the chosen counsellor)
//   assigned --release-->          waiting  (holder: nobody)
//   assigned --transfer-->         assigned (holder: the chosen counsellor)
//   waiting/assigned --close-->    closed   (the holder stays: who handled it is history)
//   closed   --reopen-->           assigned (holder: the actor)
//   waiting/assigned --idle-->     closed   (no unanswered message, no activity for the tenant's limit)
//   assigned --reply-->            assigned (the holder only)
//
// A counsellor acts only on what they hold or on what nobody holds: closing a colleague's consultation
// and then reopening it (which makes the reopener its holder) would be a transfer, a supervisor's
// decision. Supervisors may close, release and reopen any consultation of their tenant; nobody claims a
// colleague's (a supervisor transfers it); only the holder replies. Roles without work_consultations are
// refused whatever the object.

#include "yorisoi/routing/access.hpp"
#include "yorisoi/routing/schedule.hpp"

#include <chrono>
#include <string_view>

namespace yorisoi::routing {

enum class lifecycle_action { claim, release, transfer, close, reopen, reply };

// Whom the consultation is assigned to, seen from the actor. A closed consultation keeps its last
// holder.
enum class holder { nobody, actor, colleague };

enum class consultation_state { waiting, assigned, closed };

enum class lifecycle_refusal {
  none,               // allowed
  not_counsellor,     // the role does not work on consultations
  held_by_colleague,  // a counsellor acting on a colleague's consultation; anyone claiming one
  not_held,           // release of a consultation nobody holds
  not_holder,         // a reply by someone who does not hold the consultation
  consultation_closed,
  consultation_open,  // reopen of a consultation that is not closed
};

// Who holds the consultation after the step.
enum class next_holder { unchanged, actor, target, nobody };

struct lifecycle_step {
  lifecycle_refusal refusal = lifecycle_refusal::none;
  consultation_state state = consultation_state::waiting;  // after the step (the current one if refused)
  next_holder holder = next_holder::unchanged;
  // Whether the row changes at all (claiming what one holds, or replying, changes neither state nor holder).
  [[nodiscard]] bool changes(consultation_state before) const noexcept {
    return refusal == lifecycle_refusal::none && (state != before || holder != next_holder::unchanged);
  }
};

[[nodiscard]] lifecycle_step lifecycle_next(staff_role role, lifecycle_action action, holder who_holds,
                                            consultation_state state) noexcept;

// An open consultation closes by itself once idle: nothing left unanswered (a resident waiting for us is
// never closed, through a long holiday if need be) and no message for at least `idle_after` (0: never).
struct idle_facts {
  consultation_state state = consultation_state::waiting;
  bool resident_waiting = false;  // an unanswered message from the resident
  instant last_activity{};
};
[[nodiscard]] bool closes_when_idle(const idle_facts& facts, instant now,
                                    std::chrono::minutes idle_after) noexcept;

// The state's stable name, as stored and as the API shows it.
[[nodiscard]] std::string_view to_string(consultation_state state) noexcept;
[[nodiscard]] bool parse_state(std::string_view text, consultation_state& out) noexcept;

// The refusal's stable code for the API's `reason` ("" for none).
[[nodiscard]] std::string_view to_string(lifecycle_refusal refusal) noexcept;

// Message previews in the queue are resident text: only the roles that read transcripts see them.
[[nodiscard]] bool may_see_previews(staff_role role) noexcept;

}  // namespace yorisoi::routing
