#include "yorisoi/gateway/routes.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace yorisoi::gateway {
namespace {

TEST(routes, every_route_has_a_unique_name_and_method_pattern_pair) {
  std::set<std::string_view> names;
  std::set<std::string> keys;
  for (const auto& r : routes()) {
    EXPECT_TRUE(names.insert(r.name).second) << r.name;
    EXPECT_TRUE(keys.insert(std::string(r.method) + " " + std::string(r.pattern)).second) << r.pattern;
    EXPECT_EQ(r.pattern.front(), '/');
  }
}

TEST(routes, every_route_matches_its_own_pattern) {
  for (const auto& r : routes()) {
    std::string path(r.pattern);
    // Fill placeholders with a sample segment.
    for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
      path.replace(open, path.find('}', open) - open + 1, "sample");
    }
    const auto match = match_route(r.method, path);
    ASSERT_NE(match.found, nullptr) << path;
    EXPECT_EQ(match.found->name, r.name);
  }
}

TEST(routes, webhook_captures_the_channel_key) {
  const auto match = match_route("POST", "/webhook/line/yamagata");
  ASSERT_NE(match.found, nullptr);
  EXPECT_EQ(match.found->handler, handler_id::line_webhook);
  EXPECT_EQ(match.param("channel_key"), "yamagata");
  EXPECT_EQ(match.param("other"), std::nullopt);
}

TEST(routes, wrong_method_reports_the_allowed_ones) {
  const auto match = match_route("GET", "/webhook/line/yamagata");
  EXPECT_EQ(match.found, nullptr);
  EXPECT_EQ(match.allow, "POST");
  const auto health = match_route("DELETE", "/healthz");
  EXPECT_EQ(health.found, nullptr);
  EXPECT_EQ(health.allow, "GET");
}

struct unmatched_case {
  const char* method;
  const char* path;
};

TEST(routes, unknown_paths_match_nothing) {
  const unmatched_case cases[] = {
      {"GET", "/"},
      {"GET", "/healthz/"},
      {"GET", "/HEALTHZ"},
      {"POST", "/webhook/line/"},
      {"POST", "/webhook/line"},
      {"POST", "/webhook/line/a/b"},
      {"POST", "/webhook//yamagata"},
      {"GET", ""},
  };
  for (const auto& c : cases) {
    const auto match = match_route(c.method, c.path);
    EXPECT_EQ(match.found, nullptr) << c.path;
    EXPECT_TRUE(match.allow.empty()) << c.path;
  }
}

}  // namespace
}  // namespace yorisoi::gateway
