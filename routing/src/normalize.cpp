#include "yorisoi/routing/normalize.hpp"

#include <array>
#include <cstdint>

namespace yorisoi::routing {
namespace {

constexpr char32_t replacement = 0xFFFD;

// Decodes one code point; advances `i`. Overlong forms, surrogates and truncation give U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i++]);
  if (b0 < 0x80) {
    return b0;
  }
  int extra = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    extra = 1, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return replacement;
  }
  for (int k = 0; k < extra; ++k) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      return replacement;
    }
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return replacement;
  }
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Half-width katakana U+FF66…U+FF9D to full-width katakana (U+FF61…U+FF65 are punctuation).
constexpr std::array<char32_t, 56> halfwidth_kana{
    0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3, 0x30E5, 0x30E7, 0x30C3,  // ｦｧｨｩｪｫｬｭｮｯ
    0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF, 0x30B1,  // ｰｱｲｳｴｵｶｷｸｹ
    0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6,  // ｺｻｼｽｾｿﾀﾁﾂﾃ
    0x30C8, 0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8,  // ﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍ
    0x30DB, 0x30DE, 0x30DF, 0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9,  // ﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗ
    0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF, 0x30F3,                                  // ﾘﾙﾚﾛﾜﾝ
};

bool takes_voicing(char32_t kana) {
  // カ…ト (every other code point), ハ…ホ (every third), ウ.
  return (kana >= 0x30AB && kana <= 0x30C1 && kana % 2 == 1) || (kana >= 0x30C4 && kana <= 0x30C8 && kana % 2 == 0) ||
         (kana >= 0x30CF && kana <= 0x30DB && (kana - 0x30CF) % 3 == 0) || kana == 0x30A6;
}

// Applies a voiced (゛) or semi-voiced (゜) mark to the katakana just written, when it takes one.
bool apply_sound_mark(char32_t& last, bool semi) {
  if (semi) {
    if (last >= 0x30CF && last <= 0x30DB && (last - 0x30CF) % 3 == 0) {
      last += 2;
      return true;
    }
    return false;
  }
  if (last == 0x30A6) {
    last = 0x30F4;  // ヴ
    return true;
  }
  if (takes_voicing(last)) {
    last += 1;
    return true;
  }
  return false;
}

bool is_dropped(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000 || cp == 0x200B || cp == 0x200C ||
         cp == 0x200D || cp == 0xFEFF || cp == 0x00A0;
}

}  // namespace

folded_text fold_with_spans(std::string_view utf8) {
  folded_text out;
  out.points.reserve(utf8.size());
  out.spans.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const std::size_t begin = i;
    char32_t cp = next_code_point(utf8, i);
    if (is_dropped(cp)) {
      continue;
    }
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
      cp -= 0xFEE0;  // full-width ASCII
    }
    if (cp >= 'A' && cp <= 'Z') {
      cp += 'a' - 'A';
    }
    if (cp >= 0x3041 && cp <= 0x3096) {
      cp += 0x60;  // hiragana → katakana
    }
    if (cp >= 0xFF66 && cp <= 0xFF9D) {
      cp = halfwidth_kana[cp - 0xFF66];
    }
    const bool voiced = cp == 0xFF9E || cp == 0x3099 || cp == 0x309B;
    const bool semi = cp == 0xFF9F || cp == 0x309A || cp == 0x309C;
    if ((voiced || semi) && !out.points.empty() && apply_sound_mark(out.points.back(), semi)) {
      out.spans.back().end = i;  // the mark belongs to the kana it voiced
      continue;
    }
    out.points.push_back(cp);
    out.spans.push_back(source_span{begin, i});
  }
  return out;
}

std::string to_utf8(std::u32string_view points) {
  std::string out;
  out.reserve(points.size() * 3);
  for (const char32_t cp : points) {
    append_utf8(out, cp);
  }
  return out;
}

std::string normalize_for_matching(std::string_view utf8) {
  return to_utf8(fold_with_spans(utf8).points);
}

risk_matcher::risk_matcher(const std::vector<std::string>& expressions) {
  for (const auto& e : expressions) {
    auto f = normalize_for_matching(e);
    if (!f.empty()) {
      folded_.push_back(std::move(f));
    }
  }
}

bool risk_matcher::matches(std::string_view text) const {
  if (folded_.empty()) {
    return false;
  }
  const auto folded = normalize_for_matching(text);
  for (const auto& e : folded_) {
    if (folded.find(e) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace yorisoi::routing
