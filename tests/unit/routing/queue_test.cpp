#include "yorisoi/routing/queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace yorisoi::routing {
namespace {

instant t(int minutes) { return instant{} + std::chrono::minutes{minutes}; }

TEST(queue, urgent_first_then_due_then_waiting) {
  std::vector<std::pair<const char*, queue_entry>> entries{
      {"off-hours arrival due at the window", {false, t(600), t(10)}},
      {"staffed arrival, waiting longest", {false, t(605), t(605)}},
      {"urgent, arrived last", {true, t(700), t(700)}},
      {"staffed arrival, waiting less", {false, t(610), t(610)}},
      {"off-hours arrival, same due time, earlier", {false, t(600), t(5)}},
  };
  std::stable_sort(entries.begin(), entries.end(),
                   [](const auto& a, const auto& b) { return comes_before(a.second, b.second); });
  const std::vector<std::string> expected{"urgent, arrived last", "off-hours arrival, same due time, earlier",
                                          "off-hours arrival due at the window", "staffed arrival, waiting longest",
                                          "staffed arrival, waiting less"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(entries[i].first, expected[i]) << i;
  }
}

TEST(queue, idle_close) {
  const std::chrono::minutes day{24 * 60};
  EXPECT_FALSE(idle_expired(t(0), t(24 * 60 - 1), day));
  EXPECT_TRUE(idle_expired(t(0), t(24 * 60), day));
  EXPECT_FALSE(idle_expired(t(0), t(100000), std::chrono::minutes{0}));  // 0 = never
}

}  // namespace
}  // namespace yorisoi::routing
