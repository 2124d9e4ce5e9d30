#pragma once
// On shift: a counsellor's presence (対応可 / 離席 / 終了), what changing it does to the consultations
// they hold, and how many open consultations they may hold (capacity). Pure, total, never throws;
// thread-safe. Storage applies the decision to the locked rows; the console mirrors the refusals.
//
//   any --available--> available   (takes consultations again)
//   any --away-->      away         (keeps what they hold; takes nothing new automatically)
//   any --off-->       off          (what they hold goes back to the queue, with a handover note on
//                                    each: without a note, going off while holding any is refused)
//
// Presence is "off" whenever the person has no live session: logging out or the session ending sets off.
//
// Capacity: a counsellor holding `capacity` open consultations or more may not claim another
// (over_capacity). A supervisor may go beyond it: a transfer to anyone, a supervisor's own claim. No
// capacity (neither the person's own nor the tenant's) is no limit.

#include "yorisoi/routing/access.hpp"

#include <cstddef>
#include <optional>
#include <string_view>

namespace yorisoi::routing {

enum class presence { available, away, off };

// The stable name, as stored and as the API shows it: available | away | off.
[[nodiscard]] std::string_view to_string(presence p) noexcept;
[[nodiscard]] std::optional<presence> parse_presence(std::string_view text) noexcept;

enum class presence_refusal {
  none,
  handover_note_required,  // going off while holding open consultations, without a note
};

struct presence_step {
  presence_refusal refusal = presence_refusal::none;
  presence next = presence::off;  // after the step (meaningless when refused)
  bool return_held = false;       // the held open consultations go back to the queue, each with the note
};

// `held`: open consultations the person holds now; `has_note`: a handover note (not only spaces) came.
[[nodiscard]] presence_step presence_next(presence to, std::size_t held, bool has_note) noexcept;

// The refusal's stable code for the API's `reason` ("" for none).
[[nodiscard]] std::string_view to_string(presence_refusal refusal) noexcept;

// The bounds of any capacity (the tenant's default and a person's own).
inline constexpr unsigned capacity_min = 1;
inline constexpr unsigned capacity_max = 50;

// The person's own capacity when set, else the tenant's default; none = no limit.
[[nodiscard]] std::optional<unsigned> effective_capacity(std::optional<unsigned> own,
                                                         std::optional<unsigned> tenant_default) noexcept;

enum class capacity_refusal { none, over_capacity };

// Whether `role` may take one more consultation for themselves while holding `held` open ones.
[[nodiscard]] capacity_refusal may_take_another(staff_role role, std::size_t held,
                                                std::optional<unsigned> capacity) noexcept;

[[nodiscard]] std::string_view to_string(capacity_refusal refusal) noexcept;

}  // namespace yorisoi::routing
