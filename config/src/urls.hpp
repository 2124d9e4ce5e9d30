#pragma once
// URLs the configuration names (the on-call alert's receiver, the console's address, the LINE API
// bases): a syntax check that splits out scheme and host, and whether a host is a loopback address.
// Pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace yorisoi::config::detail {

// No control characters, spaces, non-ASCII, '#' or '\\'.
[[nodiscard]] bool plain_url_chars(std::string_view text);

struct url_parts {
  std::string scheme;  // "http" | "https"
  std::string host;    // without brackets
};

// "scheme://host[:port][/path][?query]" with scheme http(s); nullopt for anything else.
[[nodiscard]] std::optional<url_parts> split_url(std::string_view text);

// An IPv4 address in 127.0.0.0/8 or the IPv6 address ::1 (literals only: a name could resolve elsewhere).
[[nodiscard]] bool is_loopback_address(const std::string& host);

}  // namespace yorisoi::config::detail
