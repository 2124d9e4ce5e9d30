#include "urls.hpp"

#include <arpa/inet.h>

namespace yorisoi::config::detail {

bool plain_url_chars(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '#' || c == '\\') {
      return false;
    }
  }
  return true;
}

std::optional<url_parts> split_url(std::string_view text) {
  url_parts out;
  if (text.starts_with("https://")) {
    out.scheme = "https";
  } else if (text.starts_with("http://")) {
    out.scheme = "http";
  } else {
    return std::nullopt;
  }
  std::string_view rest = text.substr(out.scheme.size() + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<std::string_view> port;  // present when a ':' introduces one
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) {
      return std::nullopt;
    }
    if (!after.empty()) {
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
    }
  }
  if (out.host.empty()) {
    return std::nullopt;
  }
  if (port &&
      (port->empty() || port->size() > 5 || port->find_first_not_of("0123456789") != std::string_view::npos ||
       std::stoi(std::string(*port)) > 65535 || std::stoi(std::string(*port)) == 0)) {
    return std::nullopt;
  }
  return out;
}

bool is_loopback_address(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace yorisoi::config::detail
