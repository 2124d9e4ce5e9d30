#pragma once
// Shared by the config tests: a fake environment, a small valid document to mutate, and a helper
// that loads a document and returns the config::error it must raise.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

#include "yorisoi/config/config.hpp"

namespace yorisoi::config::test {

// base64 of the bytes 1..32, 101..132 and 200..231: valid 32-byte keys and pepper.
inline constexpr const char* key_one = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
inline constexpr const char* key_two = "ZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5/gIGCg4Q=";
inline constexpr const char* pepper = "yMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5uc=";

struct fake_env {
  std::map<std::string, std::string> vars{
      {"YORISOI_ENCRYPTION_KEYS", std::string("1:") + key_one + ",2:" + key_two},
      {"YORISOI_PSEUDONYM_PEPPER", pepper},
      {"YAMAGATA_LINE_CHANNEL_SECRET", "yamagata-channel-secret"},
      {"YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN", "yamagata-access-token"},
      {"C1_SECRET", "c1-secret"},
      {"C1_TOKEN", "c1-token"},
      {"C2_SECRET", "c2-secret"},
      {"C2_TOKEN", "c2-token"},
  };

  [[nodiscard]] env_lookup lookup() const {
    return [this](const std::string& name) -> std::optional<std::string> {
      const auto found = vars.find(name);
      if (found == vars.end()) {
        return std::nullopt;
      }
      return found->second;
    };
  }
};

inline constexpr const char* test_label = "/virtual/conf/test.toml";

// One tenant with one channel, one window, one hub and one link: the smallest valid file.
inline std::string minimal_document() {
  return R"([server]
listen = "127.0.0.1:0"

[[tenant]]
id = "t1"
name = "Town"
time_zone = "Asia/Tokyo"
categories = ["a", "b"]
age_bands = ["10s", "20s"]
risk_keywords = ["x"]
idle_close_hours = 24
retention_days = 30

[[tenant.channel]]
key = "c1"
name = "Channel one"
secret_env = "C1_SECRET"
access_token_env = "C1_TOKEN"
add_friend_url = "https://line.me/R/ti/p/@c1"

[tenant.schedule]
windows = [{ days = ["mon", "tue"], start = "18:00", end = "21:00" }]
closed_every_year = ["12-31"]
closed_dates = ["2024-05-07"]

[tenant.service]
intake_start = "2024-01-01"

[tenant.messages]
greeting = "hello"
off_hours = "back at {next_window}"
out_of_service = "closed; try {other_contacts}"
crisis = "call 119"
age_question = "age?"
other_contacts = "elsewhere"

[[tenant.org_unit]]
id = "hub"
name = "Hub"
kind = "hub"

[[tenant.link]]
code = "l1"
label = "Link one"
channel = "c1"
)";
}

// A second valid tenant, to append to minimal_document().
inline std::string second_tenant(const std::string& id = "t2", const std::string& channel_key = "c2",
                                 const std::string& link_code = "l2", const std::string& link_channel = "c2") {
  return R"(
[[tenant]]
id = ")" + id + R"("
name = "Village"
categories = ["a"]
age_bands = ["any"]

[[tenant.channel]]
key = ")" + channel_key +
         R"("
name = "Channel two"
secret_env = "C2_SECRET"
access_token_env = "C2_TOKEN"
add_friend_url = "https://line.me/R/ti/p/@c2"

[tenant.schedule]
windows = [{ days = ["sat"], start = "10:00", end = "12:00" }]

[tenant.messages]
greeting = "hello"
off_hours = "later"
out_of_service = "closed"
crisis = "call 119"
age_question = "age?"

[[tenant.org_unit]]
id = "hub"
name = "Hub"
kind = "hub"

[[tenant.link]]
code = ")" + link_code +
         R"("
label = "Link two"
channel = ")" + link_channel +
         R"("
)";
}

// `text` with the single occurrence of `from` replaced by `to` (fails the test if `from` is absent).
inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "test document lacks: " << from;
  if (pos != std::string::npos) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// Loads `document` and returns the error it raised; records a failure if it loaded.
inline std::optional<error> load_error(const std::string& document, const fake_env& env,
                                       const std::string& label = test_label) {
  try {
    (void)load_from_string(document, label, env.lookup());
  } catch (const error& e) {
    return e;
  }
  ADD_FAILURE() << "loaded without error";
  return std::nullopt;
}

}  // namespace yorisoi::config::test
