// The pure tally rules: staffed time between two instants, nearest-rank percentiles, and the figures
// computed from per-consultation facts (attribution to the opening day, age bands, categories).
#include "yorisoi/routing/report.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

using namespace std::chrono;

// Yamagata's pilot: Mon–Fri 18:00–21:00 JST, national holidays closed.
schedule_rules pilot() {
  schedule_rules r;
  r.windows.push_back({{1, 2, 3, 4, 5}, 18 * 60, 21 * 60});
  return r;
}

instant jst(int y, int mo, int d, int h, int mi = 0) {
  return from_local(pilot(), civil_date{y, mo, d}, h * 60 + mi);
}

struct staffed_case {
  const char* name;
  instant from;
  instant to;
  long long minutes;
};

TEST(report_staffed_time, counts_only_staffed_minutes) {
  const staffed_case cases[] = {
      {"before a window into it", jst(2023, 2, 20, 17), jst(2023, 2, 20, 19), 60},
      {"inside one window", jst(2023, 2, 20, 18, 10), jst(2023, 2, 20, 18, 40), 30},
      {"friday night to monday", jst(2023, 2, 17, 20, 30), jst(2023, 2, 20, 18, 30), 60},
      {"over a national holiday (2/23)", jst(2023, 2, 22, 20), jst(2023, 2, 24, 18, 30), 90},
      {"whole weekend off-hours", jst(2023, 2, 18, 9), jst(2023, 2, 19, 23), 0},
      {"empty interval", jst(2023, 2, 20, 19), jst(2023, 2, 20, 19), 0},
      {"reversed interval", jst(2023, 2, 20, 20), jst(2023, 2, 20, 19), 0},
      {"ends at a window's end", jst(2023, 2, 20, 18), jst(2023, 2, 20, 21), 180},
      {"two full weekdays", jst(2023, 2, 20, 0), jst(2023, 2, 22, 0), 360},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(duration_cast<minutes>(staffed_time_between(pilot(), c.from, c.to)).count(), c.minutes)
        << c.name;
  }
}

TEST(report_staffed_time, stops_at_the_end_of_the_answering_period) {
  schedule_rules r = pilot();
  r.answers_until = civil_date{2023, 2, 28};
  EXPECT_EQ(
      duration_cast<minutes>(staffed_time_between(r, jst(2023, 2, 28, 20), jst(2023, 3, 2, 19))).count(), 60);
}

TEST(report_percentile, nearest_rank) {
  std::vector<double> ten{10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(nearest_rank(ten, 50), 5.0);
  EXPECT_EQ(nearest_rank(ten, 90), 9.0);
  EXPECT_EQ(nearest_rank(ten, 100), 10.0);
  std::vector<double> one{7};
  EXPECT_EQ(nearest_rank(one, 50), 7.0);
  EXPECT_EQ(nearest_rank(one, 90), 7.0);
  std::vector<double> two{2, 1};
  EXPECT_EQ(nearest_rank(two, 50), 1.0);
  std::vector<double> none;
  EXPECT_FALSE(nearest_rank(none, 50).has_value());
}

report_settings settings() {
  report_settings s;
  s.schedule = pilot();
  s.categories = {"家族関係", "孤独・孤立", "仕事・就労関係"};
  s.age_bands = {"10代", "20代", "30代"};
  return s;
}

consultation_fact fact(std::string resident, instant opened) {
  consultation_fact f;
  f.resident_id = std::move(resident);
  f.opened_at = opened;
  return f;
}

TEST(report_tally, attributes_consultations_to_their_opening_day) {
  report r;
  r.range = {civil_date{2023, 2, 1}, civil_date{2023, 2, 28}};
  std::vector<consultation_fact> facts;
  facts.push_back(fact("a", jst(2023, 2, 28, 23, 59)));  // spans midnight and the month end: February
  facts.push_back(fact("b", jst(2023, 3, 1, 0, 0)));     // March: not counted
  facts.push_back(fact("c", jst(2023, 2, 1, 0, 0)));     // the first minute of the range
  facts.push_back(fact("d", jst(2023, 1, 31, 23, 59)));  // January
  tally_consultations(settings(), facts, r);
  EXPECT_EQ(r.consultations, 2);
  EXPECT_EQ(r.consulters, 2);
  EXPECT_EQ(r.arrivals_by_weekday_hour[2][23], 1);  // 2023-02-28 is a Tuesday
  EXPECT_EQ(r.arrivals_by_weekday_hour[3][0], 1);   // 2023-02-01 is a Wednesday
}

TEST(report_tally, age_band_of_the_latest_consultation_that_has_one) {
  report r;
  r.range = {civil_date{2023, 2, 1}, civil_date{2023, 2, 28}};
  std::vector<consultation_fact> facts;
  auto a1 = fact("a", jst(2023, 2, 10, 19));
  a1.age_band = "20代";
  auto a2 = fact("a", jst(2023, 2, 20, 19));
  a2.age_band = "30代";
  auto a3 = fact("a", jst(2023, 2, 25, 19));  // no band recorded: the earlier one stands
  auto b1 = fact("b", jst(2023, 2, 11, 19));
  auto c1 = fact("c", jst(2023, 2, 12, 19));
  c1.age_band = "70代";  // a band the config no longer lists
  c1.resident_returning = true;
  facts = {a2, a1, a3, b1, c1};  // order of rows does not matter
  tally_consultations(settings(), facts, r);
  EXPECT_EQ(r.consulters, 3);
  EXPECT_EQ(r.returning_consulters, 1);
  EXPECT_EQ(r.new_consulters, 2);
  const std::vector<label_count> expected{{"10代", 0}, {"20代", 0}, {"30代", 1}, {"70代", 1}, {"", 1}};
  EXPECT_EQ(r.consulters_by_age_band, expected);
}

TEST(report_tally, categories_are_multi_valued) {
  report r;
  r.range = {civil_date{2023, 2, 1}, civil_date{2023, 2, 28}};
  auto a = fact("a", jst(2023, 2, 10, 19));
  a.categories = {"家族関係", "孤独・孤立"};
  auto b = fact("b", jst(2023, 2, 10, 20));
  b.categories = {"孤独・孤立"};
  auto c = fact("c", jst(2023, 2, 10, 21));
  tally_consultations(settings(), {a, b, c}, r);
  const std::vector<label_count> expected{{"家族関係", 1}, {"孤独・孤立", 2}, {"仕事・就労関係", 0}};
  EXPECT_EQ(r.consultations_by_category, expected);
  EXPECT_EQ(r.consultations_without_category, 1);
}

TEST(report_tally, consultations_by_the_highest_risk_level_reached) {
  report r;
  r.range = {civil_date{2023, 2, 1}, civil_date{2023, 2, 28}};
  auto none = fact("a", jst(2023, 2, 10, 19));
  auto keyword = fact("b", jst(2023, 2, 10, 19));
  keyword.urgent = true;  // a crisis keyword: 高 reached even if lowered later
  auto lowered = fact("c", jst(2023, 2, 10, 19));
  lowered.urgent = true;
  lowered.highest_risk_set = risk_level::low;
  auto critical = fact("d", jst(2023, 2, 10, 19));
  critical.urgent = true;
  critical.highest_risk_set = risk_level::critical;
  auto medium = fact("e", jst(2023, 2, 10, 19));
  medium.highest_risk_set = risk_level::medium;
  auto low = fact("f", jst(2023, 2, 10, 19));
  low.highest_risk_set = risk_level::low;
  tally_consultations(settings(), {none, keyword, lowered, critical, medium, low}, r);
  const std::vector<label_count> expected{{"critical", 1}, {"high", 2}, {"medium", 1}, {"low", 1}, {"", 1}};
  EXPECT_EQ(r.consultations_by_risk, expected);
}

TEST(report_tally, waiting_times_in_clock_and_staffed_minutes) {
  report r;
  r.range = {civil_date{2023, 2, 1}, civil_date{2023, 2, 28}};
  auto a = fact("a", jst(2023, 2, 20, 18, 0));  // answered after 10 min, all staffed
  a.first_answer_at = jst(2023, 2, 20, 18, 10);
  auto b = fact("b", jst(2023, 2, 17, 22, 0));  // Friday night, answered Monday 18:30
  b.first_answer_at = jst(2023, 2, 20, 18, 30);
  auto c = fact("c", jst(2023, 2, 20, 19, 0));  // never answered
  auto d = fact("d", jst(2023, 2, 21, 20, 0));
  d.first_answer_at = jst(2023, 2, 21, 20, 5);
  d.urgent = true;
  d.arrival = "staffed";
  b.arrival = "off_hours";
  tally_consultations(settings(), {a, b, c, d}, r);
  EXPECT_EQ(r.waiting.answered, 3);
  EXPECT_EQ(r.waiting.unanswered, 1);
  EXPECT_EQ(r.waiting.clock_median_minutes, 10.0);
  EXPECT_EQ(r.waiting.clock_p90_minutes, 4110.0);  // 2 days 20.5 hours
  EXPECT_EQ(r.waiting.staffed_median_minutes, 10.0);
  EXPECT_EQ(r.waiting.staffed_p90_minutes, 30.0);
  EXPECT_EQ(r.urgent, 1);
  EXPECT_EQ(r.arrivals_staffed, 1);
  EXPECT_EQ(r.arrivals_off_hours, 1);
  EXPECT_EQ(r.arrivals_unknown, 2);
}

TEST(report_tables, referral_and_link_tables_in_config_order) {
  report_settings s = settings();
  s.units = {{"hub", "生活福祉課"}, {"kenko", "健康増進課"}};
  s.links = {{"web-ads", "Web広告"}, {"flyer", "チラシ"}};
  referral_figures f;
  f.by_stage = {{"cancelled", 2}, {"answered", 1}};
  f.cancelled_by_cause = {{"consent_declined", 2}};
  f.by_unit = {{"gone", "", 1, 0, 0}, {"kenko", "", 1, 1, 1}};
  order_referral_figures(s, f);
  ASSERT_EQ(f.by_stage.size(), 8U);
  EXPECT_EQ(f.by_stage[4], (label_count{"answered", 1}));
  EXPECT_EQ(f.by_stage[7], (label_count{"cancelled", 2}));
  EXPECT_EQ(f.by_stage[0], (label_count{"proposed", 0}));
  ASSERT_EQ(f.cancelled_by_cause.size(), 3U);
  ASSERT_EQ(f.by_unit.size(), 2U);
  EXPECT_EQ(f.by_unit[0].unit_name, "健康増進課");
  EXPECT_EQ(f.by_unit[1].unit_name, "gone");

  const auto links = link_table(s, {{"flyer", 3}, {"old-code", 1}});
  ASSERT_EQ(links.size(), 3U);
  EXPECT_EQ(links[0].code, "web-ads");
  EXPECT_EQ(links[0].clicks, 0);
  EXPECT_EQ(links[1].clicks, 3);
  EXPECT_EQ(links[2].code, "old-code");
}

}  // namespace
}  // namespace yorisoi::routing
