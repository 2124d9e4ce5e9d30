#pragma once
// What an officer may see of a referral. Pure; thread-safe.
//
// An officer sees a referral only if it reached their unit: the hub once the referral was at the hub,
// a department or platform group once it was forwarded to it. Anything else is invisible (the API
// answers 404, so a foreign referral's existence is not revealed). A visible referral shows its
// number, the consented summary, the category labels chosen for it, the emergency mark when set, and
// the answers — the hub all of them, a recipient unit its own. Once consent is withdrawn, only the
// number and "consent withdrawn" remain (an emergency referral, which never rested on consent, stays
// readable with the withdrawal noted). The transcript, LINE identifiers, the counsellor's notes
// and the proposal's reason are never disclosed: they are listed so that callers and tests can say so.

#include "yorisoi/routing/consent.hpp"
#include "yorisoi/routing/referral.hpp"

#include <vector>

namespace yorisoi::routing {

enum class referral_field {
  referral_number,
  summary,
  category_labels,
  suggested_units,  // the hub only: the units the counsellor suggested (to choose where to forward)
  emergency_mark,
  own_unit_answer,
  all_answers,
  consent_withdrawn_notice,
  // Never disclosed to officers:
  transcript,
  line_identifiers,
  counsellor_notes,
  proposal_reason,
};

struct disclosure {
  bool visible = false;                // false: the referral does not exist for this viewer
  std::vector<referral_field> fields;  // in display order; empty when not visible

  [[nodiscard]] bool shows(referral_field field) const noexcept;
};

// `consent` is the referral's consent as seen now (consent.hpp `state_at`); `viewer` any actor — only
// officers ever see anything here (counsellors use the consultation view).
[[nodiscard]] disclosure disclose_to_officer(const referral& r, consent_state consent, const actor& viewer);

}  // namespace yorisoi::routing
