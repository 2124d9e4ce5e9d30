#include "inbox/line_messages.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace yorisoi::storage::detail {
namespace {

namespace json = boost::json;
using routing::auto_answer;
using routing::auto_answer_kind;

TEST(line_messages, one_text_message_per_answer_in_order) {
  const std::vector<auto_answer> answers{{auto_answer_kind::crisis, "いのちの電話", {}},
                                         {auto_answer_kind::off_hours, "次は「2月20日(月) 18時」", {}}};
  const json::value v = json::parse(line_messages_json(answers));
  const auto& arr = v.as_array();
  ASSERT_EQ(arr.size(), 2U);
  EXPECT_EQ(arr[0].at("type").as_string(), "text");
  EXPECT_EQ(arr[0].at("text").as_string(), "いのちの電話");
  EXPECT_EQ(arr[1].at("text").as_string(), "次は「2月20日(月) 18時」");
  EXPECT_EQ(arr[0].as_object().if_contains("quickReply"), nullptr);
}

TEST(line_messages, quick_replies_are_postback_actions) {
  const std::vector<auto_answer> answers{{auto_answer_kind::age_question, "年代は?", {"10代", "20代"}}};
  const json::value v = json::parse(line_messages_json(answers));
  const auto& items = v.as_array()[0].at("quickReply").at("items").as_array();
  ASSERT_EQ(items.size(), 2U);
  const auto& action = items[1].at("action").as_object();
  EXPECT_EQ(items[1].at("type").as_string(), "action");
  EXPECT_EQ(action.at("type").as_string(), "postback");
  EXPECT_EQ(action.at("label").as_string(), "20代");
  EXPECT_EQ(action.at("data").as_string(), "yorisoi:age_band=20代");
  EXPECT_EQ(action.at("displayText").as_string(), "20代");
}

TEST(line_messages, texts_are_escaped) {
  const std::vector<auto_answer> answers{{auto_answer_kind::greeting, "a \"quoted\"\nline\\", {}}};
  EXPECT_EQ(json::parse(line_messages_json(answers)).as_array()[0].at("text").as_string(),
            "a \"quoted\"\nline\\");
}

TEST(line_messages, age_band_postbacks_name_only_offered_bands) {
  const std::vector<std::string> bands{"10代", "20代"};
  EXPECT_EQ(age_band_of_postback("yorisoi:age_band=20代", bands), "20代");
  EXPECT_EQ(age_band_of_postback("yorisoi:age_band=30代", bands), std::nullopt);
  EXPECT_EQ(age_band_of_postback("yorisoi:age_band=", bands), std::nullopt);
  EXPECT_EQ(age_band_of_postback("consent=yes", bands), std::nullopt);
  EXPECT_EQ(age_band_of_postback("20代", bands), std::nullopt);
}

TEST(line_messages, kind_names) {
  EXPECT_EQ(kind_name(auto_answer_kind::greeting), "greeting");
  EXPECT_EQ(kind_name(auto_answer_kind::off_hours), "off_hours");
  EXPECT_EQ(kind_name(auto_answer_kind::out_of_service), "out_of_service");
  EXPECT_EQ(kind_name(auto_answer_kind::crisis), "crisis");
  EXPECT_EQ(kind_name(auto_answer_kind::age_question), "age_question");
}

}  // namespace
}  // namespace yorisoi::storage::detail
