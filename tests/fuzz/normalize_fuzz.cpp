// libFuzzer target for the text folding used on crisis words: any bytes in, valid UTF-8 out, folding
// twice changes nothing more, and a folded expression always matches text containing it. The search's
// folding with source spans: one span per folded character, in order, within the input; a word of the
// input found in it maps back to bytes of the input, and the snippet cut there holds them.
#include "yorisoi/routing/normalize.hpp"
#include "yorisoi/routing/search_text.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      return false;
    }
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string once = yorisoi::routing::normalize_for_matching(input);
  if (!valid_utf8(once)) {
    __builtin_trap();
  }
  if (yorisoi::routing::normalize_for_matching(once) != once) {
    __builtin_trap();
  }
  const auto half = input.substr(0, input.size() / 2);
  const yorisoi::routing::risk_matcher matcher({std::string(half)});
  if (!yorisoi::routing::normalize_for_matching(half).empty() && !matcher.matches(std::string(half) + "。")) {
    __builtin_trap();
  }
  const auto folded = yorisoi::routing::fold_with_spans(input);
  if (folded.spans.size() != folded.points.size() || yorisoi::routing::to_utf8(folded.points) != once) {
    __builtin_trap();
  }
  std::size_t previous_end = 0;
  for (const auto& span : folded.spans) {
    if (span.begin < previous_end || span.begin >= span.end || span.end > input.size()) {
      __builtin_trap();
    }
    previous_end = span.end;
  }
  const auto words = yorisoi::routing::parse_search_words(input);
  for (const auto& word : words.words) {
    if (const auto hit = yorisoi::routing::find_folded(folded, word)) {
      if (hit->begin >= hit->end || hit->end > input.size()) {
        __builtin_trap();
      }
      const auto snippet = yorisoi::routing::cut_snippet(input, *hit, 5);
      if (snippet.match.size() != hit->end - hit->begin) {
        __builtin_trap();
      }
    }
  }
  return 0;
}
