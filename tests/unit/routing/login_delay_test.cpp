#include "yorisoi/routing/login_delay.hpp"

#include <gtest/gtest.h>

#include <climits>

namespace yorisoi::routing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

const login_delay_rule rule{5, seconds{1}, seconds{15 * 60}};

TEST(login_delay, grows_from_the_free_failures_to_the_cap) {
  struct row {
    unsigned failures;
    seconds delay;
  };
  const row table[] = {{0, seconds{0}},    {4, seconds{0}},      {5, seconds{1}},         {6, seconds{2}},
                       {7, seconds{4}},    {8, seconds{8}},      {14, seconds{512}},      {15, seconds{900}},
                       {16, seconds{900}}, {1000, seconds{900}}, {UINT_MAX, seconds{900}}};
  for (const row& r : table) {
    EXPECT_EQ(delay_after(rule, r.failures), r.delay) << r.failures << " failures";
  }
}

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

TEST(login_delay, the_wait_is_what_is_left_of_the_delay_rounded_up) {
  struct row {
    const char* what;
    unsigned failures;
    milliseconds since_latest;  // now - latest failure
    seconds wait;
  };
  const row table[] = {
      {"under the free failures", 4, milliseconds{0}, seconds{0}},
      {"just after the fifth", 5, milliseconds{1}, seconds{1}},
      {"the first delay has passed", 5, milliseconds{1000}, seconds{0}},
      {"the eighth, 2.5 s later: 8 - 2.5 rounds up to 6", 8, milliseconds{2500}, seconds{6}},
      {"at the cap, 100 s later", 20, milliseconds{100'000}, seconds{800}},
      {"at the cap, long after", 20, milliseconds{900'000}, seconds{0}},
      {"a latest failure in the future (clock skew) waits the whole delay at most", 6, milliseconds{-500},
       seconds{2}},
  };
  const auto latest = system_clock::time_point{seconds{1'700'000'000}};
  for (const row& r : table) {
    EXPECT_EQ(wait_before_attempt(rule, r.failures, latest, latest + r.since_latest), r.wait) << r.what;
  }
}

}  // namespace
}  // namespace yorisoi::routing
