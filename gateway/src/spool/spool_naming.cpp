// Spool file names and the cursor's text.
#include "spool/spool_naming.hpp"

#include <charconv>
#include <cstdio>

namespace yorisoi::gateway::spool_naming {
namespace {

constexpr std::string_view segment_prefix = "spool-";
constexpr std::string_view segment_suffix = ".log";
constexpr std::string_view cursor_prefix = "yorisoi-spool-cursor 1 ";
constexpr std::size_t seq_digits = 16;

std::string padded(std::uint64_t value) {
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof buffer, "%016llu", static_cast<unsigned long long>(value));
  return std::string(buffer, static_cast<std::size_t>(n));
}

// A decimal number that is the whole of `text`.
std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::string segment_name(std::uint64_t seq) {
  return std::string(segment_prefix) + padded(seq) + std::string(segment_suffix);
}

std::optional<std::uint64_t> parse_segment_name(std::string_view name) {
  if (name.size() != segment_prefix.size() + seq_digits + segment_suffix.size() ||
      !name.starts_with(segment_prefix) || !name.ends_with(segment_suffix)) {
    return std::nullopt;
  }
  return parse_number(name.substr(segment_prefix.size(), seq_digits));
}

std::string quarantine_name(std::uint64_t seq, std::uint64_t offset) {
  return "quarantine-" + padded(seq) + "-" + padded(offset) + ".bin";
}

bool is_quarantine_name(std::string_view name) {
  return name.starts_with("quarantine-") && name.ends_with(".bin");
}

std::string format_cursor(std::uint64_t seq, std::uint64_t offset) {
  return std::string(cursor_prefix) + std::to_string(seq) + " " + std::to_string(offset) + "\n";
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_cursor(std::string_view text) {
  if (!text.starts_with(cursor_prefix) || !text.ends_with('\n')) {
    return std::nullopt;
  }
  text.remove_prefix(cursor_prefix.size());
  text.remove_suffix(1);
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  const auto seq = parse_number(text.substr(0, space));
  const auto offset = parse_number(text.substr(space + 1));
  if (!seq || !offset) {
    return std::nullopt;
  }
  return std::pair{*seq, *offset};
}

}  // namespace yorisoi::gateway::spool_naming
