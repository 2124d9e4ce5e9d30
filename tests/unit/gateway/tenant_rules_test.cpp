// The routing rules main builds from the configuration, checked on the pilot's example file.
#include "yorisoi/gateway/tenant_rules.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>

namespace yorisoi::gateway {
namespace {

using routing::civil_date;
using routing::instant;

config::settings load_pilot() {
  // Test values only: base64 of 32 bytes for the key and the pepper.
  const std::map<std::string, std::string> env{
      {"YORISOI_ENCRYPTION_KEYS", "1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="},
      {"YORISOI_PSEUDONYM_PEPPER", "yMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5uc="},
      {"YAMAGATA_LINE_CHANNEL_SECRET", "secret"},
      {"YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN", "token"},
  };
  return config::load(YORISOI_PILOT_CONFIG, [&env](const std::string& name) -> std::optional<std::string> {
    const auto found = env.find(name);
    return found == env.end() ? std::nullopt : std::optional<std::string>(found->second);
  });
}

// A Japan local time as an instant.
instant jst(int year, int month, int day, int hour, int minute) {
  const auto days = std::chrono::sys_days(std::chrono::year(year) / month / day);
  return std::chrono::time_point_cast<std::chrono::seconds>(days) + std::chrono::hours(hour - 9) +
         std::chrono::minutes(minute);
}

class tenant_rules_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    settings_ = load_pilot();
    rules_ = make_tenant_rules(settings_.tenants.at(0));
  }
  static inline config::settings settings_;
  static inline routing::tenant_rules rules_;
};

TEST_F(tenant_rules_test, schedule_follows_the_pilot) {
  const auto& s = rules_.schedule;
  EXPECT_EQ(s.utc_offset_minutes, 9 * 60);
  ASSERT_EQ(s.windows.size(), 1u);
  EXPECT_EQ(s.windows[0].weekdays, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(s.windows[0].start_minute, 18 * 60);
  EXPECT_EQ(s.windows[0].end_minute, 21 * 60);
  EXPECT_TRUE(s.closed_on_national_holidays);
  EXPECT_EQ(s.closed_every_year.size(), 6u);
  EXPECT_EQ(s.intake_start, (civil_date{2023, 2, 16}));
  EXPECT_EQ(s.intake_end, (civil_date{2023, 2, 27}));
  EXPECT_EQ(s.answers_until, (civil_date{2023, 2, 28}));
}

TEST_F(tenant_rules_test, staffed_on_a_weekday_evening_not_on_a_holiday) {
  EXPECT_TRUE(routing::is_staffed(rules_.schedule, jst(2023, 2, 20, 19, 0)));   // Monday
  EXPECT_FALSE(routing::is_staffed(rules_.schedule, jst(2023, 2, 20, 21, 0)));  // window end is exclusive
  EXPECT_FALSE(routing::is_staffed(rules_.schedule, jst(2023, 2, 23, 19, 0)));  // 天皇誕生日
  EXPECT_FALSE(routing::is_staffed(rules_.schedule, jst(2023, 2, 18, 10, 0)));  // Saturday
}

TEST_F(tenant_rules_test, next_window_after_a_saturday_is_monday_evening) {
  const auto next = routing::next_window(rules_.schedule, jst(2023, 2, 18, 10, 0));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->start, jst(2023, 2, 20, 18, 0));
  EXPECT_EQ(routing::format_window_start(rules_.schedule, next->start), "2月20日(月) 18時");
}

TEST_F(tenant_rules_test, intake_ends_with_the_pilot) {
  EXPECT_EQ(routing::intake_at(rules_.schedule, jst(2023, 2, 27, 23, 59)), routing::intake_phase::open);
  EXPECT_EQ(routing::intake_at(rules_.schedule, jst(2023, 2, 28, 0, 1)), routing::intake_phase::ended);
  EXPECT_EQ(routing::intake_at(rules_.schedule, jst(2023, 2, 15, 23, 59)),
            routing::intake_phase::not_started);
}

TEST_F(tenant_rules_test, texts_and_age_bands_come_from_the_config) {
  const auto& tenant = settings_.tenants.at(0);
  EXPECT_EQ(rules_.texts.greeting, tenant.texts.greeting);
  EXPECT_EQ(rules_.texts.off_hours, tenant.texts.off_hours);
  EXPECT_EQ(rules_.texts.out_of_service, tenant.texts.out_of_service);
  EXPECT_EQ(rules_.texts.crisis, tenant.texts.crisis);
  EXPECT_EQ(rules_.texts.age_question, tenant.texts.age_question);
  EXPECT_EQ(rules_.texts.other_contacts, tenant.texts.other_contacts);
  EXPECT_EQ(rules_.texts.age_bands, tenant.age_bands);
  EXPECT_NE(rules_.texts.off_hours.find("{next_window}"), std::string::npos);
}

TEST_F(tenant_rules_test, risk_keywords_match_after_folding) {
  EXPECT_TRUE(rules_.risk.matches("もう死にたい"));
  EXPECT_TRUE(rules_.risk.matches("ｼﾆﾀｲ と 死 に た い"));
  EXPECT_FALSE(rules_.risk.matches("今日は晴れ"));
}

TEST_F(tenant_rules_test, off_hours_decision_names_monday) {
  const auto d = routing::decide_message(rules_, jst(2023, 2, 18, 10, 0), "こんにちは", false, {}, {});
  EXPECT_TRUE(d.open_consultation);
  EXPECT_EQ(d.arrived, routing::arrival::off_hours);
  bool named = false;
  for (const auto& answer : d.answers) {
    if (answer.kind == routing::auto_answer_kind::off_hours) {
      named = answer.text.find("2月20日(月) 18時") != std::string::npos;
    }
  }
  EXPECT_TRUE(named);
}

TEST_F(tenant_rules_test, every_tenant_is_mapped_by_id) {
  const auto all = make_all_tenant_rules(settings_);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all.begin()->first, "yamagata");
}

}  // namespace
}  // namespace yorisoi::gateway
