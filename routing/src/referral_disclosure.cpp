#include "yorisoi/routing/referral_disclosure.hpp"

#include <algorithm>

namespace yorisoi::routing {

bool disclosure::shows(referral_field field) const noexcept {
  return std::find(fields.begin(), fields.end(), field) != fields.end();
}

disclosure disclose_to_officer(const referral& r, consent_state consent, const actor& viewer) {
  disclosure out;
  if (viewer.kind != actor_kind::staff || viewer.role != staff_role::officer || viewer.unit_id.empty()) {
    return out;
  }
  const bool as_hub = viewer.unit == unit_kind::hub && r.hub_involved;
  const bool as_recipient =
      std::find(r.recipients.begin(), r.recipients.end(), viewer.unit_id) != r.recipients.end();
  if (!as_hub && !as_recipient) {
    return out;
  }
  out.visible = true;
  out.fields.push_back(referral_field::referral_number);
  const bool withdrawn = consent == consent_state::withdrawn || r.cause == cancel_cause::consent_withdrawn;
  // A referral that rested on consent shows nothing more once consent is withdrawn. An emergency
  // referral rests on the law, not on consent: it stays readable, with the withdrawal noted.
  if (withdrawn && !r.emergency) {
    out.fields.push_back(referral_field::consent_withdrawn_notice);
    return out;
  }
  out.fields.push_back(referral_field::summary);
  out.fields.push_back(referral_field::category_labels);
  if (as_hub) {
    out.fields.push_back(referral_field::suggested_units);
  }
  if (r.emergency) {
    out.fields.push_back(referral_field::emergency_mark);
  }
  if (as_hub) {
    out.fields.push_back(referral_field::all_answers);
  } else {
    out.fields.push_back(referral_field::own_unit_answer);
  }
  if (withdrawn) {
    out.fields.push_back(referral_field::consent_withdrawn_notice);
  }
  return out;
}

}  // namespace yorisoi::routing
