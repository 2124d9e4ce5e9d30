#pragma once
// Who may close, release or reopen a consultation, given who holds it and its state. Pure, total,
// never throws; thread-safe. The storage layer applies it to the locked row; the console mirrors it to
// hide what cannot be done.
//
// A counsellor acts only on what they hold or on what nobody holds: closing a colleague's consultation
// and then reopening it (which makes the reopener its holder) would be a transfer, a supervisor's
// decision. Supervisors may act on any consultation of their tenant. Roles without
// work_consultations are refused whatever the object.

#include "yorisoi/routing/access.hpp"

#include <string_view>

namespace yorisoi::routing {

enum class lifecycle_action { close, release, reopen };

// Whom the consultation is assigned to, seen from the actor. A closed consultation keeps its last
// holder.
enum class holder { nobody, actor, colleague };

enum class consultation_state { waiting, assigned, closed };

enum class lifecycle_refusal {
  none,               // allowed
  not_counsellor,     // the role does not work on consultations
  held_by_colleague,  // a counsellor acting on a colleague's consultation
  not_held,           // release of a consultation nobody holds
  consultation_closed,
  consultation_open,  // reopen of a consultation that is not closed
};

[[nodiscard]] lifecycle_refusal lifecycle_check(staff_role role, lifecycle_action action, holder who_holds,
                                                consultation_state state) noexcept;

// The refusal's stable code for the API's `reason` ("" for none).
[[nodiscard]] std::string_view to_string(lifecycle_refusal refusal) noexcept;

// Message previews in the queue are resident text: only the roles that read transcripts see them.
[[nodiscard]] bool may_see_previews(staff_role role) noexcept;

}  // namespace yorisoi::routing
