// The consultation search's request body: criteria validated against the tenant, words folded and cut,
// local days turned into UTC bounds, and every refusal's reason; the answer's shape.
#include "yorisoi/gateway/api_json.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace yorisoi::gateway {
namespace {

config::tenant tenant() {
  config::tenant t;
  t.id = "yamagata";
  t.categories = {"家族関係", "孤独・孤立"};
  t.age_bands = {"10代", "20代"};
  t.utc_offset_minutes = 9 * 60;
  return t;
}

TEST(search_json, criteria_are_read_and_days_are_the_tenants) {
  const auto r = parse_search(
      R"({"words":"いじめ　ｶﾞｯｺｳ","opened_from":"2026-04-01","opened_to":"2026-04-30","category":"家族関係",)"
      R"("age_band":"20代","priority":"urgent","state":"closed","assignee":"none","referral_stage":"at_hub","limit":5})",
      tenant());
  ASSERT_TRUE(r.value) << r.error.code << " " << r.error.reason;
  ASSERT_EQ(r.value->words.size(), 2U);
  EXPECT_EQ(r.value->words[0], U"イジメ");
  EXPECT_EQ(r.value->words[1], U"ガッコウ");
  EXPECT_EQ(format_time(*r.value->opened_from), "2026-03-31T15:00:00Z");   // 2026-04-01 00:00 JST
  EXPECT_EQ(format_time(*r.value->opened_before), "2026-04-30T15:00:00Z");  // the end of 04-30 JST
  EXPECT_EQ(r.value->limit, 5U);
  EXPECT_EQ(r.value->assignee, "none");
  const auto empty = parse_search("{}", tenant());
  ASSERT_TRUE(empty.value);
  EXPECT_TRUE(empty.value->words.empty());
  EXPECT_EQ(empty.value->limit, 20U);
}

TEST(search_json, refusals_name_their_reason) {
  struct row {
    const char* body;
    unsigned status;
    const char* reason;
  };
  const row rows[] = {
      {R"({"words":"死"})", 422, "word_too_short"},
      {R"({"words":"a b"})", 422, "word_too_short"},
      {R"({"words":"aa bb cc dd ee ff gg hh ii"})", 422, "too_many_words"},
      {R"({"opened_from":"2026-13-01"})", 422, "bad_date"},
      // Beyond what a time can hold (the fuzzer's find: 4052 overflowed the conversion).
      {R"({"opened_from":"2026-04-01","opened_to":"4052-04-30"})", 422, "bad_date"},
      {R"({"opened_from":"1969-12-31"})", 422, "bad_date"},
      {R"({"opened_from":"2026-04-02","opened_to":"2026-04-01"})", 422, "bad_date"},
      {R"({"category":"宇宙"})", 422, "unknown_category"},
      {R"({"age_band":"90代"})", 422, "unknown_age_band"},
      {R"({"priority":"high"})", 422, "unknown_priority"},
      {R"({"state":"open"})", 422, "unknown_state"},
      {R"({"referral_stage":"lost"})", 422, "unknown_stage"},
      {R"({"limit":0})", 400, "search_limit_out_of_range"},
      {R"({"limit":51})", 400, "search_limit_out_of_range"},
      {R"({"cursor":"x"})", 400, "bad_cursor"},
      {R"({"words":1})", 400, ""},
      {R"({"limit":"5"})", 400, ""},
      {R"({"text":"いじめ"})", 400, ""},
      {R"([])", 400, ""},
  };
  for (const auto& r : rows) {
    const auto got = parse_search(r.body, tenant());
    ASSERT_FALSE(got.value) << r.body;
    EXPECT_EQ(got.error.status, r.status) << r.body;
    EXPECT_EQ(got.error.reason, r.reason) << r.body;
    EXPECT_FALSE(got.error.message.empty()) << r.body;
  }
}

TEST(search_json, a_page_carries_the_snippet_and_the_cursor) {
  storage::search_page page;
  storage::search_hit hit;
  hit.consultation.consultation_id = "c1";
  hit.consultation.state = "closed";
  hit.resident_id = "r1";
  hit.snippet_source = "message";
  hit.snippet_at = storage::time_point{};
  hit.snippet_before = "学校で";
  hit.snippet_match = "ｲｼﾞﾒ";
  hit.snippet_after = "に";
  page.items.push_back(hit);
  page.next_cursor = "1_c1";
  page.examined = 3;
  const auto json = boost::json::parse(search_page_json(page)).as_object();
  const auto& item = json.at("items").as_array().at(0).as_object();
  EXPECT_EQ(item.at("resident_id").as_string(), "r1");
  EXPECT_EQ(item.at("snippet").at("match").as_string(), "ｲｼﾞﾒ");
  EXPECT_EQ(item.at("consultation_id").as_string(), "c1");
  EXPECT_EQ(json.at("next_cursor").as_string(), "1_c1");
  page.items[0].snippet_source.clear();
  page.next_cursor.clear();
  const auto bare = boost::json::parse(search_page_json(page)).as_object();
  EXPECT_TRUE(bare.at("items").as_array().at(0).at("snippet").is_null());
  EXPECT_TRUE(bare.at("next_cursor").is_null());
}

}  // namespace
}  // namespace yorisoi::gateway
