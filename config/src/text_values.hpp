#pragma once
// Parsers for the small textual values the configuration file holds: clock times, dates, weekdays,
// listen addresses, time zones, base64. Pure functions: nullopt (or an empty string for the messages)
// means "not valid", and the caller, which knows the key, builds the config::error.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "yorisoi/config/config.hpp"

namespace yorisoi::config::detail {

// "HH:MM", two digits each. Returns minutes after midnight; "24:00" only when allow_end_of_day.
[[nodiscard]] std::optional<int> parse_clock_time(std::string_view text, bool allow_end_of_day);

[[nodiscard]] bool is_valid_date(int year, int month, int day);
// "YYYY-MM-DD", a real calendar day.
[[nodiscard]] std::optional<local_date> parse_local_date(std::string_view text);
// "MM-DD"; 02-29 is allowed (it applies in leap years).
[[nodiscard]] std::optional<month_day> parse_month_day(std::string_view text);
[[nodiscard]] std::string format_date(const local_date& date);

// "sun" … "sat" (lower case, English three-letter) -> 0 … 6.
[[nodiscard]] std::optional<int> parse_weekday(std::string_view text);

struct listen_address {
  std::string host;
  std::uint16_t port = 0;
};
// "host:port" or "[ipv6]:port"; port 0..65535.
[[nodiscard]] std::optional<listen_address> parse_listen(std::string_view text);

// Fixed-offset zones only (no tz database at run time): minutes east of UTC.
[[nodiscard]] std::optional<int> time_zone_offset_minutes(std::string_view zone);
[[nodiscard]] std::string supported_time_zones();  // for error messages

// Standard alphabet, padding optional, no whitespace inside.
[[nodiscard]] std::optional<std::string> decode_base64(std::string_view text);

// An unsigned decimal with no sign, no spaces and no leading '+'.
[[nodiscard]] std::optional<std::uint64_t> parse_unsigned(std::string_view text);

// Every "{name}" in `text` must be one of `allowed`. Returns what is wrong, or "" when all is fine.
[[nodiscard]] std::string check_placeholders(std::string_view text, const std::vector<std::string_view>& allowed);

// [A-Za-z_][A-Za-z0-9_]*
[[nodiscard]] bool is_env_name(std::string_view name);
// Non-empty, at most `max_length` of [a-z0-9_-]: safe in URL paths and database keys as is.
[[nodiscard]] bool is_identifier(std::string_view text, std::size_t max_length = 64);

[[nodiscard]] std::string_view trim(std::string_view text);

}  // namespace yorisoi::config::detail
