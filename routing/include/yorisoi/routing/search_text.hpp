#pragma once
// The words of a consultation search and the grams of the keyed search index. Japanese has no word
// boundaries, so text is cut into character bigrams after the crisis-word folding (normalize.hpp):
// 死にたい, 死ニタイ and ｼﾆﾀｲ give the same grams. A query word of n folded characters needs its n-1
// bigrams in one consultation; the candidates are then verified against the opened text, where the
// first match is cut out as a snippet in the text as written. Pure; total on any input.

#include "yorisoi/routing/normalize.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::routing {

inline constexpr std::size_t search_max_words = 8;
inline constexpr std::size_t search_min_word_chars = 2;   // folded; one character has no bigram
inline constexpr std::size_t search_max_word_chars = 50;  // folded
inline constexpr std::size_t search_max_grams = 128;      // distinct bigrams of all words

struct search_words {
  std::vector<std::u32string> words;  // folded, distinct, in the order written
  // "" when acceptable; else the refusal's reason: word_too_short, word_too_long, too_many_words.
  std::string refusal;
};

// Splits at white space (ASCII and the ideographic space), folds each word, drops empty and repeated
// ones. No word at all is acceptable (a search by the other criteria alone).
[[nodiscard]] search_words parse_search_words(std::string_view text);

// The distinct bigrams (UTF-8, two folded code points) of folded text, in order of first appearance.
[[nodiscard]] std::vector<std::string> bigrams(std::u32string_view folded);
// The distinct bigrams of all the words.
[[nodiscard]] std::vector<std::string> bigrams_of(const std::vector<std::u32string>& words);

// Where the folded `word` first occurs in the text, as bytes of the text as written.
[[nodiscard]] std::optional<source_span> find_folded(const folded_text& text, std::u32string_view word);

struct search_snippet {
  std::string before;  // up to `context` characters, "…" first when cut
  std::string match;   // the matched part as written
  std::string after;   // up to 2 × `context` characters, "…" last when cut
};

// `hit` must lie within `text` (as find_folded gives it). Line breaks become spaces.
[[nodiscard]] search_snippet cut_snippet(std::string_view text, source_span hit, std::size_t context);

}  // namespace yorisoi::routing
