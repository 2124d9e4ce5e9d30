#include "yorisoi/routing/schedule.hpp"

#include <algorithm>
#include <array>

namespace yorisoi::routing {
namespace {

using namespace std::chrono;

// How far next_window() looks ahead before giving up (a schedule with no usable window at all).
constexpr int horizon_days = 2 * 366;

bool in_answering_period(const schedule_rules& rules, civil_date date) noexcept {
  if (rules.intake_start && date < *rules.intake_start) {
    return false;
  }
  const auto& last = rules.answers_until ? rules.answers_until : rules.intake_end;
  return !(last && date > *last);
}

}  // namespace

local_time to_local(const schedule_rules& rules, instant at) noexcept {
  const auto local = at + minutes{rules.utc_offset_minutes};
  const auto day = floor<days>(local);
  const auto since_midnight = local - day;
  return {from_sys_days(day), static_cast<int>(duration_cast<minutes>(since_midnight).count()),
          static_cast<int>(since_midnight.count() % 60)};
}

instant from_local(const schedule_rules& rules, civil_date date, int minute_of_day) noexcept {
  return instant{to_sys_days(date)} + minutes{minute_of_day} - minutes{rules.utc_offset_minutes};
}

intake_phase intake_at(const schedule_rules& rules, instant at) noexcept {
  const auto date = to_local(rules, at).date;
  if (rules.intake_start && date < *rules.intake_start) {
    return intake_phase::not_started;
  }
  if (rules.intake_end && date > *rules.intake_end) {
    return intake_phase::ended;
  }
  return intake_phase::open;
}

bool is_closed_day(const schedule_rules& rules, civil_date date) noexcept {
  if (!in_answering_period(rules, date)) {
    return true;
  }
  if (rules.closed_on_national_holidays && is_national_holiday(date)) {
    return true;
  }
  const month_day md{date.month, date.day};
  if (std::find(rules.closed_every_year.begin(), rules.closed_every_year.end(), md) != rules.closed_every_year.end()) {
    return true;
  }
  return std::find(rules.closed_dates.begin(), rules.closed_dates.end(), date) != rules.closed_dates.end();
}

namespace {

// The windows of one local day, in start order.
template <typename F>
void for_each_window_of_day(const schedule_rules& rules, civil_date date, F&& visit) {
  if (is_closed_day(rules, date)) {
    return;
  }
  const int weekday = weekday_of(date);
  std::vector<staffed_interval> found;
  for (const auto& w : rules.windows) {
    if (std::find(w.weekdays.begin(), w.weekdays.end(), weekday) != w.weekdays.end()) {
      found.push_back({from_local(rules, date, w.start_minute), from_local(rules, date, w.end_minute)});
    }
  }
  std::sort(found.begin(), found.end());
  for (const auto& interval : found) {
    if (visit(interval)) {
      return;
    }
  }
}

}  // namespace

std::optional<staffed_interval> window_at(const schedule_rules& rules, instant at) noexcept {
  std::optional<staffed_interval> result;
  for_each_window_of_day(rules, to_local(rules, at).date, [&](const staffed_interval& w) {
    if (w.start <= at && at < w.end) {
      result = w;
      return true;
    }
    return false;
  });
  return result;
}

std::optional<staffed_interval> next_window(const schedule_rules& rules, instant at) noexcept {
  const auto first_day = to_sys_days(to_local(rules, at).date);
  for (int offset = 0; offset <= horizon_days; ++offset) {
    const auto date = from_sys_days(first_day + days{offset});
    const auto& last = rules.answers_until ? rules.answers_until : rules.intake_end;
    if (last && date > *last) {
      return std::nullopt;
    }
    std::optional<staffed_interval> result;
    for_each_window_of_day(rules, date, [&](const staffed_interval& w) {
      if (w.start > at) {
        result = w;
        return true;
      }
      return false;
    });
    if (result) {
      return result;
    }
  }
  return std::nullopt;
}

std::string format_window_start(const schedule_rules& rules, instant start) {
  static constexpr std::array<const char*, 7> weekday_names{"日", "月", "火", "水", "木", "金", "土"};
  const auto local = to_local(rules, start);
  std::string out = std::to_string(local.date.month) + "月" + std::to_string(local.date.day) + "日(" +
                    weekday_names[static_cast<std::size_t>(weekday_of(local.date))] + ") " +
                    std::to_string(local.minute_of_day / 60) + "時";
  if (local.minute_of_day % 60 != 0) {
    out += std::to_string(local.minute_of_day % 60) + "分";
  }
  return out;
}

}  // namespace yorisoi::routing
