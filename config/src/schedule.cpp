// [tenant.schedule]: the weekly staffed windows and the days the service is closed.

#include <algorithm>
#include <array>

#include "sections.hpp"
#include "text_values.hpp"

namespace yorisoi::config::detail {
namespace {

constexpr std::array<std::string_view, 7> weekday_names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

int read_time(toml_reader& reader, std::string_view key, bool is_end) {
  const auto text = reader.string(key);
  if (!text) {
    reader.fail(key, "is required (\"HH:MM\")");
  }
  const auto minute = parse_clock_time(*text, is_end);
  if (!minute) {
    reader.fail(key, "\"" + *text + "\" is not a time of day (\"HH:MM\", 00:00 to 23:59" +
                         (is_end ? std::string(", or 24:00)") : std::string(")")));
  }
  return *minute;
}

weekly_window read_window(toml_reader& reader) {
  reader.only({"days", "start", "end"});
  weekly_window window;
  const auto days = reader.strings("days");
  if (!days || days->empty()) {
    reader.fail("days", "is required: a list of weekdays such as [\"mon\", \"tue\"]");
  }
  for (std::size_t i = 0; i < days->size(); ++i) {
    const std::string element = "days[" + std::to_string(i) + "]";
    const auto day = parse_weekday((*days)[i]);
    if (!day) {
      reader.fail(element, "\"" + (*days)[i] + "\" is not a weekday (sun, mon, tue, wed, thu, fri, sat)");
    }
    if (std::find(window.weekdays.begin(), window.weekdays.end(), *day) != window.weekdays.end()) {
      reader.fail(element, "\"" + (*days)[i] + "\" is listed twice");
    }
    window.weekdays.push_back(*day);
  }
  std::sort(window.weekdays.begin(), window.weekdays.end());
  window.start_minute = read_time(reader, "start", false);
  window.end_minute = read_time(reader, "end", true);
  if (window.start_minute >= window.end_minute) {
    reader.fail("end", "must be later than start (a window cannot cross midnight; split it in two)");
  }
  reader.finish();
  return window;
}

}  // namespace

void read_schedule(toml_reader& reader, schedule& out) {
  reader.only({"windows", "national_holidays", "closed_every_year", "closed_dates"});
  const auto windows = reader.tables("windows");
  for (std::size_t i = 0; i < windows.size(); ++i) {
    toml_reader window_reader(*windows[i], reader.key_path("windows[" + std::to_string(i) + "]"), reader.file());
    out.windows.push_back(read_window(window_reader));
    // Overlapping windows would make "the next window" ambiguous; they are always a typo.
    const auto& added = out.windows.back();
    for (std::size_t j = 0; j + 1 < out.windows.size(); ++j) {
      const auto& other = out.windows[j];
      for (const int day : added.weekdays) {
        const bool same_day = std::find(other.weekdays.begin(), other.weekdays.end(), day) != other.weekdays.end();
        if (same_day && added.start_minute < other.end_minute && other.start_minute < added.end_minute) {
          window_reader.fail("", "overlaps windows[" + std::to_string(j) + "] on " +
                                     std::string(weekday_names[static_cast<std::size_t>(day)]));
        }
      }
    }
  }
  out.closed_on_national_holidays = reader.boolean("national_holidays").value_or(out.closed_on_national_holidays);
  if (const auto days = reader.strings("closed_every_year")) {
    for (std::size_t i = 0; i < days->size(); ++i) {
      const auto day = parse_month_day((*days)[i]);
      if (!day) {
        reader.fail("closed_every_year[" + std::to_string(i) + "]",
                    "\"" + (*days)[i] + "\" is not a day of the year (\"MM-DD\")");
      }
      out.closed_every_year.push_back(*day);
    }
  }
  if (const auto dates = reader.strings("closed_dates")) {
    for (std::size_t i = 0; i < dates->size(); ++i) {
      const auto date = parse_local_date((*dates)[i]);
      if (!date) {
        reader.fail("closed_dates[" + std::to_string(i) + "]",
                    "\"" + (*dates)[i] + "\" is not a calendar date (\"YYYY-MM-DD\")");
      }
      out.closed_dates.push_back(*date);
    }
  }
  reader.finish();
}

}  // namespace yorisoi::config::detail
