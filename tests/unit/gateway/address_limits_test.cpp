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

TEST(click_window, one_counted_click_per_address_and_code_per_window) {
  click_window window(60s);
  const click_window::clock::time_point t0{};
  EXPECT_TRUE(window.admit("192.0.2.1", "flyer", t0));
  for (int i = 1; i < 50; ++i) {
    EXPECT_FALSE(window.admit("192.0.2.1", "flyer", t0 + i * 1s));
  }
  EXPECT_TRUE(window.admit("192.0.2.1", "city-web", t0 + 1s));  // another code
  EXPECT_TRUE(window.admit("192.0.2.2", "flyer", t0 + 1s));     // another address
  EXPECT_TRUE(window.admit("192.0.2.1", "flyer", t0 + 60s));    // the window has passed
  EXPECT_FALSE(window.admit("192.0.2.1", "flyer", t0 + 61s));
}

TEST(click_window, remembers_a_bounded_number_of_pairs) {
  click_window window(60s, 3);
  const click_window::clock::time_point t0{};
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(window.admit("192.0.2." + std::to_string(i), "flyer", t0 + i * 1ms));
    EXPECT_LE(window.size(), 3U);
  }
  EXPECT_FALSE(window.admit("192.0.2.9", "flyer", t0 + 1s));  // the newest are still remembered
  EXPECT_TRUE(window.admit("192.0.2.0", "flyer", t0 + 1s));   // the oldest was forgotten
}

}  // namespace
}  // namespace yorisoi::gateway
