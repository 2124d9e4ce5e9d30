#include "yorisoi/routing/referral_disclosure.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

using F = referral_field;
using fields = std::vector<referral_field>;

const std::string hub = "seikatsu-fukushi";
const std::string dept = "koyo-sosyutsu";
const std::string group = "hikikomori";

const actor hub_officer = actor::officer(hub, unit_kind::hub);
const actor dept_officer = actor::officer(dept, unit_kind::department);
const actor other_dept_officer = actor::officer("kodomo", unit_kind::department);

referral make(referral_stage stage, bool hub_involved, std::vector<std::string> recipients) {
  referral r;
  r.stage = stage;
  r.hub_involved = hub_involved;
  r.recipients = std::move(recipients);
  return r;
}

const fields hub_view{F::referral_number, F::summary, F::category_labels, F::suggested_units, F::all_answers};
const fields unit_view{F::referral_number, F::summary, F::category_labels, F::own_unit_answer};
const fields withdrawn_view{F::referral_number, F::consent_withdrawn_notice};
const fields nothing{};

struct row {
  const char* what;
  referral r;
  consent_state consent;
  actor viewer;
  bool visible;
  fields expected;
};

TEST(referral_disclosure, table) {
  auto emergency = make(referral_stage::forwarded, true, {dept});
  emergency.emergency = true;
  auto cancelled = make(referral_stage::cancelled, true, {dept, group});
  cancelled.cause = cancel_cause::consent_withdrawn;
  const std::vector<row> rows{
      {"awaiting consent: nobody", make(referral_stage::awaiting_consent, false, {}),
       consent_state::requested, hub_officer, false, nothing},
      {"at the hub: the hub", make(referral_stage::at_hub, true, {}), consent_state::granted, hub_officer,
       true, hub_view},
      {"at the hub: not yet a department", make(referral_stage::at_hub, true, {}), consent_state::granted,
       dept_officer, false, nothing},
      {"forwarded: the recipient", make(referral_stage::forwarded, true, {dept}), consent_state::granted,
       dept_officer, true, unit_view},
      {"forwarded: the hub still sees it", make(referral_stage::forwarded, true, {dept}),
       consent_state::granted, hub_officer, true, hub_view},
      {"forwarded: another department does not", make(referral_stage::forwarded, true, {dept}),
       consent_state::granted, other_dept_officer, false, nothing},
      {"hub skipped: the hub does not", make(referral_stage::forwarded, false, {dept}),
       consent_state::granted, hub_officer, false, nothing},
      {"answered: the recipient", make(referral_stage::answered, true, {dept}), consent_state::granted,
       dept_officer, true, unit_view},
      {"closed: the recipient keeps its view", make(referral_stage::closed, true, {dept}),
       consent_state::granted, dept_officer, true, unit_view},
      {"withdrawn after forwarding: the hub", cancelled, consent_state::withdrawn, hub_officer, true,
       withdrawn_view},
      {"withdrawn after forwarding: a recipient", cancelled, consent_state::withdrawn, dept_officer, true,
       withdrawn_view},
      {"withdrawn after answering: only the notice", make(referral_stage::returned, true, {dept}),
       consent_state::withdrawn, dept_officer, true, withdrawn_view},
      {"cancelled by a decline: never seen", make(referral_stage::cancelled, false, {}),
       consent_state::declined, hub_officer, false, nothing},
      {"emergency: marked",
       emergency,
       consent_state::none,
       dept_officer,
       true,
       {F::referral_number, F::summary, F::category_labels, F::emergency_mark, F::own_unit_answer}},
      {"emergency, consent withdrawn later: still readable, noted",
       emergency,
       consent_state::withdrawn,
       hub_officer,
       true,
       {F::referral_number, F::summary, F::category_labels, F::suggested_units, F::emergency_mark,
        F::all_answers, F::consent_withdrawn_notice}},
      {"a counsellor is not an officer", make(referral_stage::forwarded, true, {dept}),
       consent_state::granted, actor::staff(staff_role::counsellor), false, nothing},
      {"a supervisor is not an officer", make(referral_stage::forwarded, true, {dept}),
       consent_state::granted, actor::staff(staff_role::supervisor), false, nothing},
      {"the resident", make(referral_stage::forwarded, true, {dept}), consent_state::granted,
       actor::resident(), false, nothing},
  };
  for (const auto& r : rows) {
    const auto seen = disclose_to_officer(r.r, r.consent, r.viewer);
    EXPECT_EQ(seen.visible, r.visible) << r.what;
    EXPECT_EQ(seen.fields, r.expected) << r.what;
  }
}

TEST(referral_disclosure, never_the_transcript_line_ids_notes_or_reason) {
  const std::vector<actor> viewers{hub_officer, dept_officer, other_dept_officer};
  for (const auto stage : {referral_stage::at_hub, referral_stage::forwarded, referral_stage::answered,
                           referral_stage::returned, referral_stage::closed, referral_stage::cancelled}) {
    for (const bool emergency : {false, true}) {
      for (const auto consent : {consent_state::none, consent_state::granted, consent_state::withdrawn}) {
        auto r = make(stage, true, {dept});
        r.emergency = emergency;
        for (const auto& viewer : viewers) {
          const auto seen = disclose_to_officer(r, consent, viewer);
          for (const auto never :
               {F::transcript, F::line_identifiers, F::counsellor_notes, F::proposal_reason}) {
            EXPECT_FALSE(seen.shows(never)) << to_string(stage) << " field " << static_cast<int>(never);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace yorisoi::routing
