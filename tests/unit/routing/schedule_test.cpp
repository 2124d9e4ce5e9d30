#include "yorisoi/routing/schedule.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace yorisoi::routing {
namespace {

// The Yamagata pilot: weekdays 18:00–21:00 Asia/Tokyo, closed on national holidays and 12/29–1/3.
schedule_rules yamagata() {
  schedule_rules r;
  r.utc_offset_minutes = 9 * 60;
  r.windows = {{{1, 2, 3, 4, 5}, 18 * 60, 21 * 60}};
  r.closed_on_national_holidays = true;
  r.closed_every_year = {{12, 29}, {12, 30}, {12, 31}, {1, 1}, {1, 2}, {1, 3}};
  return r;
}

schedule_rules pilot_2023() {
  auto r = yamagata();
  r.intake_start = civil_date{2023, 2, 16};
  r.intake_end = civil_date{2023, 2, 27};
  r.answers_until = civil_date{2023, 2, 28};
  return r;
}

// Japan local time → instant.
instant jst(int y, int mo, int d, int h, int mi, int s = 0) {
  return instant{to_sys_days({y, mo, d})} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s} - std::chrono::hours{9};
}

struct staffed_case {
  const char* what;
  instant at;
  bool staffed;
};

TEST(schedule, staffed_windows_table) {
  const auto rules = yamagata();
  const staffed_case cases[] = {
      {"Monday 19:00", jst(2023, 2, 20, 19, 0), true},
      {"first second of the window", jst(2023, 2, 20, 18, 0, 0), true},
      {"last second before it", jst(2023, 2, 20, 17, 59, 59), false},
      {"last second of the window", jst(2023, 2, 20, 20, 59, 59), true},
      {"the window's end is exclusive", jst(2023, 2, 20, 21, 0, 0), false},
      {"Friday 20:30", jst(2023, 2, 24, 20, 30), true},
      {"Saturday 19:00", jst(2023, 2, 18, 19, 0), false},
      {"Sunday 19:00", jst(2023, 2, 19, 19, 0), false},
      {"天皇誕生日 (Thursday) 19:00", jst(2023, 2, 23, 19, 0), false},
      {"憲法記念日 in Golden Week", jst(2023, 5, 3, 19, 0), false},
      {"the Tuesday between Golden Week holidays", jst(2023, 5, 2, 19, 0), true},
      {"year-end closed day (Friday 12/29)", jst(2023, 12, 29, 19, 0), false},
      {"1/4 after the New Year closure", jst(2024, 1, 4, 19, 0), true},
      {"03:00 on a weekday", jst(2023, 2, 21, 3, 0), false},
      {"振替休日 (Monday 2023-01-02 is also closed by 1/2)", jst(2023, 1, 2, 19, 0), false},
      {"振替休日 (Monday 2024-02-12)", jst(2024, 2, 12, 19, 0), false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(is_staffed(rules, c.at), c.staffed) << c.what;
  }
}

struct next_case {
  const char* what;
  instant at;
  std::optional<instant> next_start;
  const char* label;  // format_window_start of the next window, or "" when none
};

TEST(schedule, next_window_table) {
  const auto rules = yamagata();
  const next_case cases[] = {
      {"Saturday → Monday 18時", jst(2023, 2, 18, 10, 0), jst(2023, 2, 20, 18, 0), "2月20日(月) 18時"},
      {"Friday after closing → Monday", jst(2023, 2, 17, 21, 0), jst(2023, 2, 20, 18, 0), "2月20日(月) 18時"},
      {"during a window, the next is tomorrow's", jst(2023, 2, 20, 19, 0), jst(2023, 2, 21, 18, 0),
       "2月21日(火) 18時"},
      {"a second before opening", jst(2023, 2, 20, 17, 59, 59), jst(2023, 2, 20, 18, 0), "2月20日(月) 18時"},
      {"midnight", jst(2023, 2, 20, 23, 59, 59), jst(2023, 2, 21, 18, 0), "2月21日(火) 18時"},
      {"the day before a holiday skips it", jst(2023, 2, 22, 21, 30), jst(2023, 2, 24, 18, 0),
       "2月24日(金) 18時"},
      {"Golden Week: Tuesday night → next Monday", jst(2023, 5, 2, 21, 0), jst(2023, 5, 8, 18, 0),
       "5月8日(月) 18時"},
      {"New Year: 12/28 night → 1/4", jst(2023, 12, 28, 21, 0), jst(2024, 1, 4, 18, 0), "1月4日(木) 18時"},
  };
  for (const auto& c : cases) {
    const auto next = next_window(rules, c.at);
    ASSERT_TRUE(next.has_value()) << c.what;
    EXPECT_EQ(next->start, *c.next_start) << c.what;
    EXPECT_EQ(next->end - next->start, std::chrono::hours{3}) << c.what;
    EXPECT_EQ(format_window_start(rules, next->start), c.label) << c.what;
  }
}

TEST(schedule, pilot_service_period) {
  const auto rules = pilot_2023();
  EXPECT_EQ(intake_at(rules, jst(2023, 2, 15, 23, 59)), intake_phase::not_started);
  EXPECT_EQ(intake_at(rules, jst(2023, 2, 16, 0, 0)), intake_phase::open);
  EXPECT_EQ(intake_at(rules, jst(2023, 2, 27, 23, 59)), intake_phase::open);
  EXPECT_EQ(intake_at(rules, jst(2023, 2, 28, 0, 1)), intake_phase::ended);

  // Before the start, the first window is the opening day's.
  EXPECT_EQ(next_window(rules, jst(2023, 2, 10, 12, 0))->start, jst(2023, 2, 16, 18, 0));
  EXPECT_FALSE(is_staffed(rules, jst(2023, 2, 15, 19, 0)));
  // After the intake ends, counsellors still answer on 2/28, and never after.
  EXPECT_EQ(next_window(rules, jst(2023, 2, 27, 21, 0))->start, jst(2023, 2, 28, 18, 0));
  EXPECT_TRUE(is_staffed(rules, jst(2023, 2, 28, 20, 59, 59)));
  EXPECT_FALSE(next_window(rules, jst(2023, 2, 28, 21, 0)).has_value());
  EXPECT_FALSE(is_staffed(rules, jst(2023, 3, 1, 19, 0)));
}

TEST(schedule, answers_until_defaults_to_intake_end) {
  auto rules = pilot_2023();
  rules.answers_until.reset();
  EXPECT_FALSE(next_window(rules, jst(2023, 2, 27, 21, 0)).has_value());
}

TEST(schedule, several_windows_and_minutes) {
  auto rules = yamagata();
  rules.windows = {{{6}, 13 * 60 + 30, 16 * 60}, {{1, 2, 3, 4, 5}, 18 * 60, 21 * 60}};
  const auto next = next_window(rules, jst(2023, 2, 17, 21, 0));  // Friday night
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(format_window_start(rules, next->start), "2月18日(土) 13時30分");
}

TEST(schedule, no_window_at_all_gives_nothing) {
  auto rules = yamagata();
  rules.windows.clear();
  EXPECT_FALSE(next_window(rules, jst(2023, 2, 17, 21, 0)).has_value());
}

TEST(calendar, national_holidays_from_the_table) {
  EXPECT_EQ(national_holiday({1970, 1, 1}), "元日");
  EXPECT_EQ(national_holiday({2019, 5, 1}), "休日（祝日扱い）");
  EXPECT_EQ(national_holiday({2020, 7, 24}), "スポーツの日");
  EXPECT_EQ(national_holiday({2023, 2, 23}), "天皇誕生日");
  EXPECT_TRUE(is_national_holiday({2050, 11, 23}));
  EXPECT_FALSE(is_national_holiday({2023, 2, 20}));
  EXPECT_FALSE(is_national_holiday({2051, 1, 1}));  // beyond the table
}

TEST(calendar, dates) {
  EXPECT_TRUE(is_valid({2024, 2, 29}));
  EXPECT_FALSE(is_valid({2023, 2, 29}));
  EXPECT_FALSE(is_valid({2023, 13, 1}));
  EXPECT_EQ(weekday_of({2023, 2, 20}), 1);
  EXPECT_EQ(weekday_of({2023, 2, 19}), 0);
}

}  // namespace
}  // namespace yorisoi::routing
