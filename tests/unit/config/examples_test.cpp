// The shipped examples load with a complete environment and hold the Yamagata pilot as described in
// DESIGN.md §1; the pilot file differs from the open-ended one only in its service period.

#include <algorithm>

#include "test_support.hpp"

namespace yorisoi::config::test {
namespace {

const std::string examples_dir = std::string(YORISOI_SOURCE_DIR) + "/config/examples/";

settings load_example(const std::string& name) {
  const fake_env env;
  return load(examples_dir + name, env.lookup());
}

std::size_t count_kind(const tenant& t, org_unit_kind kind) {
  return static_cast<std::size_t>(std::count_if(t.org_units.begin(), t.org_units.end(),
                                                [&](const org_unit& u) { return u.kind == kind; }));
}

TEST(config_examples, migration_loads_without_the_line_secrets) {
  fake_env env;
  env.vars.erase("YAMAGATA_LINE_CHANNEL_SECRET");
  env.vars.erase("YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN");
  EXPECT_THROW((void)load(examples_dir + "yamagata.toml", env.lookup()), error);
  const settings s = load_for_migration(examples_dir + "yamagata.toml", env.lookup());
  ASSERT_EQ(s.tenants.size(), 1U);
  ASSERT_EQ(s.tenants[0].channels.size(), 1U);
  EXPECT_EQ(s.tenants[0].channels[0].key, "yamagata");
  EXPECT_TRUE(s.tenants[0].channels[0].secret.empty());
  EXPECT_TRUE(s.tenants[0].channels[0].access_token.empty());
  EXPECT_EQ(s.crypto.keys.size(), 2U);  // the rest is read and checked as always
}

TEST(config_examples, yamagata_loads_with_the_pilot_content) {
  const settings s = load_example("yamagata.toml");
  EXPECT_EQ(s.source_file, examples_dir + "yamagata.toml");
  EXPECT_EQ(s.server.listen_host, "127.0.0.1");
  EXPECT_EQ(s.server.listen_port, 8080);
  EXPECT_EQ(s.database.url, "postgresql:///yorisoi");
  EXPECT_EQ(s.line.api_base, "https://api.line.me");
  ASSERT_EQ(s.crypto.keys.size(), 2U);
  EXPECT_EQ(s.crypto.keys.at(1).size(), 32U);
  EXPECT_EQ(s.crypto.pseudonym_pepper.size(), 32U);

  ASSERT_EQ(s.tenants.size(), 1U);
  const tenant& t = s.tenants[0];
  EXPECT_EQ(t.id, "yamagata");
  EXPECT_EQ(t.name, "山形市");
  EXPECT_EQ(t.time_zone, "Asia/Tokyo");
  EXPECT_EQ(t.utc_offset_minutes, 540);

  ASSERT_EQ(t.channels.size(), 1U);
  EXPECT_EQ(t.channels[0].key, "yamagata");
  EXPECT_EQ(t.channels[0].secret, "yamagata-channel-secret");
  EXPECT_EQ(t.channels[0].access_token, "yamagata-access-token");
  EXPECT_TRUE(t.channels[0].add_friend_url.starts_with("https://line.me/"));

  ASSERT_EQ(t.staffed.windows.size(), 1U);
  EXPECT_EQ(t.staffed.windows[0].weekdays, (std::vector<int>{1, 2, 3, 4, 5}));
  EXPECT_EQ(t.staffed.windows[0].start_minute, 18 * 60);
  EXPECT_EQ(t.staffed.windows[0].end_minute, 21 * 60);
  EXPECT_TRUE(t.staffed.closed_on_national_holidays);
  EXPECT_EQ(t.staffed.closed_every_year,
            (std::vector<month_day>{{12, 29}, {12, 30}, {12, 31}, {1, 1}, {1, 2}, {1, 3}}));
  EXPECT_TRUE(t.staffed.closed_dates.empty());

  EXPECT_FALSE(t.service.intake_start);
  EXPECT_FALSE(t.service.intake_end);
  EXPECT_FALSE(t.service.answers_until);

  EXPECT_EQ(t.categories, (std::vector<std::string>{"家族関係", "仕事・就労関係", "病気・障害", "孤独・孤立",
                                                    "生きがい・趣味", "子育て・教育",
                                                    "行政サービス・制度利用", "友人関係", "恋愛関係", "介護",
                                                    "希死念慮・自傷", "生活困窮", "法律関係", "離婚関係"}));
  EXPECT_EQ(t.age_bands,
            (std::vector<std::string>{"10代", "20代", "30代", "40代", "50代", "60代", "70代以上"}));
  EXPECT_EQ(t.risk_keywords, (std::vector<std::string>{"死にたい", "消えたい", "自殺", "リストカット", "自傷",
                                                       "死のう", "いなくなりたい", "首を吊"}));

  EXPECT_EQ(t.org_units.size(), 9U);
  EXPECT_EQ(count_kind(t, org_unit_kind::hub), 1U);
  EXPECT_EQ(count_kind(t, org_unit_kind::department), 6U);
  EXPECT_EQ(count_kind(t, org_unit_kind::platform_group), 2U);
  EXPECT_EQ(t.org_units[0].name, "福祉推進部生活福祉課");
  EXPECT_EQ(t.org_units[0].kind, org_unit_kind::hub);
  const auto hikikomori = std::find_if(t.org_units.begin(), t.org_units.end(),
                                       [](const org_unit& u) { return u.id == "hikikomori"; });
  ASSERT_NE(hikikomori, t.org_units.end());
  EXPECT_EQ(hikikomori->members.size(), 4U);
  const auto rodo = std::find_if(t.org_units.begin(), t.org_units.end(), [](const org_unit& u) {
    return u.kind == org_unit_kind::platform_group && u.id != "hikikomori";
  });
  ASSERT_NE(rodo, t.org_units.end());
  EXPECT_EQ(rodo->members,
            (std::vector<std::string>{"山形労働局", "山形商工会議所", "山形勤労者福祉サービスセンター"}));

  std::vector<std::string> codes;
  for (const auto& link : t.links) {
    codes.push_back(link.code);
    EXPECT_EQ(link.channel_key, "yamagata");
    EXPECT_FALSE(link.label.empty());
  }
  EXPECT_EQ(codes,
            (std::vector<std::string>{"web-ads", "facebook", "instagram", "flyer", "city-web", "city-line",
                                      "city-facebook", "influencer-1", "influencer-2", "influencer-3",
                                      "influencer-4", "influencer-5", "influencer-6", "influencer-7"}));

  EXPECT_GE(t.templates.size(), 3U);
  EXPECT_NE(t.texts.off_hours.find("{next_window}"), std::string::npos);
  EXPECT_NE(t.texts.crisis.find("0120-279-338"), std::string::npos);
  EXPECT_NE(t.texts.crisis.find("0570-064-556"), std::string::npos);
  EXPECT_EQ(t.idle_close_after, std::chrono::hours(72));
  EXPECT_EQ(t.retention, std::chrono::hours(24 * 1825));

  const tenant* owner = nullptr;
  EXPECT_EQ(s.find_channel("yamagata", &owner), &t.channels[0]);
  EXPECT_EQ(owner, &t);
  EXPECT_EQ(s.find_channel("nope"), nullptr);
  EXPECT_EQ(s.find_tenant("yamagata"), &t);
  EXPECT_EQ(s.find_tenant("nope"), nullptr);
}

TEST(config_examples, pilot_has_the_2023_service_period) {
  const settings s = load_example("yamagata-2023-pilot.toml");
  ASSERT_EQ(s.tenants.size(), 1U);
  const service_period& p = s.tenants[0].service;
  EXPECT_EQ(p.intake_start, (local_date{2023, 2, 16}));
  EXPECT_EQ(p.intake_end, (local_date{2023, 2, 27}));
  EXPECT_EQ(p.answers_until, (local_date{2023, 2, 28}));
}

TEST(config_examples, referrals_go_through_the_hub_with_a_three_day_consent) {
  const settings s = load_example("yamagata.toml");
  ASSERT_EQ(s.tenants.size(), 1U);
  const referral_settings& r = s.tenants[0].referrals;
  EXPECT_EQ(r.consent_ttl, std::chrono::hours(72));
  EXPECT_FALSE(r.hub_skipped);
  EXPECT_TRUE(r.answers_through_hub);
}

TEST(config_examples, pilot_and_open_ended_agree_on_everything_but_the_service_period) {
  const settings open_ended = load_example("yamagata.toml");
  settings pilot = load_example("yamagata-2023-pilot.toml");
  ASSERT_EQ(pilot.tenants.size(), open_ended.tenants.size());
  EXPECT_NE(pilot.tenants[0].service, open_ended.tenants[0].service);
  pilot.source_file = open_ended.source_file;
  pilot.tenants[0].service = open_ended.tenants[0].service;
  // Section by section first, so a failure says where the copies drifted apart.
  EXPECT_TRUE(pilot.server == open_ended.server);
  EXPECT_TRUE(pilot.database == open_ended.database);
  EXPECT_TRUE(pilot.line == open_ended.line);
  EXPECT_TRUE(pilot.crypto == open_ended.crypto);
  EXPECT_TRUE(pilot.tenants[0].texts == open_ended.tenants[0].texts);
  EXPECT_TRUE(pilot.tenants[0].org_units == open_ended.tenants[0].org_units);
  EXPECT_TRUE(pilot.tenants[0].links == open_ended.tenants[0].links);
  EXPECT_TRUE(pilot.tenants[0].referrals == open_ended.tenants[0].referrals);
  EXPECT_TRUE(pilot == open_ended);
}

TEST(config_examples, a_missing_file_names_itself) {
  const fake_env env;
  try {
    (void)load(examples_dir + "no-such-file.toml", env.lookup());
    FAIL() << "loaded a missing file";
  } catch (const error& e) {
    EXPECT_EQ(e.file(), examples_dir + "no-such-file.toml");
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos);
  }
}

TEST(config_examples, the_minimal_test_document_is_valid) {
  const fake_env env;
  const settings s = load_from_string(minimal_document() + second_tenant(), test_label, env.lookup());
  ASSERT_EQ(s.tenants.size(), 2U);
  EXPECT_EQ(s.server.listen_port, 0);
  EXPECT_EQ(s.tenants[1].time_zone, "Asia/Tokyo");
  EXPECT_EQ(s.tenants[0].staffed.closed_dates, (std::vector<local_date>{{2024, 5, 7}}));
  EXPECT_EQ(s.tenants[0].idle_close_after, std::chrono::hours(24));
}

}  // namespace
}  // namespace yorisoi::config::test
