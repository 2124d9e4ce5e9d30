#include "yorisoi/routing/calendar.hpp"

#include "jp_holidays_table.hpp"

#include <algorithm>

namespace yorisoi::routing {

bool is_valid(civil_date date) noexcept {
  const std::chrono::year_month_day ymd{std::chrono::year{date.year},
                                        std::chrono::month{static_cast<unsigned>(date.month)},
                                        std::chrono::day{static_cast<unsigned>(date.day)}};
  return date.month >= 1 && date.day >= 1 && ymd.ok();
}

std::chrono::sys_days to_sys_days(civil_date date) noexcept {
  return std::chrono::sys_days{std::chrono::year{date.year} / std::chrono::month{static_cast<unsigned>(date.month)} /
                               std::chrono::day{static_cast<unsigned>(date.day)}};
}

civil_date from_sys_days(std::chrono::sys_days day) noexcept {
  const std::chrono::year_month_day ymd{day};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

int weekday_of(civil_date date) noexcept {
  return static_cast<int>(std::chrono::weekday{to_sys_days(date)}.c_encoding());
}

std::string_view national_holiday(civil_date date) noexcept {
  const int key = date.year * 10000 + date.month * 100 + date.day;
  const auto* first = std::begin(detail::jp_holidays);
  const auto* last = std::end(detail::jp_holidays);
  const auto* found = std::lower_bound(first, last, key, [](const detail::holiday_row& row, int k) {
    return row.yyyymmdd < k;
  });
  if (found == last || found->yyyymmdd != key) {
    return {};
  }
  return found->name;
}

}  // namespace yorisoi::routing
