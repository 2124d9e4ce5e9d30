#include "yorisoi/gateway/client_address.hpp"

#include "http/header_text.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

namespace yorisoi::gateway {
namespace {

// An address as bytes: 4 of them for IPv4 (an IPv4-mapped IPv6 address included), else 16.
struct ip_bytes {
  int family = AF_INET;
  std::array<unsigned char, 16> bytes{};
};

// A trusted proxy entry: one address, or a network "address/prefix".
struct ip_range {
  ip_bytes base;
  unsigned prefix = 0;
};

constexpr std::array<unsigned char, 12> v4_mapped_prefix{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

std::optional<ip_bytes> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 64) {
    return std::nullopt;
  }
  const std::string input(text);
  ip_bytes out;
  if (inet_pton(AF_INET, input.c_str(), out.bytes.data()) == 1) {
    return out;
  }
  if (inet_pton(AF_INET6, input.c_str(), out.bytes.data()) != 1) {
    return std::nullopt;
  }
  if (std::equal(v4_mapped_prefix.begin(), v4_mapped_prefix.end(), out.bytes.begin())) {
    std::copy(out.bytes.begin() + 12, out.bytes.end(), out.bytes.begin());
    std::fill(out.bytes.begin() + 4, out.bytes.end(), 0);
    return out;
  }
  out.family = AF_INET6;
  return out;
}

unsigned full_prefix(const ip_bytes& address) {
  return address.family == AF_INET ? 32 : 128;
}

std::optional<ip_range> parse_range(std::string_view text) {
  const auto slash = text.find('/');
  const std::optional<ip_bytes> base = parse_ip(text.substr(0, slash));
  if (!base) {
    return std::nullopt;
  }
  ip_range range{*base, full_prefix(*base)};
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), range.prefix);
    if (error != std::errc() || end != digits.data() + digits.size() || range.prefix > full_prefix(*base)) {
      return std::nullopt;
    }
  }
  return range;
}

bool in_range(const ip_bytes& address, const ip_range& range) {
  if (address.family != range.base.family) {
    return false;
  }
  const unsigned whole = range.prefix / 8;
  if (!std::equal(address.bytes.begin(), address.bytes.begin() + whole, range.base.bytes.begin())) {
    return false;
  }
  const unsigned rest = range.prefix % 8;
  if (rest == 0) {
    return true;
  }
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (address.bytes[whole] & mask) == (range.base.bytes[whole] & mask);
}

bool is_trusted(const std::string& address, const std::vector<std::string>& trusted) {
  const std::optional<ip_bytes> parsed = parse_ip(address);
  if (!parsed) {
    return false;
  }
  return std::any_of(trusted.begin(), trusted.end(), [&](const std::string& entry) {
    const std::optional<ip_range> range = parse_range(entry);
    return range && in_range(*parsed, *range);
  });
}

}  // namespace

std::string canonical_address(std::string_view text) {
  if (text.empty() || text.size() > 64) {
    return {};
  }
  const std::string input(text);
  std::array<unsigned char, 16> bytes{};
  std::array<char, INET6_ADDRSTRLEN> out{};
  for (const int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, input.c_str(), bytes.data()) == 1 &&
        inet_ntop(family, bytes.data(), out.data(), out.size()) != nullptr) {
      return out.data();
    }
  }
  return {};
}

std::string address_key(std::string_view address) {
  std::optional<ip_bytes> parsed = parse_ip(address);
  if (!parsed) {
    return std::string(address);
  }
  if (parsed->family == AF_INET6) {
    std::fill(parsed->bytes.begin() + 8, parsed->bytes.end(), 0);
  }
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_ntop(parsed->family, parsed->bytes.data(), out.data(), out.size()) == nullptr) {
    return std::string(address);
  }
  return parsed->family == AF_INET6 ? std::string(out.data()) + "/64" : std::string(out.data());
}

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted) {
  std::string current = canonical_address(peer);
  if (current.empty() || !is_trusted(current, trusted) || trim_ows(forwarded_for).empty()) {
    return address_key(peer);
  }
  // From the right: while the address we have is a trusted proxy, its hop names who it talked to.
  while (!forwarded_for.empty() && is_trusted(current, trusted)) {
    const auto comma = forwarded_for.rfind(',');
    const std::string_view hop =
        trim_ows(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    const std::string address = canonical_address(hop);
    if (address.empty()) {
      return address_key(peer);  // a trusted proxy would not write this: believe nothing
    }
    current = address;
  }
  return address_key(current);
}

}  // namespace yorisoi::gateway
