#include "yorisoi/routing/normalize.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

struct fold_case {
  const char* in;
  const char* out;
};

TEST(normalize, folding_table) {
  const fold_case cases[] = {
      {"死にたい", "死ニタイ"},
      {"死ニタイ", "死ニタイ"},
      {"ｼﾆﾀｲ", "シニタイ"},
      {"ｶﾞｯｺｳ", "ガッコウ"},
      {"ﾊﾟﾊﾟ", "パパ"},
      {"ｳﾞ", "ヴ"},
      {"ﾃﾞﾄﾞｯﾁ", "デドッチ"},
      {"デ゙", "デ゙"},       // already voiced: the mark stays
      {"ッ゙", "ッ゙"},
      {"か\u3099", "ガ"},             // combining voiced mark
      {"は\u309a", "パ"},             // combining semi-voiced mark
      {"ア\u3099", "ア\u3099"},       // ア takes no mark: kept as it is
      {"ＨＥＬＬＯ　Ｗｏｒｌｄ", "helloworld"},
      {"リスト カット", "リストカット"},
      {"消え\u200bたい", "消エタイ"},
      {"", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(normalize_for_matching(c.in), c.out) << c.in;
  }
}

TEST(normalize, invalid_utf8_never_throws) {
  EXPECT_EQ(normalize_for_matching("\xff"), "\xef\xbf\xbd");
  EXPECT_EQ(normalize_for_matching("a\xe3\x81"), "a\xef\xbf\xbd");
  EXPECT_EQ(normalize_for_matching("\xed\xa0\x80"), "\xef\xbf\xbd");  // a surrogate
  EXPECT_EQ(normalize_for_matching("\xc0\xaf"), "\xef\xbf\xbd");      // overlong '/'
}

struct risk_case {
  const char* text;
  bool risky;
};

TEST(risk_matcher, matches_variants_of_configured_expressions) {
  const risk_matcher m({"死にたい", "消えたい", "自殺", "リストカット"});
  const risk_case cases[] = {
      {"もう死にたい", true},
      {"しにたい", false},  // kana-only spelling is not the configured expression
      {"死ニタイ", true},
      {"死 に た い", true},
      {"消えたいです", true},
      {"ｷｴﾀｲ", false},
      {"自殺を考えた", true},
      {"ﾘｽﾄｶｯﾄしてしまった", true},
      {"今日は疲れた", false},
      {"", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(m.matches(c.text), c.risky) << c.text;
  }
}

TEST(risk_matcher, empty_expressions_never_match) {
  const risk_matcher m({"", " "});
  EXPECT_FALSE(m.matches("死にたい"));
}

}  // namespace
}  // namespace yorisoi::routing
