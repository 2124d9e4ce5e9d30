// The search words, their bigrams and the snippet cut around a folded match, from tables.
#include "yorisoi/routing/search_text.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

std::vector<std::string> utf8_words(const search_words& w) {
  std::vector<std::string> out;
  for (const auto& word : w.words) {
    out.push_back(to_utf8(word));
  }
  return out;
}

TEST(search_text, words_are_folded_split_and_distinct) {
  struct row {
    const char* in;
    std::vector<std::string> words;
    const char* refusal;
  };
  const row rows[] = {
      {"いじめ", {"イジメ"}, ""},
      {"ｲｼﾞﾒ", {"イジメ"}, ""},
      {"イジメ　学校", {"イジメ", "学校"}, ""},     // the ideographic space separates
      {"  ＳＮＳ  いじめ ｲｼﾞﾒ ", {"sns", "イジメ"}, ""},  // repeated after folding: once
      {"", {}, ""},
      {"   ", {}, ""},
      {"死", {"死"}, "word_too_short"},
      {"学校 死", {"学校", "死"}, "word_too_short"},
      {"ｶﾞ", {"ガ"}, "word_too_short"},  // one character once folded
      {"aa bb cc dd ee ff gg hh ii", {"aa", "bb", "cc", "dd", "ee", "ff", "gg", "hh", "ii"}, "too_many_words"},
  };
  for (const auto& r : rows) {
    const auto got = parse_search_words(r.in);
    EXPECT_EQ(utf8_words(got), r.words) << r.in;
    EXPECT_EQ(got.refusal, r.refusal) << r.in;
  }
  const std::string long_word(search_max_word_chars + 1, 'a');
  EXPECT_EQ(parse_search_words(long_word).refusal, "word_too_long");
}

TEST(search_text, invalid_utf8_gives_words_never_throws) {
  const auto got = parse_search_words("\xff\xfe \xe3\x81");
  ASSERT_EQ(got.words.size(), 2U);  // every invalid byte sequence folds to U+FFFD
  EXPECT_EQ(got.words[0], U"\uFFFD\uFFFD");
  EXPECT_EQ(got.refusal, "word_too_short");  // the truncated sequence is one character
}

TEST(search_text, bigrams_of_folded_text) {
  EXPECT_EQ(bigrams(fold_with_spans("いじめ").points), (std::vector<std::string>{"イジ", "ジメ"}));
  EXPECT_EQ(bigrams(fold_with_spans("ｲｼﾞﾒ").points), (std::vector<std::string>{"イジ", "ジメ"}));
  EXPECT_EQ(bigrams(fold_with_spans("ああああ").points), (std::vector<std::string>{"アア"}));
  EXPECT_EQ(bigrams(fold_with_spans("死").points), (std::vector<std::string>{}));
  EXPECT_EQ(bigrams(fold_with_spans("").points), (std::vector<std::string>{}));
  EXPECT_EQ(bigrams(fold_with_spans("学 校").points), (std::vector<std::string>{"学校"}));
  const auto words = parse_search_words("学校 校長").words;
  EXPECT_EQ(bigrams_of(words), (std::vector<std::string>{"学校", "校長"}));
}

TEST(search_text, spans_map_folded_points_to_the_text_as_written) {
  const auto f = fold_with_spans("ｶﾞ a");
  ASSERT_EQ(f.points, U"ガa");
  ASSERT_EQ(f.spans.size(), 2U);
  EXPECT_EQ(f.spans[0].begin, 0U);
  EXPECT_EQ(f.spans[0].end, 6U);  // ｶ and its ﾞ
  EXPECT_EQ(f.spans[1].begin, 7U);
}

TEST(search_text, the_match_is_found_and_cut_in_the_text_as_written) {
  struct row {
    const char* text;
    const char* query;
    std::size_t context;
    const char* before;
    const char* match;
    const char* after;
  };
  const row rows[] = {
      {"学校でｲｼﾞﾒにあっています", "いじめ", 3, "学校で", "ｲｼﾞﾒ", "にあっていま…"},
      {"きのう学校でイジメにあった", "いじめ", 2, "…校で", "イジメ", "にあった"},
      {"いじめ", "イジメ", 5, "", "いじめ", ""},
      {"もう\nいじめ\nつらい毎日がつづく", "いじめ", 5, "もう ", "いじめ",  " つらい毎日がつづく"},
      {"ＳＮＳ で", "sns", 5, "", "ＳＮＳ", " で"},
      {"い じ め", "いじめ", 5, "", "い じ め", ""},  // spaces inside the match are part of it
  };
  for (const auto& r : rows) {
    const auto folded = fold_with_spans(r.text);
    const auto word = parse_search_words(r.query).words.at(0);
    const auto hit = find_folded(folded, word);
    ASSERT_TRUE(hit.has_value()) << r.text;
    const auto s = cut_snippet(r.text, *hit, r.context);
    EXPECT_EQ(s.before, r.before) << r.text;
    EXPECT_EQ(s.match, r.match) << r.text;
    EXPECT_EQ(s.after, r.after) << r.text;
  }
  EXPECT_FALSE(find_folded(fold_with_spans("学校"), U"イジメ").has_value());
  EXPECT_FALSE(find_folded(fold_with_spans("学校"), U"").has_value());
}

}  // namespace
}  // namespace yorisoi::routing
