#pragma once
// Text folding for keyword matching (crisis words): residents write 死にたい, 死ニタイ, ｼﾆﾀｲ or
// "死 に た い"; all of them must match the configured expression.
//
// normalize_for_matching() folds: full-width ASCII to ASCII, ASCII to lower case, half-width katakana
// (with their sound marks) to full-width, hiragana to katakana, combining sound marks onto their kana,
// and drops white space and zero-width characters. Invalid UTF-8 bytes become U+FFFD. Total: never
// throws on any input.
//
// fold_with_spans() is the same folding, kept as code points with the bytes of the input each one
// came from, so that a match found in folded text can be shown in the text as written (search
// snippets).

#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::routing {

[[nodiscard]] std::string normalize_for_matching(std::string_view utf8);

// Bytes [begin, end) of the input that one folded code point came from (a kana and its sound mark
// give one code point).
struct source_span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct folded_text {
  std::u32string points;
  std::vector<source_span> spans;  // one per point
};

[[nodiscard]] folded_text fold_with_spans(std::string_view utf8);
// Code points to UTF-8 (U+FFFD stays as it is).
[[nodiscard]] std::string to_utf8(std::u32string_view points);

// Risk expressions, folded once; matches() folds the text and looks for any of them.
class risk_matcher {
 public:
  explicit risk_matcher(const std::vector<std::string>& expressions);
  [[nodiscard]] bool matches(std::string_view text) const;

 private:
  std::vector<std::string> folded_;
};

}  // namespace yorisoi::routing
