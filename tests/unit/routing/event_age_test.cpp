#include "yorisoi/routing/event_age.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace yorisoi::routing {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

constexpr std::int64_t now = 1'796'000'000'000;  // 2026-11-29T…Z
constexpr milliseconds five_years = hours(24 * 1825);

struct age_case {
  const char* name;
  std::int64_t event_ms;
  milliseconds window;
  bool stale;
};

TEST(event_age, table) {
  const age_case cases[] = {
      {"just now", now, five_years, false},
      {"a minute ago", now - 60'000, five_years, false},
      {"in the future (clock skew)", now + 3'600'000, five_years, false},
      {"one ms inside the window", now - five_years.count() + 1, five_years, false},
      {"exactly at the purge cutoff", now - five_years.count(), five_years, true},
      {"one ms past the window", now - five_years.count() - 1, five_years, true},
      {"2023 with a 30-day window", 1'676'000'000'000, hours(24 * 30), true},
      {"2023 with five years", 1'676'000'000'000, five_years, false},
      {"epoch zero", 0, five_years, true},
      {"no timestamp at all (0) with a huge window", 0, milliseconds(now + 1), false},
      {"the earliest timestamp against the largest window", std::numeric_limits<std::int64_t>::min(),
       milliseconds(std::numeric_limits<std::int64_t>::max()), true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(is_stale_event(c.event_ms, now, c.window), c.stale) << c.name;
  }
}

TEST(event_age, a_cutoff_below_the_earliest_time_keeps_everything) {
  const auto earliest = std::numeric_limits<std::int64_t>::min();
  EXPECT_FALSE(is_stale_event(earliest, -10, milliseconds(std::numeric_limits<std::int64_t>::max())));
  EXPECT_TRUE(is_stale_event(earliest + 5, earliest + 10, milliseconds(5)));
}

TEST(event_age, remove_keeps_the_fresh_in_order) {
  std::vector<line_event> events(4);
  events[0].webhook_event_id = "old-1";
  events[0].timestamp_ms = now - five_years.count() - 5;
  events[1].webhook_event_id = "fresh-1";
  events[1].timestamp_ms = now - 1000;
  events[2].webhook_event_id = "old-2";
  events[2].timestamp_ms = 1;
  events[3].webhook_event_id = "fresh-2";
  events[3].timestamp_ms = now;
  EXPECT_EQ(remove_stale_events(events, now, five_years), 2u);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].webhook_event_id, "fresh-1");
  EXPECT_EQ(events[1].webhook_event_id, "fresh-2");
  EXPECT_EQ(remove_stale_events(events, now, five_years), 0u);
}

}  // namespace
}  // namespace yorisoi::routing
