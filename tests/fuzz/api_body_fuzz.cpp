// libFuzzer target for the console API's request bodies and query strings: the first byte picks the
// parser, the rest is the body. Any bytes in: a value or an error with a 4xx status out, never a crash,
// an escaping exception or a value that breaks the parser's own promises.
#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/routing/search_text.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

namespace gw = yorisoi::gateway;

const yorisoi::config::tenant& fuzz_tenant() {
  // Constant test data, built once.
  static const yorisoi::config::tenant tenant = [] {
    yorisoi::config::tenant t;
    t.id = "fuzz";
    t.categories = {"家族関係", "仕事・就労関係", "孤独・孤立"};
    t.age_bands = {"10代", "20代", "70代以上"};
    return t;
  }();
  return tenant;
}

template <typename T>
void check(const gw::parsed<T>& result) {
  if (!result.value && (result.error.status < 400 || result.error.status >= 500)) {
    __builtin_trap();
  }
}

bool within_text_limit(const std::string& text) {
  const auto length = gw::utf8_length(text);
  return length >= 1 && length <= gw::max_text_chars;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 10) {
    case 0:
      check(gw::parse_login(body));
      break;
    case 1:
      check(gw::parse_password_change(body));
      break;
    case 2:
      check(gw::parse_new_staff(body));
      break;
    case 3:
      check(gw::parse_staff_patch(body));
      break;
    case 4:
      check(gw::parse_transfer(body));
      break;
    case 5: {
      const auto text = gw::parse_text(body);
      check(text);
      if (text.value && !within_text_limit(*text.value)) {
        __builtin_trap();
      }
      break;
    }
    case 6: {
      const auto tags = gw::parse_tags(body, fuzz_tenant());
      check(tags);
      if (tags.value) {
        const auto& known = fuzz_tenant().categories;
        for (const auto& label : tags.value->categories) {
          if (std::find(known.begin(), known.end(), label) == known.end()) {
            __builtin_trap();  // a label the tenant does not have got through
          }
        }
      }
      break;
    }
    case 7:
      check(gw::parse_queue_view(body));
      break;
    case 8: {
      const auto after = gw::parse_after(body);
      check(after);
      if (after.value && *after.value && **after.value < 0) {
        __builtin_trap();
      }
      break;
    }
    case 9: {
      // The consultation search: words within the limits, a label of the tenant, a limit in range.
      const auto search = gw::parse_search(body, fuzz_tenant());
      check(search);
      if (search.value) {
        const auto& r = *search.value;
        const auto& known = fuzz_tenant().categories;
        if (r.words.size() > yorisoi::routing::search_max_words || r.limit < 1 ||
            r.limit > yorisoi::storage::search_max_limit ||
            (!r.category.empty() && std::find(known.begin(), known.end(), r.category) == known.end()) ||
            std::any_of(r.words.begin(), r.words.end(), [](const std::u32string& w) {
              return w.size() < yorisoi::routing::search_min_word_chars ||
                     w.size() > yorisoi::routing::search_max_word_chars;
            })) {
          __builtin_trap();
        }
      }
      break;
    }
  }
  return 0;
}
