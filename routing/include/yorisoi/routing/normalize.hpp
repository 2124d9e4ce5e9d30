#pragma once
// Text folding for keyword matching (crisis words): residents write 死にたい, 死ニタイ, ｼﾆﾀｲ or
// "死 に た い"; all of them must match the configured expression.
//
// normalize_for_matching() folds: full-width ASCII to ASCII, ASCII to lower case, half-width katakana
// (with their sound marks) to full-width, hiragana to katakana, combining sound marks onto their kana,
// and drops white space and zero-width characters. Invalid UTF-8 bytes become U+FFFD. Total: never
// throws on any input.

#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::routing {

[[nodiscard]] std::string normalize_for_matching(std::string_view utf8);

// Risk expressions, folded once; matches() folds the text and looks for any of them.
class risk_matcher {
 public:
  explicit risk_matcher(const std::vector<std::string>& expressions);
  [[nodiscard]] bool matches(std::string_view text) const;

 private:
  std::vector<std::string> folded_;
};

}  // namespace yorisoi::routing
