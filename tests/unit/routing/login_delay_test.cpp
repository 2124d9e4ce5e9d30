#include "yorisoi/routing/login_delay.hpp"

#include <gtest/gtest.h>

#include <climits>

namespace yorisoi::routing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

const login_delay_rule rule{5, seconds{1}, seconds{15 * 60}};

struct delay_case {
  unsigned failures;
  seconds delay;
};

class login_delay_table : public ::testing::TestWithParam<delay_case> {};

TEST_P(login_delay_table, grows_from_the_free_failures_to_the_cap) {
  EXPECT_EQ(delay_after(rule, GetParam().failures), GetParam().delay) << GetParam().failures << " failures";
}

INSTANTIATE_TEST_SUITE_P(rule, login_delay_table,
                         ::testing::Values(delay_case{0, seconds{0}}, delay_case{4, seconds{0}},
                                           delay_case{5, seconds{1}}, delay_case{6, seconds{2}},
                                           delay_case{7, seconds{4}}, delay_case{8, seconds{8}},
                                           delay_case{14, seconds{512}}, delay_case{15, seconds{900}},
                                           delay_case{16, seconds{900}}, delay_case{1000, seconds{900}},
                                           delay_case{UINT_MAX, seconds{900}}));

TEST(login_delay, a_larger_first_delay_doubles_likewise) {
  const login_delay_rule slow{3, seconds{60}, seconds{300}};
  EXPECT_EQ(delay_after(slow, 2), seconds{0});
  EXPECT_EQ(delay_after(slow, 3), seconds{60});
  EXPECT_EQ(delay_after(slow, 4), seconds{120});
  EXPECT_EQ(delay_after(slow, 5), seconds{240});
  EXPECT_EQ(delay_after(slow, 6), seconds{300});
}

TEST(login_delay, no_free_failures_delays_from_the_first) {
  const login_delay_rule strict{0, seconds{2}, seconds{10}};
  EXPECT_EQ(delay_after(strict, 0), seconds{2});
  EXPECT_EQ(delay_after(strict, 1), seconds{4});
}

struct wait_case {
  const char* what;
  unsigned failures;
  milliseconds since_latest;  // now - latest failure
  seconds wait;
};

class login_wait_table : public ::testing::TestWithParam<wait_case> {};

TEST_P(login_wait_table, is_what_is_left_of_the_delay_rounded_up) {
  const auto latest = system_clock::time_point{seconds{1'700'000'000}};
  const auto& c = GetParam();
  EXPECT_EQ(wait_before_attempt(rule, c.failures, latest, latest + c.since_latest), c.wait) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    rule, login_wait_table,
    ::testing::Values(wait_case{"under the free failures", 4, milliseconds{0}, seconds{0}},
                      wait_case{"just after the fifth", 5, milliseconds{1}, seconds{1}},
                      wait_case{"the first delay has passed", 5, milliseconds{1000}, seconds{0}},
                      wait_case{"the eighth, 2.5 s later: 8 - 2.5 rounds up to 6", 8, milliseconds{2500},
                                seconds{6}},
                      wait_case{"at the cap, 100 s later", 20, milliseconds{100'000}, seconds{800}},
                      wait_case{"at the cap, long after", 20, milliseconds{900'000}, seconds{0}},
                      wait_case{"a latest failure in the future (clock skew) waits the whole delay at most",
                                6, milliseconds{-500}, seconds{2}}));

}  // namespace
}  // namespace yorisoi::routing
