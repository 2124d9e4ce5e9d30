#include "yorisoi/routing/consultation_access.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

using a = lifecycle_action;
using h = holder;
using s = consultation_state;
using x = lifecycle_refusal;
using n = next_holder;
using r = staff_role;

struct row {
  staff_role role;
  lifecycle_action action;
  holder who_holds;
  consultation_state state;
  lifecycle_refusal want;
  consultation_state next;
  next_holder next_who;
};

// Every action from every state a consultation can be in (waiting: nobody holds it; assigned: the actor
// or a colleague; closed: its last holder, or nobody), for the two roles that work on consultations,
// written out: a change of the rule must change this test.
const std::vector<row> table{
    // claim
    {r::counsellor, a::claim, h::nobody, s::waiting, x::none, s::assigned, n::actor},
    {r::counsellor, a::claim, h::actor, s::assigned, x::none, s::assigned, n::unchanged},
    {r::counsellor, a::claim, h::colleague, s::assigned, x::held_by_colleague, s::assigned, n::unchanged},
    {r::counsellor, a::claim, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::claim, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::claim, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::claim, h::nobody, s::waiting, x::none, s::assigned, n::actor},
    {r::supervisor, a::claim, h::actor, s::assigned, x::none, s::assigned, n::unchanged},
    {r::supervisor, a::claim, h::colleague, s::assigned, x::held_by_colleague, s::assigned, n::unchanged},
    {r::supervisor, a::claim, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::claim, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::claim, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
    // release
    {r::counsellor, a::release, h::nobody, s::waiting, x::not_held, s::waiting, n::unchanged},
    {r::counsellor, a::release, h::actor, s::assigned, x::none, s::waiting, n::nobody},
    {r::counsellor, a::release, h::colleague, s::assigned, x::held_by_colleague, s::assigned, n::unchanged},
    {r::counsellor, a::release, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::release, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::release, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::release, h::nobody, s::waiting, x::not_held, s::waiting, n::unchanged},
    {r::supervisor, a::release, h::actor, s::assigned, x::none, s::waiting, n::nobody},
    {r::supervisor, a::release, h::colleague, s::assigned, x::none, s::waiting, n::nobody},
    {r::supervisor, a::release, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::release, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::release, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
    // transfer
    {r::counsellor, a::transfer, h::nobody, s::waiting, x::none, s::assigned, n::target},
    {r::counsellor, a::transfer, h::actor, s::assigned, x::none, s::assigned, n::target},
    {r::counsellor, a::transfer, h::colleague, s::assigned, x::none, s::assigned, n::target},
    {r::counsellor, a::transfer, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::transfer, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::transfer, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::transfer, h::nobody, s::waiting, x::none, s::assigned, n::target},
    {r::supervisor, a::transfer, h::actor, s::assigned, x::none, s::assigned, n::target},
    {r::supervisor, a::transfer, h::colleague, s::assigned, x::none, s::assigned, n::target},
    {r::supervisor, a::transfer, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::transfer, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::transfer, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
    // close
    {r::counsellor, a::close, h::nobody, s::waiting, x::none, s::closed, n::unchanged},
    {r::counsellor, a::close, h::actor, s::assigned, x::none, s::closed, n::unchanged},
    {r::counsellor, a::close, h::colleague, s::assigned, x::held_by_colleague, s::assigned, n::unchanged},
    {r::counsellor, a::close, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::close, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::close, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::close, h::nobody, s::waiting, x::none, s::closed, n::unchanged},
    {r::supervisor, a::close, h::actor, s::assigned, x::none, s::closed, n::unchanged},
    {r::supervisor, a::close, h::colleague, s::assigned, x::none, s::closed, n::unchanged},
    {r::supervisor, a::close, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::close, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::close, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
    // reopen
    {r::counsellor, a::reopen, h::nobody, s::waiting, x::consultation_open, s::waiting, n::unchanged},
    {r::counsellor, a::reopen, h::actor, s::assigned, x::consultation_open, s::assigned, n::unchanged},
    {r::counsellor, a::reopen, h::colleague, s::assigned, x::consultation_open, s::assigned, n::unchanged},
    {r::counsellor, a::reopen, h::nobody, s::closed, x::none, s::assigned, n::actor},
    {r::counsellor, a::reopen, h::actor, s::closed, x::none, s::assigned, n::actor},
    {r::counsellor, a::reopen, h::colleague, s::closed, x::held_by_colleague, s::closed, n::unchanged},
    {r::supervisor, a::reopen, h::nobody, s::waiting, x::consultation_open, s::waiting, n::unchanged},
    {r::supervisor, a::reopen, h::actor, s::assigned, x::consultation_open, s::assigned, n::unchanged},
    {r::supervisor, a::reopen, h::colleague, s::assigned, x::consultation_open, s::assigned, n::unchanged},
    {r::supervisor, a::reopen, h::nobody, s::closed, x::none, s::assigned, n::actor},
    {r::supervisor, a::reopen, h::actor, s::closed, x::none, s::assigned, n::actor},
    {r::supervisor, a::reopen, h::colleague, s::closed, x::none, s::assigned, n::actor},
    // reply
    {r::counsellor, a::reply, h::nobody, s::waiting, x::not_holder, s::waiting, n::unchanged},
    {r::counsellor, a::reply, h::actor, s::assigned, x::none, s::assigned, n::unchanged},
    {r::counsellor, a::reply, h::colleague, s::assigned, x::not_holder, s::assigned, n::unchanged},
    {r::counsellor, a::reply, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::reply, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::counsellor, a::reply, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::reply, h::nobody, s::waiting, x::not_holder, s::waiting, n::unchanged},
    {r::supervisor, a::reply, h::actor, s::assigned, x::none, s::assigned, n::unchanged},
    {r::supervisor, a::reply, h::colleague, s::assigned, x::not_holder, s::assigned, n::unchanged},
    {r::supervisor, a::reply, h::nobody, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::reply, h::actor, s::closed, x::consultation_closed, s::closed, n::unchanged},
    {r::supervisor, a::reply, h::colleague, s::closed, x::consultation_closed, s::closed, n::unchanged},
};

TEST(consultation_lifecycle, every_row_as_tabled) {
  for (const auto& [role, action, who_holds, state, want, next, next_who] : table) {
    const lifecycle_step step = lifecycle_next(role, action, who_holds, state);
    const std::string where =
        std::string(to_string(role)) + " action " + std::to_string(static_cast<int>(action)) + " holder " +
        std::to_string(static_cast<int>(who_holds)) + " state " + std::string(to_string(state));
    EXPECT_EQ(step.refusal, want) << where;
    EXPECT_EQ(step.state, next) << where;
    EXPECT_EQ(step.holder, next_who) << where;
  }
}

TEST(consultation_lifecycle, roles_without_consultation_work_are_refused_everything) {
  for (const auto role : {r::admin, r::officer, r::analyst}) {
    for (const auto action : {a::claim, a::release, a::transfer, a::close, a::reopen, a::reply}) {
      for (const auto who_holds : {h::nobody, h::actor, h::colleague}) {
        for (const auto state : {s::waiting, s::assigned, s::closed}) {
          const lifecycle_step step = lifecycle_next(role, action, who_holds, state);
          EXPECT_EQ(step.refusal, x::not_counsellor) << to_string(role);
          EXPECT_FALSE(step.changes(state));
        }
      }
    }
  }
}

TEST(consultation_lifecycle, claiming_what_one_holds_and_replying_change_nothing) {
  EXPECT_FALSE(lifecycle_next(r::counsellor, a::claim, h::actor, s::assigned).changes(s::assigned));
  EXPECT_FALSE(lifecycle_next(r::counsellor, a::reply, h::actor, s::assigned).changes(s::assigned));
  EXPECT_TRUE(lifecycle_next(r::counsellor, a::claim, h::nobody, s::waiting).changes(s::waiting));
  EXPECT_TRUE(lifecycle_next(r::supervisor, a::transfer, h::actor, s::assigned).changes(s::assigned));
  EXPECT_TRUE(lifecycle_next(r::counsellor, a::close, h::actor, s::assigned).changes(s::assigned));
}

instant at_minute(int minute) {
  return instant{std::chrono::minutes{minute}};
}

TEST(consultation_lifecycle, idle_close) {
  const std::chrono::minutes day{24 * 60};
  const idle_facts quiet{s::assigned, false, at_minute(0)};
  EXPECT_FALSE(closes_when_idle(quiet, at_minute(24 * 60 - 1), day));
  EXPECT_TRUE(closes_when_idle(quiet, at_minute(24 * 60), day));
  EXPECT_TRUE(closes_when_idle(idle_facts{s::waiting, false, at_minute(0)}, at_minute(24 * 60), day));
  EXPECT_FALSE(closes_when_idle(quiet, at_minute(100000), std::chrono::minutes{0}));  // 0 = never
  // A resident waiting for an answer is never closed, however long the silence.
  EXPECT_FALSE(closes_when_idle(idle_facts{s::waiting, true, at_minute(0)}, at_minute(100000), day));
  EXPECT_FALSE(closes_when_idle(idle_facts{s::closed, false, at_minute(0)}, at_minute(100000), day));
}

TEST(consultation_lifecycle, states_and_refusals_have_stable_codes) {
  EXPECT_EQ(to_string(s::waiting), "waiting");
  EXPECT_EQ(to_string(s::assigned), "assigned");
  EXPECT_EQ(to_string(s::closed), "closed");
  for (const auto state : {s::waiting, s::assigned, s::closed}) {
    consultation_state parsed = s::closed;
    ASSERT_TRUE(parse_state(to_string(state), parsed));
    EXPECT_EQ(parsed, state);
  }
  consultation_state unused = s::waiting;
  EXPECT_FALSE(parse_state("open", unused));
  EXPECT_EQ(to_string(x::none), "");
  EXPECT_EQ(to_string(x::not_counsellor), "not_counsellor");
  EXPECT_EQ(to_string(x::held_by_colleague), "held_by_colleague");
  EXPECT_EQ(to_string(x::not_held), "not_held");
  EXPECT_EQ(to_string(x::not_holder), "not_holder");
  EXPECT_EQ(to_string(x::consultation_closed), "consultation_closed");
  EXPECT_EQ(to_string(x::consultation_open), "consultation_open");
}

TEST(consultation_lifecycle, previews_only_for_those_who_read_transcripts) {
  EXPECT_TRUE(may_see_previews(r::counsellor));
  EXPECT_TRUE(may_see_previews(r::supervisor));
  EXPECT_FALSE(may_see_previews(r::officer));
  EXPECT_FALSE(may_see_previews(r::analyst));
  EXPECT_FALSE(may_see_previews(r::admin));
}

}  // namespace
}  // namespace yorisoi::routing
