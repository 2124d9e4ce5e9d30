#include "yorisoi/routing/consent_request.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

const std::string token = "Zk3_q-9aXbT4mN2pR7sV1w";  // 22 characters of base64url

std::size_t code_points(std::string_view utf8) {
  std::size_t n = 0;
  for (const char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) {
      ++n;
    }
  }
  return n;
}

TEST(consent_request, names_what_is_shared_and_with_whom) {
  const auto message = build_consent_request({"仕事を失い、家賃の支払いに困っている。",
                                              {"生活福祉課", "雇用創出課"},
                                              {"生活困窮", "仕事・就労関係"},
                                              token,
                                              72});
  EXPECT_NE(message.text.find("仕事を失い、家賃の支払いに困っている。"), std::string::npos);
  EXPECT_NE(message.text.find("「生活福祉課」、「雇用創出課」"), std::string::npos);
  EXPECT_NE(message.text.find("生活困窮、仕事・就労関係"), std::string::npos);
  EXPECT_NE(message.text.find("取り消す"), std::string::npos);
  EXPECT_NE(message.text.find("72時間"), std::string::npos);
  ASSERT_EQ(message.buttons.size(), 2U);
  EXPECT_EQ(message.buttons[0].label, "同意する");
  EXPECT_EQ(message.buttons[1].label, "同意しない");
  EXPECT_EQ(parse_consent_postback(message.buttons[0].data),
            (consent_postback{consent_answer::grant, token}));
  EXPECT_EQ(parse_consent_postback(message.buttons[1].data),
            (consent_postback{consent_answer::decline, token}));
}

TEST(consent_request, without_a_deadline_or_labels_says_nothing_of_them) {
  const auto message = build_consent_request({"要約", {"生活福祉課"}, {}, token, 0});
  EXPECT_EQ(message.text.find("時間有効"), std::string::npos);
  EXPECT_EQ(message.text.find("相談の分類"), std::string::npos) << "no labels, no line for them";
}

TEST(consent_request, fits_line_limits) {
  const std::string longest(64, 'a');
  auto buttons = build_consent_request({"要約", {"生活福祉課"}, {}, longest, 72}).buttons;
  buttons.push_back(withdraw_button(longest));
  for (const auto& button : buttons) {
    EXPECT_LE(code_points(button.label), 20U) << button.label;
    EXPECT_LE(code_points(button.display_text), 300U) << button.label;
    EXPECT_LE(button.data.size(), 300U) << button.label;
  }
}

TEST(consent_postback, every_answer_round_trips) {
  for (const auto answer : {consent_answer::grant, consent_answer::decline, consent_answer::withdraw}) {
    EXPECT_EQ(parse_consent_postback(postback_data(answer, token)), (consent_postback{answer, token}));
  }
  EXPECT_EQ(parse_consent_postback(withdraw_button(token).data),
            (consent_postback{consent_answer::withdraw, token}));
}

TEST(consent_postback, token_length_boundaries) {
  EXPECT_TRUE(parse_consent_postback("yc1:grant:" + std::string(16, 'a')).has_value());
  EXPECT_TRUE(parse_consent_postback("yc1:grant:" + std::string(64, 'Z')).has_value());
  EXPECT_FALSE(parse_consent_postback("yc1:grant:" + std::string(15, 'a')).has_value());
  EXPECT_FALSE(parse_consent_postback("yc1:grant:" + std::string(65, 'a')).has_value());
}

TEST(consent_postback, malformed_data_is_refused) {
  const std::vector<std::string> bad{
      "",
      "yc1",
      "yc1:",
      "yc1:grant",
      "yc1:grant:",
      "yc1::" + token,
      "yc1:accept:" + token,
      "yc1:Grant:" + token,
      "YC1:grant:" + token,
      "yc2:grant:" + token,
      "grant:" + token,
      " yc1:grant:" + token,
      "yc1:grant:" + token + " ",
      "yc1:grant:" + token + "\n",
      "yc1:grant:" + token + ":extra",
      "yc1:grant:" + token.substr(0, 10) + "=" + token.substr(10),
      "yc1:grant:" + token.substr(0, 10) + "+/" + token.substr(10),
      "yc1:grant:" + token.substr(0, 10) + "あ" + token.substr(10),
      "yc1:grant:" + token.substr(0, 10) + std::string(1, '\0') + token.substr(10),
      "action=grant&token=" + token,
      "yc1:grant:yc1:grant:" + token,
  };
  for (const auto& data : bad) {
    EXPECT_FALSE(parse_consent_postback(data).has_value()) << "data: " << data;
  }
}

TEST(consent_token, validity) {
  EXPECT_TRUE(is_valid_consent_token(token));
  EXPECT_FALSE(is_valid_consent_token(""));
  EXPECT_FALSE(is_valid_consent_token("short"));
  EXPECT_FALSE(is_valid_consent_token(std::string(20, '.')));
}

}  // namespace
}  // namespace yorisoi::routing
