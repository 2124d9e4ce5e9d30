#include "yorisoi/gateway/address_limits.hpp"

#include <gtest/gtest.h>

#include <string>

namespace yorisoi::gateway {
namespace {

using namespace std::chrono_literals;

TEST(address_counter, refuses_past_the_cap_per_address_and_counts_releases) {
  address_counter counter;
  EXPECT_TRUE(counter.try_acquire("192.0.2.1", 2));
  EXPECT_TRUE(counter.try_acquire("192.0.2.1", 2));
  EXPECT_FALSE(counter.try_acquire("192.0.2.1", 2));
  EXPECT_TRUE(counter.try_acquire("192.0.2.2", 2));  // another address has its own allowance
  EXPECT_EQ(counter.count("192.0.2.1"), 2U);
  counter.release("192.0.2.1");
  EXPECT_TRUE(counter.try_acquire("192.0.2.1", 2));
  counter.release("192.0.2.1");
  counter.release("192.0.2.1");
  counter.release("192.0.2.1");  // more releases than acquisitions change nothing
  EXPECT_EQ(counter.count("192.0.2.1"), 0U);
  EXPECT_FALSE(counter.try_acquire("192.0.2.3", 0));
  EXPECT_EQ(counter.count("192.0.2.3"), 0U);
}

}  // namespace
}  // namespace yorisoi::gateway
