#include "yorisoi/routing/role_raise.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

using r = staff_role;
using o = role_change_outcome;

struct change_case {
  const char* what;
  std::optional<staff_role> before;
  staff_role after;
  bool by_admin;
  unsigned other_admins;
  role_change_outcome outcome;
};

class role_change_table : public ::testing::TestWithParam<change_case> {};

TEST_P(role_change_table, decides) {
  const auto& c = GetParam();
  EXPECT_EQ(decide_role_change({c.before, c.after, c.by_admin, c.other_admins}), c.outcome) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    rule, role_change_table,
    ::testing::Values(
        change_case{"new counsellor, another admin exists", std::nullopt, r::counsellor, true, 1,
                    o::await_confirmation},
        change_case{"new supervisor, two others", std::nullopt, r::supervisor, true, 2,
                    o::await_confirmation},
        change_case{"new counsellor, the only admin", std::nullopt, r::counsellor, true, 0,
                    o::apply_unconfirmed},
        change_case{"new counsellor from the command line", std::nullopt, r::counsellor, false, 0, o::apply},
        change_case{"new analyst", std::nullopt, r::analyst, true, 1, o::apply},
        change_case{"new officer", std::nullopt, r::officer, true, 1, o::apply},
        change_case{"new admin", std::nullopt, r::admin, true, 1, o::apply},
        change_case{"analyst raised to counsellor", r::analyst, r::counsellor, true, 1,
                    o::await_confirmation},
        change_case{"officer raised to supervisor", r::officer, r::supervisor, true, 1,
                    o::await_confirmation},
        change_case{"admin raised to counsellor", r::admin, r::counsellor, true, 1, o::await_confirmation},
        change_case{"counsellor raised to supervisor", r::counsellor, r::supervisor, true, 1,
                    o::await_confirmation},
        change_case{"supervisor lowered to counsellor", r::supervisor, r::counsellor, true, 1, o::apply},
        change_case{"counsellor to analyst", r::counsellor, r::analyst, true, 1, o::apply},
        change_case{"counsellor unchanged", r::counsellor, r::counsellor, true, 1, o::apply},
        change_case{"analyst to admin", r::analyst, r::admin, true, 1, o::apply},
        change_case{"analyst to counsellor, the only admin", r::analyst, r::counsellor, true, 0,
                    o::apply_unconfirmed}));

struct confirmation_case {
  const char* what;
  bool awaiting;
  const char* raised_by;
  const char* account;
  const char* confirmer;
  confirmation_check check;
};

class confirmation_table : public ::testing::TestWithParam<confirmation_case> {};

TEST_P(confirmation_table, decides) {
  const auto& c = GetParam();
  EXPECT_EQ(check_confirmation({c.awaiting, c.raised_by, c.account, c.confirmer}), c.check) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    rule, confirmation_table,
    ::testing::Values(confirmation_case{"another admin", true, "a1", "u1", "a2", confirmation_check::allowed},
                      confirmation_case{"the raiser", true, "a1", "u1", "a1", confirmation_check::same_admin},
                      confirmation_case{"the account itself (an admin being raised)", true, "a1", "a2", "a2",
                                        confirmation_check::own_account},
                      confirmation_case{"nothing pending", false, "", "u1", "a2",
                                        confirmation_check::nothing_pending},
                      confirmation_case{"nothing pending, even for the raiser", false, "a1", "u1", "a1",
                                        confirmation_check::nothing_pending}));

}  // namespace
}  // namespace yorisoi::routing
