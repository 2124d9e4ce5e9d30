#include "yorisoi/gateway/client_address.hpp"

#include "header_text.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace yorisoi::gateway {
namespace {

bool is_trusted(const std::string& address, const std::vector<std::string>& trusted) {
  return std::find(trusted.begin(), trusted.end(), address) != trusted.end();
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

std::string client_address(std::string_view peer, std::string_view forwarded_for,
                           const std::vector<std::string>& trusted) {
  std::string current = canonical_address(peer);
  if (current.empty() || !is_trusted(current, trusted) || trim_ows(forwarded_for).empty()) {
    return std::string(peer);
  }
  // From the right: while the address we have is a trusted proxy, its hop names who it talked to.
  while (!forwarded_for.empty() && is_trusted(current, trusted)) {
    const auto comma = forwarded_for.rfind(',');
    const std::string_view hop =
        trim_ows(comma == std::string_view::npos ? forwarded_for : forwarded_for.substr(comma + 1));
    forwarded_for = comma == std::string_view::npos ? std::string_view() : forwarded_for.substr(0, comma);
    const std::string address = canonical_address(hop);
    if (address.empty()) {
      return std::string(peer);  // a trusted proxy would not write this: believe nothing
    }
    current = address;
  }
  return current;
}

}  // namespace yorisoi::gateway
