#include "yorisoi/routing/consultation_access.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

using a = lifecycle_action;
using h = holder;
using s = consultation_state;
using x = lifecycle_refusal;
using r = staff_role;

struct row {
  staff_role role;
  lifecycle_action action;
  holder who_holds;
  consultation_state state;
  lifecycle_refusal want;
};

// The whole table for the two roles that work on consultations, written out: a change of the rule
// must change this test.
const std::vector<row> table{
    // close
    {r::counsellor, a::close, h::nobody, s::waiting, x::none},
    {r::counsellor, a::close, h::actor, s::assigned, x::none},
    {r::counsellor, a::close, h::colleague, s::assigned, x::held_by_colleague},
    {r::counsellor, a::close, h::nobody, s::closed, x::consultation_closed},
    {r::counsellor, a::close, h::actor, s::closed, x::consultation_closed},
    {r::counsellor, a::close, h::colleague, s::closed, x::consultation_closed},
    {r::supervisor, a::close, h::nobody, s::waiting, x::none},
    {r::supervisor, a::close, h::actor, s::assigned, x::none},
    {r::supervisor, a::close, h::colleague, s::assigned, x::none},
    {r::supervisor, a::close, h::colleague, s::closed, x::consultation_closed},
    // release
    {r::counsellor, a::release, h::nobody, s::waiting, x::not_held},
    {r::counsellor, a::release, h::actor, s::assigned, x::none},
    {r::counsellor, a::release, h::colleague, s::assigned, x::held_by_colleague},
    {r::counsellor, a::release, h::actor, s::closed, x::consultation_closed},
    {r::counsellor, a::release, h::colleague, s::closed, x::consultation_closed},
    {r::supervisor, a::release, h::nobody, s::waiting, x::not_held},
    {r::supervisor, a::release, h::actor, s::assigned, x::none},
    {r::supervisor, a::release, h::colleague, s::assigned, x::none},
    {r::supervisor, a::release, h::colleague, s::closed, x::consultation_closed},
    // reopen (a closed consultation keeps its last holder)
    {r::counsellor, a::reopen, h::nobody, s::closed, x::none},
    {r::counsellor, a::reopen, h::actor, s::closed, x::none},
    {r::counsellor, a::reopen, h::colleague, s::closed, x::held_by_colleague},
    {r::counsellor, a::reopen, h::actor, s::assigned, x::consultation_open},
    {r::counsellor, a::reopen, h::nobody, s::waiting, x::consultation_open},
    {r::counsellor, a::reopen, h::colleague, s::assigned, x::consultation_open},
    {r::supervisor, a::reopen, h::nobody, s::closed, x::none},
    {r::supervisor, a::reopen, h::actor, s::closed, x::none},
    {r::supervisor, a::reopen, h::colleague, s::closed, x::none},
    {r::supervisor, a::reopen, h::colleague, s::assigned, x::consultation_open},
};

TEST(consultation_access, every_row_as_tabled) {
  for (const auto& [role, action, who_holds, state, want] : table) {
    EXPECT_EQ(lifecycle_check(role, action, who_holds, state), want)
        << to_string(role) << " action " << static_cast<int>(action) << " holder "
        << static_cast<int>(who_holds) << " state " << static_cast<int>(state);
  }
}

TEST(consultation_access, roles_without_consultation_work_are_refused_everything) {
  for (const auto role : {r::admin, r::officer, r::analyst}) {
    for (const auto action : {a::close, a::release, a::reopen}) {
      for (const auto who_holds : {h::nobody, h::actor, h::colleague}) {
        for (const auto state : {s::waiting, s::assigned, s::closed}) {
          EXPECT_EQ(lifecycle_check(role, action, who_holds, state), x::not_counsellor) << to_string(role);
        }
      }
    }
  }
}

TEST(consultation_access, refusals_have_stable_codes) {
  EXPECT_EQ(to_string(x::none), "");
  EXPECT_EQ(to_string(x::not_counsellor), "not_counsellor");
  EXPECT_EQ(to_string(x::held_by_colleague), "held_by_colleague");
  EXPECT_EQ(to_string(x::not_held), "not_held");
  EXPECT_EQ(to_string(x::consultation_closed), "consultation_closed");
  EXPECT_EQ(to_string(x::consultation_open), "consultation_open");
}

TEST(consultation_access, previews_only_for_those_who_read_transcripts) {
  EXPECT_TRUE(may_see_previews(r::counsellor));
  EXPECT_TRUE(may_see_previews(r::supervisor));
  EXPECT_FALSE(may_see_previews(r::officer));
  EXPECT_FALSE(may_see_previews(r::analyst));
  EXPECT_FALSE(may_see_previews(r::admin));
}

}  // namespace
}  // namespace yorisoi::routing
