#include "text_values.hpp"

#include <array>
#include <charconv>

namespace yorisoi::config::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Exactly `count` decimal digits at `text[pos]`.
std::optional<int> fixed_digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) {
      return std::nullopt;
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year)) {
    return 29;
  }
  return days[static_cast<std::size_t>(month - 1)];
}

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (is_digit(c)) {
    return c - '0' + 52;
  }
  if (c == '+') {
    return 62;
  }
  if (c == '/') {
    return 63;
  }
  return -1;
}

}  // namespace

std::optional<int> parse_clock_time(std::string_view text, bool allow_end_of_day) {
  if (text.size() != 5 || text[2] != ':') {
    return std::nullopt;
  }
  const auto hours = fixed_digits(text, 0, 2);
  const auto minutes = fixed_digits(text, 3, 2);
  if (!hours || !minutes || *minutes > 59) {
    return std::nullopt;
  }
  if (*hours == 24 && *minutes == 0 && allow_end_of_day) {
    return 24 * 60;
  }
  if (*hours > 23) {
    return std::nullopt;
  }
  return *hours * 60 + *minutes;
}

bool is_valid_date(int year, int month, int day) {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

std::optional<local_date> parse_local_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const auto year = fixed_digits(text, 0, 4);
  const auto month = fixed_digits(text, 5, 2);
  const auto day = fixed_digits(text, 8, 2);
  if (!year || !month || !day || !is_valid_date(*year, *month, *day)) {
    return std::nullopt;
  }
  return local_date{*year, *month, *day};
}

std::optional<month_day> parse_month_day(std::string_view text) {
  if (text.size() != 5 || text[2] != '-') {
    return std::nullopt;
  }
  const auto month = fixed_digits(text, 0, 2);
  const auto day = fixed_digits(text, 3, 2);
  // 2000 is a leap year, so 02-29 passes: it simply applies only in leap years.
  if (!month || !day || !is_valid_date(2000, *month, *day)) {
    return std::nullopt;
  }
  return month_day{*month, *day};
}

std::string format_date(const local_date& date) {
  std::array<char, 16> buffer{};
  auto put = [&](std::size_t pos, int value, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) {
      buffer[pos + width - 1 - i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, date.year, 4);
  buffer[4] = '-';
  put(5, date.month, 2);
  buffer[7] = '-';
  put(8, date.day, 2);
  return std::string(buffer.data(), 10);
}

std::optional<int> parse_weekday(std::string_view text) {
  static constexpr std::array<std::string_view, 7> names{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (text == names[i]) {
      return static_cast<int>(i);
    }
  }
  return std::nullopt;
}

std::optional<listen_address> parse_listen(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // an IPv6 address needs brackets, or the port is ambiguous
  }
  if (host.empty() || host.find_first_of(" \t\r\n[]/") != std::string_view::npos) {
    return std::nullopt;
  }
  const auto port = parse_unsigned(port_text);
  if (!port || *port > 65535 || port_text.size() > 5) {
    return std::nullopt;
  }
  return listen_address{std::string(host), static_cast<std::uint16_t>(*port)};
}

namespace {
struct fixed_zone {
  std::string_view name;
  int offset_minutes;
  std::string_view shown;
};
constexpr std::array<fixed_zone, 2> fixed_zones{{
    {"Asia/Tokyo", 9 * 60, "+09:00"},  // Japan has had no daylight saving time since 1951
    {"UTC", 0, "+00:00"},
}};
}  // namespace

std::optional<int> time_zone_offset_minutes(std::string_view zone) {
  for (const auto& known : fixed_zones) {
    if (known.name == zone) {
      return known.offset_minutes;
    }
  }
  return std::nullopt;
}

std::string supported_time_zones() {
  std::string out;
  for (const auto& known : fixed_zones) {
    if (!out.empty()) {
      out += ", ";
    }
    out += std::string(known.name) + " (" + std::string(known.shown) + ")";
  }
  return out;
}

std::optional<std::string> decode_base64(std::string_view text) {
  for (int padding = 0; padding < 2 && !text.empty() && text.back() == '='; ++padding) {
    text.remove_suffix(1);
  }
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = base64_value(c);
    if (value < 0) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero, or two different texts would decode to the same key.
  if ((buffer & ((1U << bits) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  if (text.empty() || !is_digit(text.front())) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

std::string check_placeholders(std::string_view text, const std::vector<std::string_view>& allowed) {
  auto allowed_list = [&] {
    if (allowed.empty()) {
      return std::string("none is allowed here");
    }
    std::string out = "allowed:";
    for (const auto name : allowed) {
      out += " {" + std::string(name) + "}";
    }
    return out;
  };
  std::size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string_view::npos) {
    const auto close = text.find('}', pos);
    if (close == std::string_view::npos) {
      return "has a '{' without a closing '}' (" + allowed_list() + ")";
    }
    const std::string_view name = text.substr(pos + 1, close - pos - 1);
    bool known = false;
    for (const auto candidate : allowed) {
      known = known || candidate == name;
    }
    if (!known) {
      return "unknown placeholder {" + std::string(name.substr(0, 40)) + "} (" + allowed_list() + ")";
    }
    pos = close + 1;
  }
  return {};
}

bool is_env_name(std::string_view name) {
  if (name.empty() || is_digit(name.front())) {
    return false;
  }
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || is_digit(c) || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool is_identifier(std::string_view text, std::size_t max_length) {
  if (text.empty() || text.size() > max_length) {
    return false;
  }
  for (const char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '_';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace yorisoi::config::detail
