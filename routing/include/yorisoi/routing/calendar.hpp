#pragma once
// Local dates and Japanese national holidays.
//
// Holidays come from a table generated from the npm package @holiday-jp/holiday_jp for 1970–2050
// (routing/data/jp_holidays.csv, compiled in). Outside that range no day is a holiday.

#include <chrono>
#include <compare>
#include <string_view>

namespace yorisoi::routing {

struct civil_date {
  int year = 1970;
  int month = 1;
  int day = 1;
  auto operator<=>(const civil_date&) const = default;
};

struct month_day {
  int month = 1;
  int day = 1;
  auto operator<=>(const month_day&) const = default;
};

[[nodiscard]] bool is_valid(civil_date date) noexcept;
[[nodiscard]] std::chrono::sys_days to_sys_days(civil_date date) noexcept;
[[nodiscard]] civil_date from_sys_days(std::chrono::sys_days day) noexcept;
// 0 = Sunday … 6 = Saturday.
[[nodiscard]] int weekday_of(civil_date date) noexcept;

// The holiday's Japanese name (元日, 振替休日, 国民の休日 …), or empty when `date` is no national holiday.
[[nodiscard]] std::string_view national_holiday(civil_date date) noexcept;
[[nodiscard]] inline bool is_national_holiday(civil_date date) noexcept {
  return !national_holiday(date).empty();
}

}  // namespace yorisoi::routing
