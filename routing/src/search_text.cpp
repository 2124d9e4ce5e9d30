#include "yorisoi/routing/search_text.hpp"

#include <algorithm>

namespace yorisoi::routing {
namespace {

bool is_separator(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000;
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

// Byte position `chars` code points before `from` (or 0).
std::size_t back_chars(std::string_view text, std::size_t from, std::size_t chars) {
  std::size_t at = from;
  for (std::size_t n = 0; n < chars && at > 0; ++n) {
    do {
      --at;
    } while (at > 0 && is_continuation(text[at]));
  }
  return at;
}

// Byte position `chars` code points after `from` (or the end).
std::size_t forward_chars(std::string_view text, std::size_t from, std::size_t chars) {
  std::size_t at = from;
  for (std::size_t n = 0; n < chars && at < text.size(); ++n) {
    do {
      ++at;
    } while (at < text.size() && is_continuation(text[at]));
  }
  return at;
}

std::string flatten(std::string_view part) {
  std::string out(part);
  std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return out;
}

}  // namespace

search_words parse_search_words(std::string_view text) {
  search_words out;
  // Folding drops white space, so the words are cut from the text as written first.
  std::size_t start = 0;
  auto take = [&](std::size_t end) {
    auto word = fold_with_spans(text.substr(start, end - start)).points;
    if (!word.empty() && std::find(out.words.begin(), out.words.end(), word) == out.words.end()) {
      out.words.push_back(std::move(word));
    }
  };
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t begin = i;
    i = forward_chars(text, i, 1);
    const auto piece = text.substr(begin, i - begin);
    if ((piece.size() == 1 && is_separator(static_cast<unsigned char>(piece[0]))) || piece == "\xe3\x80\x80") {
      take(begin);
      start = i;
    }
  }
  take(text.size());
  if (out.words.size() > search_max_words) {
    out.refusal = "too_many_words";
  } else if (std::any_of(out.words.begin(), out.words.end(),
                         [](const auto& w) { return w.size() < search_min_word_chars; })) {
    out.refusal = "word_too_short";
  } else if (std::any_of(out.words.begin(), out.words.end(),
                         [](const auto& w) { return w.size() > search_max_word_chars; })) {
    out.refusal = "word_too_long";
  } else if (bigrams_of(out.words).size() > search_max_grams) {
    out.refusal = "too_many_words";
  }
  return out;
}

std::vector<std::string> bigrams(std::u32string_view folded) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < folded.size(); ++i) {
    auto gram = to_utf8(folded.substr(i, 2));
    if (std::find(out.begin(), out.end(), gram) == out.end()) {
      out.push_back(std::move(gram));
    }
  }
  return out;
}

std::vector<std::string> bigrams_of(const std::vector<std::u32string>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) {
    for (auto& gram : bigrams(w)) {
      if (std::find(out.begin(), out.end(), gram) == out.end()) {
        out.push_back(std::move(gram));
      }
    }
  }
  return out;
}

std::optional<source_span> find_folded(const folded_text& text, std::u32string_view word) {
  if (word.empty()) {
    return std::nullopt;
  }
  const auto at = std::u32string_view(text.points).find(word);
  if (at == std::u32string_view::npos) {
    return std::nullopt;
  }
  return source_span{text.spans[at].begin, text.spans[at + word.size() - 1].end};
}

search_snippet cut_snippet(std::string_view text, source_span hit, std::size_t context) {
  search_snippet out;
  const std::size_t end = std::min(hit.end, text.size());
  const std::size_t begin = std::min(hit.begin, end);
  const std::size_t from = back_chars(text, begin, context);
  const std::size_t to = forward_chars(text, end, context * 2);
  out.before = (from > 0 ? "…" : "") + flatten(text.substr(from, begin - from));
  out.match = flatten(text.substr(begin, end - begin));
  out.after = flatten(text.substr(end, to - end)) + (to < text.size() ? "…" : "");
  return out;
}

}  // namespace yorisoi::routing
