#include "yorisoi/routing/referral.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

namespace ev = referral_events;
using St = referral_stage;

// A tenant like Yamagata's: the hub, a department, a platform group.
const std::vector<unit_ref> units{
    {"seikatsu-fukushi", unit_kind::hub},
    {"koyo-sosyutsu", unit_kind::department},
    {"hikikomori", unit_kind::platform_group},
};
const std::string dept = "koyo-sosyutsu";
const std::string group = "hikikomori";
const std::string hub = "seikatsu-fukushi";

const actor counsellor = actor::staff(staff_role::counsellor);
const actor supervisor = actor::staff(staff_role::supervisor);
const actor hub_officer = actor::officer(hub, unit_kind::hub);
const actor dept_officer = actor::officer(dept, unit_kind::department);
const actor group_officer = actor::officer(group, unit_kind::platform_group);

referral_context as(actor who, referral_options options = {}) {
  return {std::move(who), options, units};
}

referral at(St stage) {
  referral r;
  r.stage = stage;
  r.suggested_units = {hub};
  if (stage != St::proposed && stage != St::awaiting_consent) {
    r.hub_involved = true;
  }
  if (stage == St::forwarded || stage == St::answered || stage == St::returned || stage == St::closed) {
    r.recipients = {dept, group};
  }
  if (stage == St::answered || stage == St::returned || stage == St::closed) {
    r.answered_by = {dept, group};
  }
  return r;
}

// Each event with an actor allowed to send it (tenant defaults: hub used, answers returned directly).
struct sent {
  referral_event event;
  actor who;
};

std::vector<sent> every_event() {
  return {
      {ev::request_consent{}, counsellor},
      {ev::consent_granted{}, actor::system()},
      {ev::consent_declined{}, actor::system()},
      {ev::consent_expired{}, actor::system()},
      {ev::consent_withdrawn{}, actor::system()},
      {ev::emergency_send{legal_basis::appi_27_1_2, "自殺の危険が切迫している"}, supervisor},
      {ev::forward{{dept, group}}, hub_officer},
      {ev::answer{"生活保護の申請を案内します"}, dept_officer},
      {ev::hub_answer{"生活保護の窓口を案内します"}, hub_officer},
      {ev::return_answers{}, actor::system()},
      {ev::close{}, counsellor},
  };
}

std::string outcome(const rule_result<referral>& result) {
  if (const auto* error = std::get_if<rule_error>(&result)) {
    return error->code;
  }
  return std::string{to_string(std::get<referral>(result).stage)};
}

struct row {
  St stage;
  std::vector<std::string> expected;  // one per event of every_event(), in that order
};

// Every stage × every event: the new stage, or the error code.
TEST(referral_transition, every_stage_and_event) {
  const std::vector<row> rows{
      {St::proposed,
       {"awaiting_consent", "consent_not_requested", "consent_not_requested", "consent_not_requested",
        "consent_not_requested", "at_hub", "not_at_hub", "not_forwarded", "not_at_hub", "not_answered",
        "not_returned"}},
      {St::awaiting_consent,
       {"already_sent", "at_hub", "cancelled", "cancelled", "cancelled", "at_hub", "not_at_hub",
        "not_forwarded", "not_at_hub", "not_answered", "not_returned"}},
      {St::at_hub,
       {"already_sent", "not_awaiting_consent", "not_awaiting_consent", "not_awaiting_consent", "cancelled",
        "already_sent", "forwarded", "not_forwarded", "returned", "not_answered", "not_returned"}},
      {St::forwarded,
       {"already_sent", "not_awaiting_consent", "not_awaiting_consent", "not_awaiting_consent", "cancelled",
        "already_sent", "already_forwarded", "forwarded", "already_forwarded", "not_answered",
        "not_returned"}},
      {St::answered,
       {"already_sent", "not_awaiting_consent", "not_awaiting_consent", "not_awaiting_consent",
        "already_answered", "already_sent", "already_answered", "already_answered", "already_answered",
        "returned", "not_returned"}},
      {St::returned,
       {"already_sent", "not_awaiting_consent", "not_awaiting_consent", "not_awaiting_consent",
        "already_answered", "already_sent", "already_answered", "already_answered", "already_answered",
        "already_returned", "closed"}},
      {St::closed, std::vector<std::string>(11, "already_closed")},
      {St::cancelled, std::vector<std::string>(11, "already_cancelled")},
  };
  const auto events = every_event();
  ASSERT_EQ(rows.size(), 8U) << "every stage has a row";
  for (const auto& r : rows) {
    ASSERT_EQ(r.expected.size(), events.size()) << to_string(r.stage);
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto result = transition(at(r.stage), events[i].event, as(events[i].who));
      EXPECT_EQ(outcome(result), r.expected[i]) << to_string(r.stage) << " + " << event_name(events[i].event);
      if (const auto* error = std::get_if<rule_error>(&result)) {
        EXPECT_FALSE(error->message.empty()) << error->code;
      }
    }
  }
}

TEST(referral_transition, cancellation_says_why) {
  const auto cause_of = [](St stage, const referral_event& event) {
    return std::get<referral>(transition(at(stage), event, as(actor::system()))).cause;
  };
  EXPECT_EQ(cause_of(St::awaiting_consent, ev::consent_declined{}), cancel_cause::consent_declined);
  EXPECT_EQ(cause_of(St::awaiting_consent, ev::consent_expired{}), cancel_cause::consent_expired);
  EXPECT_EQ(cause_of(St::awaiting_consent, ev::consent_withdrawn{}), cancel_cause::consent_withdrawn);
  EXPECT_EQ(cause_of(St::forwarded, ev::consent_withdrawn{}), cancel_cause::consent_withdrawn);
}

struct who_row {
  const char* what;
  St stage;
  referral_event event;
  referral_context ctx;
  std::string expected;
};

TEST(referral_transition, who_may_act_and_with_what) {
  const referral_options through_hub{false, true};
  const std::vector<who_row> rows{
      {"supervisor requests consent", St::proposed, ev::request_consent{}, as(supervisor),
       "awaiting_consent"},
      {"officer cannot request consent", St::proposed, ev::request_consent{}, as(hub_officer),
       "not_counsellor"},
      {"admin cannot request consent", St::proposed, ev::request_consent{},
       as(actor::staff(staff_role::admin)), "not_counsellor"},
      {"department officer cannot forward", St::at_hub, ev::forward{{dept}}, as(dept_officer),
       "not_hub_officer"},
      {"counsellor cannot forward", St::at_hub, ev::forward{{dept}}, as(counsellor), "not_hub_officer"},
      {"supervisor cannot forward", St::at_hub, ev::forward{{dept}}, as(supervisor), "not_hub_officer"},
      {"officer of a hub-kind without a unit id", St::at_hub, ev::forward{{dept}},
       as(actor::officer("", unit_kind::hub)), "not_hub_officer"},
      {"forward to nobody", St::at_hub, ev::forward{{}}, as(hub_officer), "no_units"},
      {"forward to an unknown unit", St::at_hub, ev::forward{{dept, "other-city-unit"}}, as(hub_officer),
       "unknown_unit"},
      {"forward twice to one unit", St::at_hub, ev::forward{{dept, dept}}, as(hub_officer), "duplicate_unit"},
      {"forward to the hub itself", St::at_hub, ev::forward{{hub}}, as(hub_officer), "cannot_forward_to_hub"},
      {"forward to one platform group", St::at_hub, ev::forward{{group}}, as(hub_officer), "forwarded"},
      {"a non-recipient department answers", St::forwarded, ev::answer{"x"},
       as(actor::officer("kodomo", unit_kind::department)), "not_recipient_officer"},
      {"the hub cannot answer for a unit", St::forwarded, ev::answer{"x"}, as(hub_officer),
       "not_recipient_officer"},
      {"a counsellor cannot answer", St::forwarded, ev::answer{"x"}, as(counsellor), "not_recipient_officer"},
      {"an empty answer", St::forwarded, ev::answer{""}, as(dept_officer), "empty_answer"},
      {"an answer of spaces", St::forwarded, ev::answer{" \u3000\n"}, as(group_officer), "empty_answer"},
      {"through the hub: the hub officer returns", St::answered, ev::return_answers{},
       as(hub_officer, through_hub), "returned"},
      {"through the hub: not by the system", St::answered, ev::return_answers{},
       as(actor::system(), through_hub), "not_hub_officer"},
      {"through the hub: not by a department", St::answered, ev::return_answers{},
       as(dept_officer, through_hub), "not_hub_officer"},
      {"directly: not by the hub officer", St::answered, ev::return_answers{}, as(hub_officer),
       "returned_by_system"},
      {"directly: not by a counsellor", St::answered, ev::return_answers{}, as(counsellor),
       "returned_by_system"},
      {"the hub answers itself", St::at_hub, ev::hub_answer{"窓口を案内します"}, as(hub_officer), "returned"},
      {"through the hub: the hub answers itself", St::at_hub, ev::hub_answer{"窓口を案内します"},
       as(hub_officer, through_hub), "returned"},
      {"a department cannot answer at the hub", St::at_hub, ev::hub_answer{"x"}, as(dept_officer),
       "not_hub_officer"},
      {"a counsellor cannot answer at the hub", St::at_hub, ev::hub_answer{"x"}, as(counsellor),
       "not_hub_officer"},
      {"the hub's empty answer", St::at_hub, ev::hub_answer{" \u3000"}, as(hub_officer), "empty_answer"},
      {"supervisor closes", St::returned, ev::close{}, as(supervisor), "closed"},
      {"officer cannot close", St::returned, ev::close{}, as(hub_officer), "not_counsellor"},
      {"emergency by a counsellor", St::proposed, ev::emergency_send{legal_basis::appi_27_1_2, "理由"},
       as(counsellor), "emergency_needs_supervisor"},
      {"emergency by an admin", St::proposed, ev::emergency_send{legal_basis::appi_27_1_2, "理由"},
       as(actor::staff(staff_role::admin)), "emergency_needs_supervisor"},
      {"emergency without a basis", St::proposed, ev::emergency_send{legal_basis::unstated, "理由"},
       as(supervisor), "emergency_needs_basis"},
      {"emergency without a reason", St::proposed, ev::emergency_send{legal_basis::appi_27_1_2, ""},
       as(supervisor), "emergency_needs_reason"},
      {"emergency with a reason of spaces", St::awaiting_consent,
       ev::emergency_send{legal_basis::appi_27_1_2, "\u3000 "}, as(supervisor), "emergency_needs_reason"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(outcome(transition(at(r.stage), r.event, r.ctx)), r.expected) << r.what;
  }
}

TEST(referral_transition, the_hub_answering_itself_is_its_one_recipient_and_returns_at_once) {
  const referral r = std::get<referral>(transition(at(St::at_hub), ev::hub_answer{"窓口を案内します"},
                                                   as(hub_officer, referral_options{false, true})));
  EXPECT_EQ(r.stage, St::returned);
  EXPECT_EQ(r.recipients, std::vector<std::string>{hub});
  EXPECT_EQ(r.answered_by, std::vector<std::string>{hub});
  EXPECT_TRUE(r.hub_involved);
  EXPECT_EQ(event_name(ev::hub_answer{"x"}), "hub_answer");
  // Then the counsellor closes it like any returned referral.
  EXPECT_EQ(outcome(transition(r, ev::close{}, as(counsellor))), "closed");
}

TEST(referral_transition, answers_are_kept_per_unit_until_every_recipient_answered) {
  auto r = at(St::forwarded);
  r = std::get<referral>(transition(r, ev::answer{"就労支援を案内します"}, as(dept_officer)));
  EXPECT_EQ(r.stage, St::forwarded);
  EXPECT_EQ(r.answered_by, std::vector<std::string>{dept});
  EXPECT_EQ(outcome(transition(r, ev::answer{"もう一度"}, as(dept_officer))), "unit_already_answered");
  EXPECT_EQ(outcome(transition(r, ev::return_answers{}, as(actor::system()))), "not_answered");
  r = std::get<referral>(transition(r, ev::answer{"居場所を紹介します"}, as(group_officer)));
  EXPECT_EQ(r.stage, St::answered);
  EXPECT_EQ(r.answered_by, (std::vector<std::string>{dept, group}));
}

TEST(referral_transition, consent_events_do_not_touch_an_emergency_referral) {
  auto r = at(St::at_hub);
  r.emergency = true;
  for (const referral_event& event :
       {referral_event{ev::consent_declined{}}, referral_event{ev::consent_expired{}},
        referral_event{ev::consent_withdrawn{}}}) {
    EXPECT_EQ(outcome(transition(r, event, as(actor::system()))), "emergency_referral") << event_name(event);
  }
  EXPECT_EQ(outcome(transition(r, ev::consent_granted{}, as(actor::system()))), "not_awaiting_consent");
}

TEST(referral_transition, the_whole_way_through_the_hub) {
  const referral_options through_hub{false, true};
  auto r = std::get<referral>(propose({"要約", {}, "生活困窮のため"}, as(counsellor, through_hub)));
  EXPECT_EQ(r.suggested_units, std::vector<std::string>{hub}) << "the hub by default";
  r = std::get<referral>(transition(r, ev::request_consent{}, as(counsellor, through_hub)));
  r = std::get<referral>(transition(r, ev::consent_granted{}, as(actor::system(), through_hub)));
  EXPECT_EQ(r.stage, St::at_hub);
  EXPECT_TRUE(r.hub_involved);
  r = std::get<referral>(transition(r, ev::forward{{dept, group}}, as(hub_officer, through_hub)));
  EXPECT_EQ(r.recipients, (std::vector<std::string>{dept, group}));
  r = std::get<referral>(transition(r, ev::answer{"a"}, as(group_officer, through_hub)));
  r = std::get<referral>(transition(r, ev::answer{"b"}, as(dept_officer, through_hub)));
  EXPECT_EQ(r.stage, St::answered);
  r = std::get<referral>(transition(r, ev::return_answers{}, as(hub_officer, through_hub)));
  r = std::get<referral>(transition(r, ev::close{}, as(counsellor, through_hub)));
  EXPECT_EQ(r.stage, St::closed);
  EXPECT_FALSE(r.emergency);
}

TEST(referral_transition, a_tenant_that_skips_the_hub) {
  const referral_options skip{true, true};  // answers_through_hub has no hub to go through
  EXPECT_EQ(outcome(propose({"要約", {}, "理由"}, as(counsellor, skip))), "no_units");
  EXPECT_EQ(outcome(propose({"要約", {hub}, "理由"}, as(counsellor, skip))), "hub_skipped");
  auto r = std::get<referral>(propose({"要約", {dept, group}, "理由"}, as(counsellor, skip)));
  r = std::get<referral>(transition(r, ev::request_consent{}, as(counsellor, skip)));
  r = std::get<referral>(transition(r, ev::consent_granted{}, as(actor::system(), skip)));
  EXPECT_EQ(r.stage, St::forwarded);
  EXPECT_FALSE(r.hub_involved);
  EXPECT_EQ(r.recipients, (std::vector<std::string>{dept, group}));
  r = std::get<referral>(transition(r, ev::answer{"a"}, as(dept_officer, skip)));
  r = std::get<referral>(transition(r, ev::answer{"b"}, as(group_officer, skip)));
  EXPECT_EQ(outcome(transition(r, ev::return_answers{}, as(hub_officer, skip))), "returned_by_system");
  EXPECT_EQ(outcome(transition(r, ev::return_answers{}, as(actor::system(), skip))), "returned");
}

TEST(referral_transition, emergency_is_marked_and_goes_where_consent_would) {
  const ev::emergency_send send{legal_basis::appi_27_1_2, "本人が危険な状態で連絡が取れない"};
  const auto via_hub = std::get<referral>(transition(at(St::proposed), send, as(supervisor)));
  EXPECT_EQ(via_hub.stage, St::at_hub);
  EXPECT_TRUE(via_hub.emergency);
  auto proposed = at(St::proposed);
  proposed.suggested_units = {dept};
  const auto direct = std::get<referral>(transition(proposed, send, as(supervisor, {true, false})));
  EXPECT_EQ(direct.stage, St::forwarded);
  EXPECT_TRUE(direct.emergency);
  EXPECT_EQ(direct.recipients, std::vector<std::string>{dept});
}

struct proposal_row {
  const char* what;
  proposal p;
  actor who;
  std::string expected;  // "proposed" or an error code
};

TEST(referral_propose, checks) {
  const std::vector<proposal_row> rows{
      {"counsellor, hub by default", {"要約", {}, "理由"}, counsellor, "proposed"},
      {"supervisor, a department and a group", {"要約", {dept, group}, "理由"}, supervisor, "proposed"},
      {"officer", {"要約", {}, "理由"}, hub_officer, "not_counsellor"},
      {"admin", {"要約", {}, "理由"}, actor::staff(staff_role::admin), "not_counsellor"},
      {"analyst", {"要約", {}, "理由"}, actor::staff(staff_role::analyst), "not_counsellor"},
      {"resident", {"要約", {}, "理由"}, actor::resident(), "not_counsellor"},
      {"empty summary", {"", {}, "理由"}, counsellor, "empty_summary"},
      {"summary of spaces", {" \u3000\t", {}, "理由"}, counsellor, "empty_summary"},
      {"empty reason", {"要約", {}, ""}, counsellor, "empty_reason"},
      {"unknown unit", {"要約", {"nowhere"}, "理由"}, counsellor, "unknown_unit"},
      {"a unit twice", {"要約", {group, dept, group}, "理由"}, counsellor, "duplicate_unit"},
      {"the hub named explicitly", {"要約", {hub, dept}, "理由"}, counsellor, "proposed"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(outcome(propose(r.p, as(r.who))), r.expected) << r.what;
  }
  // A tenant without a hub must name the units.
  EXPECT_EQ(outcome(propose({"要約", {}, "理由"}, {counsellor, {}, {{dept, unit_kind::department}}})),
            "no_units");
}

TEST(referral_names, round_trip) {
  for (const St s : {St::proposed, St::awaiting_consent, St::at_hub, St::forwarded, St::answered,
                     St::returned, St::closed, St::cancelled}) {
    EXPECT_EQ(parse_referral_stage(to_string(s)), s);
  }
  EXPECT_FALSE(parse_referral_stage("sent").has_value());
  EXPECT_EQ(parse_legal_basis(to_string(legal_basis::appi_27_1_2)), legal_basis::appi_27_1_2);
  EXPECT_EQ(parse_legal_basis("appi"), legal_basis::unstated);
  EXPECT_EQ(parse_legal_basis(""), legal_basis::unstated);
  EXPECT_EQ(to_string(legal_basis::unstated), "unstated");
}

}  // namespace
}  // namespace yorisoi::routing
