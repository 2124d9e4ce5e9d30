#include "yorisoi/routing/role_raise.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

using r = staff_role;
using o = role_change_outcome;

TEST(role_raise, who_needs_a_second_admin) {
  struct row {
    const char* what;
    std::optional<staff_role> before;
    staff_role after;
    bool by_admin;
    unsigned other_admins;
    role_change_outcome outcome;
  };
  const row table[] = {
      {"new counsellor, another admin exists", std::nullopt, r::counsellor, true, 1, o::await_confirmation},
      {"new supervisor, two others", std::nullopt, r::supervisor, true, 2, o::await_confirmation},
      {"new counsellor, the only admin", std::nullopt, r::counsellor, true, 0, o::apply_unconfirmed},
      {"new counsellor from the command line", std::nullopt, r::counsellor, false, 0, o::apply},
      {"new analyst", std::nullopt, r::analyst, true, 1, o::apply},
      {"new officer", std::nullopt, r::officer, true, 1, o::apply},
      {"new admin", std::nullopt, r::admin, true, 1, o::apply},
      {"analyst raised to counsellor", r::analyst, r::counsellor, true, 1, o::await_confirmation},
      {"officer raised to supervisor", r::officer, r::supervisor, true, 1, o::await_confirmation},
      {"admin raised to counsellor", r::admin, r::counsellor, true, 1, o::await_confirmation},
      {"counsellor raised to supervisor", r::counsellor, r::supervisor, true, 1, o::await_confirmation},
      {"supervisor lowered to counsellor", r::supervisor, r::counsellor, true, 1, o::apply},
      {"counsellor to analyst", r::counsellor, r::analyst, true, 1, o::apply},
      {"counsellor unchanged", r::counsellor, r::counsellor, true, 1, o::apply},
      {"analyst to admin", r::analyst, r::admin, true, 1, o::apply},
      {"analyst to counsellor, the only admin", r::analyst, r::counsellor, true, 0, o::apply_unconfirmed},
  };
  for (const row& c : table) {
    EXPECT_EQ(decide_role_change({c.before, c.after, c.by_admin, c.other_admins}), c.outcome) << c.what;
  }
}

TEST(role_raise, who_may_confirm) {
  struct row {
    const char* what;
    bool awaiting;
    const char* raised_by;
    const char* account;
    const char* confirmer;
    confirmation_check check;
  };
  const row table[] = {
      {"another admin", true, "a1", "u1", "a2", confirmation_check::allowed},
      {"the raiser", true, "a1", "u1", "a1", confirmation_check::same_admin},
      {"the account itself (an admin being raised)", true, "a1", "a2", "a2", confirmation_check::own_account},
      {"nothing pending", false, "", "u1", "a2", confirmation_check::nothing_pending},
      {"nothing pending, even for the raiser", false, "a1", "u1", "a1", confirmation_check::nothing_pending},
  };
  for (const row& c : table) {
    EXPECT_EQ(check_confirmation({c.awaiting, c.raised_by, c.account, c.confirmer}), c.check) << c.what;
  }
}

}  // namespace
}  // namespace yorisoi::routing
