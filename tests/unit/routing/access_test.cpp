#include "yorisoi/routing/access.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

using r = staff_role;
using p = permission;

// The whole table, written out: a change of who may do what must change this test.
struct row {
  permission what;
  std::vector<staff_role> allowed;
};

const std::vector<row> expected{
    {p::own_account, {r::admin, r::supervisor, r::counsellor, r::officer, r::analyst}},
    {p::work_consultations, {r::supervisor, r::counsellor}},
    {p::transfer, {r::supervisor}},
    {p::manage_staff, {r::admin}},
    {p::read_reports, {r::admin, r::supervisor, r::analyst}},
    {p::officer_inbox, {r::officer}},
    {p::emergency_referral, {r::supervisor}},
    {p::supervise_shift, {r::supervisor}},
    {p::set_capacity, {r::admin, r::supervisor}},
};

TEST(access, every_role_and_permission_as_tabled) {
  const std::vector<staff_role> roles{r::admin, r::supervisor, r::counsellor, r::officer, r::analyst};
  for (const auto& [what, allowed] : expected) {
    for (const auto role : roles) {
      const bool want = std::find(allowed.begin(), allowed.end(), role) != allowed.end();
      EXPECT_EQ(allows(role, what), want) << to_string(role) << " permission " << static_cast<int>(what);
    }
  }
}

TEST(access, officers_never_work_consultations) {
  EXPECT_FALSE(allows(r::officer, p::work_consultations));
  EXPECT_FALSE(allows(r::admin, p::work_consultations));
  EXPECT_FALSE(allows(r::analyst, p::work_consultations));
}

TEST(access, only_supervisors_send_referrals_without_consent) {
  EXPECT_TRUE(allows(r::supervisor, p::emergency_referral));
  EXPECT_FALSE(allows(r::counsellor, p::emergency_referral));
  EXPECT_FALSE(allows(r::officer, p::emergency_referral));
  EXPECT_FALSE(allows(r::admin, p::emergency_referral));
}

TEST(access, role_names_round_trip_and_unknown_names_are_refused) {
  for (const char* name : {"admin", "supervisor", "counsellor", "officer", "analyst"}) {
    const auto role = parse_role(name);
    ASSERT_TRUE(role.has_value()) << name;
    EXPECT_EQ(to_string(*role), name);
  }
  EXPECT_FALSE(parse_role("Admin").has_value());
  EXPECT_FALSE(parse_role("").has_value());
  EXPECT_FALSE(parse_role("root").has_value());
}

TEST(access, own_account_changes_never_widen_or_remove_access) {
  struct row {
    own_account_change change;
    bool allowed;
  };
  const row table[] = {
      {{false, false, false}, true},  // display name or password only
      {{true, false, false}, false},  // e.g. admin → supervisor: would read conversations
      {{false, true, false}, false},  // another unit's referrals
      {{false, false, true}, false},  // locking oneself out
      {{true, true, true}, false},
  };
  for (const row& r : table) {
    EXPECT_EQ(allows_own_account_change(r.change), r.allowed)
        << r.change.role << r.change.org_unit << r.change.disable;
  }
}

}  // namespace
}  // namespace yorisoi::routing
