// The client address behind trusted reverse proxies (config server.trusted_proxies).
#include "yorisoi/gateway/client_address.hpp"

#include <gtest/gtest.h>

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
  EXPECT_EQ(client_address("::1", "2001:DB8::0:1", {"::1"}), "2001:db8::1");
  EXPECT_EQ(canonical_address("2001:0db8:0000::1"), "2001:db8::1");
  EXPECT_EQ(canonical_address("127.000.0.1"), "");
  EXPECT_EQ(canonical_address("localhost"), "");
}

}  // namespace
}  // namespace yorisoi::gateway
