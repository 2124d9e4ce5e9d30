#include "yorisoi/routing/account_gate.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

using s = account_step;
using pend = account_pending;

TEST(account_gate, nothing_pending_admits_every_route) {
  EXPECT_EQ(pending_step({}), pend::nothing);
  for (const auto step : {s::other, s::session, s::password_change, s::factor_enrolment}) {
    EXPECT_TRUE(gate_admits(pend::nothing, step));
  }
  EXPECT_FALSE(gate_reason(pend::nothing).has_value());
}

TEST(account_gate, a_password_set_by_an_admin_admits_only_the_session_and_the_change) {
  const auto pending = pending_step({.must_change_password = true});
  EXPECT_EQ(pending, pend::password_change);
  EXPECT_TRUE(gate_admits(pending, s::session));
  EXPECT_TRUE(gate_admits(pending, s::password_change));
  EXPECT_FALSE(gate_admits(pending, s::other));
  EXPECT_FALSE(gate_admits(pending, s::factor_enrolment));
  EXPECT_EQ(gate_reason(pending), "password_change_required");
}

TEST(account_gate, a_required_factor_missing_admits_only_the_session_and_enrolment) {
  const auto pending = pending_step({.factor_required = true});
  EXPECT_EQ(pending, pend::factor_enrolment);
  EXPECT_TRUE(gate_admits(pending, s::session));
  EXPECT_TRUE(gate_admits(pending, s::factor_enrolment));
  EXPECT_FALSE(gate_admits(pending, s::other));
  EXPECT_FALSE(gate_admits(pending, s::password_change));
  EXPECT_EQ(gate_reason(pending), "second_factor_enrolment_required");
}

TEST(account_gate, the_password_comes_before_the_factor_and_a_confirmed_factor_satisfies) {
  EXPECT_EQ(pending_step({.must_change_password = true, .factor_required = true}), pend::password_change);
  EXPECT_EQ(pending_step({.factor_required = true, .has_factor = true}), pend::nothing);
  EXPECT_EQ(pending_step({.has_factor = true}), pend::nothing);
}

TEST(account_gate, required_for_readers_means_counsellors_and_supervisors) {
  EXPECT_TRUE(second_factor_required(true, staff_role::counsellor));
  EXPECT_TRUE(second_factor_required(true, staff_role::supervisor));
  for (const auto role : {staff_role::admin, staff_role::officer, staff_role::analyst}) {
    EXPECT_FALSE(second_factor_required(true, role));
  }
  for (const auto role : {staff_role::admin, staff_role::supervisor, staff_role::counsellor,
                          staff_role::officer, staff_role::analyst}) {
    EXPECT_FALSE(second_factor_required(false, role));
  }
}

}  // namespace
}  // namespace yorisoi::routing
