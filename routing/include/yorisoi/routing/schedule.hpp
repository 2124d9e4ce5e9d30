#pragma once
// Staffed hours: when counsellors answer, when the next staffed window opens, and whether messages are
// accepted at all (the service period). Pure functions; the instant is always a parameter.
//
// A tenant's local time is UTC plus a fixed offset (Japan has had no daylight saving time since 1951).
// A window's end is exclusive: with 18:00–21:00, 20:59:59 is staffed and 21:00:00 is not.

#include "yorisoi/routing/calendar.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace yorisoi::routing {

using instant = std::chrono::sys_seconds;

struct weekly_window {
  std::vector<int> weekdays;  // 0 = Sunday … 6 = Saturday
  int start_minute = 0;       // minutes after local midnight
  int end_minute = 0;         // exclusive; start_minute < end_minute <= 1440
};

struct schedule_rules {
  int utc_offset_minutes = 9 * 60;
  std::vector<weekly_window> windows;
  bool closed_on_national_holidays = true;
  std::vector<month_day> closed_every_year;  // e.g. 12-29 … 01-03
  std::vector<civil_date> closed_dates;
  // Service period, local dates, inclusive; unset = open-ended. Messages are accepted from intake_start
  // to intake_end; counsellors answer until answers_until (default: intake_end).
  std::optional<civil_date> intake_start;
  std::optional<civil_date> intake_end;
  std::optional<civil_date> answers_until;
};

struct local_time {
  civil_date date;
  int minute_of_day = 0;  // 0 … 1439
  int second = 0;
};

[[nodiscard]] local_time to_local(const schedule_rules& rules, instant at) noexcept;
[[nodiscard]] instant from_local(const schedule_rules& rules, civil_date date, int minute_of_day) noexcept;

enum class intake_phase {
  not_started,  // before intake_start
  open,
  ended,        // after intake_end
};
[[nodiscard]] intake_phase intake_at(const schedule_rules& rules, instant at) noexcept;

// A day with no staffed window: weekly rules aside, a holiday, a closed day, or outside the answering period.
[[nodiscard]] bool is_closed_day(const schedule_rules& rules, civil_date date) noexcept;

struct staffed_interval {
  instant start;
  instant end;  // exclusive
  auto operator<=>(const staffed_interval&) const = default;
};

// The staffed window containing `at`, if any.
[[nodiscard]] std::optional<staffed_interval> window_at(const schedule_rules& rules, instant at) noexcept;
[[nodiscard]] inline bool is_staffed(const schedule_rules& rules, instant at) noexcept {
  return window_at(rules, at).has_value();
}

// The first staffed window that starts after `at` (a window already open at `at` is not "next").
// Empty when none exists before the end of the answering period or within two years.
[[nodiscard]] std::optional<staffed_interval> next_window(const schedule_rules& rules, instant at) noexcept;

// 「2月20日(月) 18時」, or 「2月20日(月) 18時30分」 when the minute is not zero; local time.
[[nodiscard]] std::string format_window_start(const schedule_rules& rules, instant start);

}  // namespace yorisoi::routing
