#pragma once
// Small helpers for reading HTTP header values (RFC 9110 §5.6.3: optional whitespace is spaces and tabs).

#include <string_view>

namespace yorisoi::gateway {

// `text` without leading and trailing spaces and tabs.
[[nodiscard]] constexpr std::string_view trim_ows(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace yorisoi::gateway
