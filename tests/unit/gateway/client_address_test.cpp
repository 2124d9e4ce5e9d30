// The client address behind trusted reverse proxies (config server.trusted_proxies).
#include "yorisoi/gateway/client_address.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace yorisoi::gateway {
namespace {

const std::vector<std::string> haproxy{"127.0.0.1"};

TEST(client_address, an_untrusted_peer_is_the_client_whatever_the_header_says) {
  EXPECT_EQ(client_address("198.51.100.9", "203.0.113.1", haproxy), "198.51.100.9");
  EXPECT_EQ(client_address("198.51.100.9", "", {}), "198.51.100.9");
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.1", {}), "127.0.0.1");
}

TEST(client_address, a_trusted_proxy_s_last_hop_is_the_client) {
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.1", haproxy), "203.0.113.1");
  // What the client wrote itself (left of the proxy's hop) is never believed.
  EXPECT_EQ(client_address("127.0.0.1", "10.9.9.9, 203.0.113.1", haproxy), "203.0.113.1");
  EXPECT_EQ(client_address("127.0.0.1", "10.9.9.9,203.0.113.1 ", haproxy), "203.0.113.1");
  // Without the header the proxy itself is all we know.
  EXPECT_EQ(client_address("127.0.0.1", "", haproxy), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", " ", haproxy), "127.0.0.1");
}

TEST(client_address, chains_of_trusted_proxies_are_walked_from_the_right) {
  const std::vector<std::string> two{"127.0.0.1", "10.0.0.2"};
  EXPECT_EQ(client_address("127.0.0.1", "192.0.2.5, 203.0.113.1, 10.0.0.2", two), "203.0.113.1");
  // Every hop a trusted proxy: the leftmost one.
  EXPECT_EQ(client_address("127.0.0.1", "10.0.0.2", two), "10.0.0.2");
}

TEST(client_address, a_malformed_believed_hop_means_the_peer) {
  EXPECT_EQ(client_address("127.0.0.1", "unknown", haproxy), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.1:4711", haproxy), "127.0.0.1");
  EXPECT_EQ(client_address("127.0.0.1", "203.0.113.1,", haproxy), "127.0.0.1");
  // A malformed hop left of the believed one is never looked at.
  EXPECT_EQ(client_address("127.0.0.1", "garbage, 203.0.113.1", haproxy), "203.0.113.1");
}

TEST(client_address, ipv6_is_compared_in_canonical_form) {
  EXPECT_EQ(client_address("::1", "2001:DB8::0:1", {"::1"}), "2001:db8::/64");
  EXPECT_EQ(canonical_address("2001:0db8:0000::1"), "2001:db8::1");
  EXPECT_EQ(canonical_address("127.000.0.1"), "");
  EXPECT_EQ(canonical_address("localhost"), "");
}

struct range_case {
  std::string_view peer;
  std::string_view trusted;
  bool believed;  // whether the peer is taken for a trusted proxy (its X-Forwarded-For hop believed)
};

TEST(client_address, trusted_proxies_may_be_cidr_ranges) {
  const range_case table[] = {
      {"10.1.2.3", "10.0.0.0/8", true},
      {"10.255.255.255", "10.0.0.0/8", true},
      {"11.0.0.1", "10.0.0.0/8", false},
      {"9.255.255.255", "10.0.0.0/8", false},
      {"192.168.1.77", "192.168.1.64/26", true},
      {"192.168.1.63", "192.168.1.64/26", false},
      {"192.168.1.128", "192.168.1.64/26", false},
      {"172.16.0.1", "172.16.0.1/32", true},
      {"172.16.0.2", "172.16.0.1/32", false},
      {"127.0.0.1", "127.0.0.1", true},
      {"fd00:1:2:3::9", "fd00:1:2::/48", true},
      {"fd00:1:3::9", "fd00:1:2::/48", false},
      {"2001:db8::1", "2001:db8::/32", true},
      {"2001:db9::1", "2001:db8::/32", false},
      {"::1", "::1/128", true},
      {"::2", "::1/128", false},
      // A family never matches the other's range, whatever the bits.
      {"10.0.0.1", "::/1", false},
      {"::a00:1", "10.0.0.0/8", false},
      // An IPv4 peer on a dual-stack socket is its IPv4 address.
      {"::ffff:10.0.0.1", "10.0.0.0/8", true},
  };
  for (const range_case& c : table) {
    const std::string expected = c.believed ? "203.0.113.1" : client_address(c.peer, "", {});
    EXPECT_EQ(client_address(c.peer, "203.0.113.1", {std::string(c.trusted)}), expected)
        << c.peer << " in " << c.trusted;
  }
}

TEST(client_address, a_chain_through_a_trusted_range_is_walked) {
  const std::vector<std::string> ranges{"127.0.0.1", "10.0.0.0/8"};
  EXPECT_EQ(client_address("127.0.0.1", "192.0.2.5, 203.0.113.1, 10.4.0.2, 10.0.0.7", ranges), "203.0.113.1");
}

struct key_case {
  std::string_view address;
  std::string_view key;
};

TEST(client_address, the_throttle_key_is_an_ipv4_address_or_an_ipv6_64) {
  const key_case table[] = {
      {"203.0.113.1", "203.0.113.1"},
      {"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"},
      {"2001:DB8:1:2::1", "2001:db8:1:2::/64"},
      {"2001:db8:1:3::1", "2001:db8:1:3::/64"},
      {"::1", "::/64"},
      {"fe80::1", "fe80::/64"},
      {"::ffff:198.51.100.7", "198.51.100.7"},
      {"not an address", "not an address"},
      {"", ""},
  };
  for (const key_case& c : table) {
    EXPECT_EQ(address_key(c.address), c.key) << c.address;
  }
  // Every address of one /64 is one client for the throttle, directly and behind a proxy.
  EXPECT_EQ(client_address("2001:db8:1:2::1", "", {}), "2001:db8:1:2::/64");
  EXPECT_EQ(client_address("2001:db8:1:2::ffff", "203.0.113.1", {}), "2001:db8:1:2::/64");
  EXPECT_EQ(client_address("127.0.0.1", "2001:db8:1:2:3:4:5:6", {"127.0.0.1"}), "2001:db8:1:2::/64");
  EXPECT_EQ(client_address("::1", "203.0.113.1", {"::/64"}), "203.0.113.1");
}

}  // namespace
}  // namespace yorisoi::gateway
