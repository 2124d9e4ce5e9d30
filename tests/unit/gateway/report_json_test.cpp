// The reports API's pure parts: the range of a request, the Report JSON, the CSV file name, tracked
// links and the report settings made from the pilot's configuration.
#include "yorisoi/gateway/api_report_json.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace yorisoi::gateway {
namespace {

namespace json = boost::json;
using routing::civil_date;

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

TEST(report_range, both_dates_are_required_and_strict) {
  const auto ok = parse_report_range("from=2026-04-01&to=2027-03-31");
  ASSERT_TRUE(ok.value);
  EXPECT_EQ(ok.value->from, (civil_date{2026, 4, 1}));
  EXPECT_EQ(ok.value->to, (civil_date{2027, 3, 31}));
  for (const char* query : {"", "from=2026-04-01", "to=2026-04-01", "from=2026-4-01&to=2026-04-02",
                            "from=2026-02-29&to=2026-03-01", "from=2026-04-01&to=2026-04-31",
                            "from=+2026-04-01&to=2026-04-02", "from=2026-04-01T00:00Z&to=2026-04-02",
                            "from=20260401&to=20260402", "from=2026/04/01&to=2026/04/02", "from=&to="}) {
    const auto bad = parse_report_range(query);
    EXPECT_FALSE(bad.value) << query;
    EXPECT_EQ(bad.error.status, 400u) << query;
    EXPECT_EQ(bad.error.code, "bad_request") << query;
  }
  // A reversed range is well formed: the store judges it (422).
  EXPECT_TRUE(parse_report_range("to=2026-04-01&from=2027-04-01").value);
  EXPECT_TRUE(parse_iso_date("2024-02-29"));
  EXPECT_EQ(iso_date({2026, 4, 1}), "2026-04-01");
}

TEST(report_json, has_the_contract_s_names_and_shapes) {
  config::tenant tenant;
  tenant.id = "yamagata";
  tenant.name = "山形市";
  routing::report r;
  r.range = {{2026, 4, 1}, {2027, 3, 31}};
  r.consultations = 3;
  r.consulters = 2;
  r.consulters_by_age_band = {{"20代", 1}, {"", 1}};
  r.consultations_by_category = {{"家族関係", 2}};
  r.arrivals_by_weekday_hour[0][23] = 2;
  r.arrivals_by_weekday_hour[6][0] = 1;
  r.waiting.answered = 2;
  r.waiting.clock_median_minutes = 10.0;
  r.waiting.clock_p90_minutes = 12.5;
  r.referrals.total = 1;
  r.referrals.by_stage = {{"answered", 1}};
  r.referrals.by_unit = {{"kenko", "健康増進課", 1, 1, 0}};
  r.consents.requested = 1;
  r.link_clicks = {{"web-ads", "Web広告", 7}};
  r.consultations_by_risk = {{"critical", 0}, {"high", 2}, {"medium", 0}, {"low", 1}, {"", 4}};
  const auto v = json::parse(report_json(r, tenant));
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("tenant"), (json::object{{"id", "yamagata"}, {"name", "山形市"}}));
  EXPECT_EQ(o.at("range"), (json::object{{"from", "2026-04-01"}, {"to", "2027-03-31"}}));
  EXPECT_EQ(o.at("time_zone"), "Asia/Tokyo");
  EXPECT_EQ(o.at("consultations"), 3);
  EXPECT_EQ(o.at("categories_multi_valued"), true);
  EXPECT_EQ(o.at("consulters_by_age_band").as_array().at(1), (json::object{{"label", ""}, {"count", 1}}));
  const auto& arrivals = o.at("arrivals_by_weekday_hour").as_array();
  ASSERT_EQ(arrivals.size(), 7u);
  EXPECT_EQ(arrivals.at(0).as_array().size(), 24u);
  EXPECT_EQ(arrivals.at(0).as_array().at(23), 2);
  EXPECT_EQ(arrivals.at(6).as_array().at(0), 1);
  const auto& waiting = o.at("waiting").as_object();
  EXPECT_TRUE(waiting.at("clock_median_minutes").is_int64()) << "whole minutes are integers";
  EXPECT_EQ(waiting.at("clock_median_minutes"), 10);
  EXPECT_EQ(waiting.at("clock_p90_minutes"), 12.5);
  EXPECT_TRUE(waiting.at("staffed_median_minutes").is_null());
  EXPECT_EQ(o.at("referrals").at("by_unit").as_array().at(0), (json::object{{"unit_id", "kenko"},
                                                                            {"unit_name", "健康増進課"},
                                                                            {"suggested", 1},
                                                                            {"received", 1},
                                                                            {"answered", 0}}));
  EXPECT_EQ(o.at("consents").as_object().size(), 6u);
  EXPECT_EQ(o.at("link_clicks").as_array().at(0),
            (json::object{{"code", "web-ads"}, {"label", "Web広告"}, {"clicks", 7}}));
  EXPECT_EQ(o.at("consultations_by_risk").as_array().size(), 5u);
  EXPECT_EQ(o.at("consultations_by_risk").as_array().at(1), (json::object{{"label", "high"}, {"count", 2}}));
  EXPECT_EQ(o.size(), 23u);  // every name of the contract, nothing else
}

TEST(report_json, csv_file_name) {
  EXPECT_EQ(report_csv_file_name("yamagata", {{2026, 4, 1}, {2027, 3, 31}}),
            "yorisoi-yamagata-2026-04-01-2027-03-31.csv");
}

TEST(tracked_links, found_by_code_with_the_channel_s_add_friend_url) {
  const auto settings = load_pilot();
  ASSERT_FALSE(settings.tenants.at(0).links.empty());
  const auto& first = settings.tenants.at(0).links.at(0);
  const auto found = find_link(settings, first.code);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->tenant->id, settings.tenants.at(0).id);
  EXPECT_EQ(found->link->label, first.label);
  EXPECT_EQ(found->add_friend_url, settings.tenants.at(0).channels.at(0).add_friend_url);
  EXPECT_FALSE(find_link(settings, "no-such-code"));
  EXPECT_FALSE(find_link(settings, ""));
}

TEST(tracked_links, report_settings_follow_the_tenant) {
  const auto settings = load_pilot();
  const auto& tenant = settings.tenants.at(0);
  const auto s = make_report_settings(tenant);
  EXPECT_EQ(s.categories, tenant.categories);
  EXPECT_EQ(s.age_bands, tenant.age_bands);
  ASSERT_EQ(s.links.size(), tenant.links.size());
  EXPECT_EQ(s.links.at(0).code, tenant.links.at(0).code);
  ASSERT_EQ(s.units.size(), tenant.org_units.size());
  EXPECT_EQ(s.schedule.utc_offset_minutes, tenant.utc_offset_minutes);
  EXPECT_EQ(s.schedule.windows.size(), tenant.staffed.windows.size());
}

}  // namespace
}  // namespace yorisoi::gateway
