#include "search/search_query.hpp"

#include "console/console_common.hpp"
#include "console/console_consultations.hpp"
#include "db/pg_array.hpp"
#include "search/search_grams.hpp"

#include "yorisoi/routing/search_text.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace yorisoi::storage::detail {
namespace {

// $2 grams, $3 how many (0: no words); the rest are the criteria, '' for any. The cursor is the last
// position handed out: (opened_at, consultation_id) strictly before it.
constexpr const char* candidates_tail = R"sql(
 WHERE c.tenant_id = $1
   AND ($3 = 0 OR c.consultation_id IN (
         SELECT g.consultation_id FROM search_gram g WHERE g.tenant_id = $1 AND g.gram = ANY($2::int8[])
          GROUP BY g.consultation_id HAVING count(*) = $3))
   AND ($4::bigint IS NULL OR c.opened_at >= timestamptz 'epoch' + $4::bigint * interval '1 microsecond')
   AND ($5::bigint IS NULL OR c.opened_at < timestamptz 'epoch' + $5::bigint * interval '1 microsecond')
   AND ($6 = '' OR EXISTS (SELECT 1 FROM consultation_category cc WHERE cc.tenant_id = c.tenant_id
                              AND cc.consultation_id = c.consultation_id AND cc.category = $6))
   AND ($7 = '' OR c.age_band = $7)
   AND ($8 = '' OR c.priority = $8)
   AND ($9 = '' OR ($9 = 'none' AND c.assigned_to IS NULL) OR c.assigned_to::text = $9)
   AND ($10 = '' OR c.state = $10)
   AND ($11 = '' OR (SELECT r.stage FROM referral r WHERE r.tenant_id = c.tenant_id
                        AND r.consultation_id = c.consultation_id ORDER BY r.created_at DESC LIMIT 1) = $11)
   AND ($12 = '' OR c.resident_id = NULLIF($12, '')::uuid)
   AND ($13::bigint IS NULL OR (c.opened_at, c.consultation_id) <
        (timestamptz 'epoch' + $13::bigint * interval '1 microsecond', NULLIF($14, '')::uuid))
 ORDER BY c.opened_at DESC, c.consultation_id DESC
 LIMIT $15
)sql";

// The texts a search reads: the same rows the indexer indexes, oldest first.
constexpr const char* texts_sql = R"sql(
SELECT consultation_id::text, 'message', body, body_key_id, (extract(epoch FROM sent_at) * 1000000)::bigint
  FROM message
 WHERE tenant_id = $1 AND consultation_id = ANY($2::uuid[]) AND body IS NOT NULL AND withdrawn_at IS NULL
   AND (direction = 'in' OR author_id IS NOT NULL)
UNION ALL
SELECT consultation_id::text, 'note', body, body_key_id, (extract(epoch FROM created_at) * 1000000)::bigint
  FROM consultation_note
 WHERE tenant_id = $1 AND consultation_id = ANY($2::uuid[])
 ORDER BY 1, 5
)sql";

constexpr std::size_t snippet_context = 20;

struct candidate {
  history_item item;
  std::string resident_id;
  long long opened_micros = 0;
};

struct opened_text {
  std::string source;
  long long at = 0;
  std::string text;
};

std::string cursor_of(const candidate& c) {
  return std::to_string(c.opened_micros) + "_" + c.item.consultation_id;
}

std::string audit_detail(const search_request& r, std::size_t found) {
  boost::json::object d;
  d["words"] = r.words.size();
  auto put = [&](const char* key, const std::string& value) {
    if (!value.empty()) {
      d[key] = value;
    }
  };
  auto put_time = [&](const char* key, const std::optional<time_point>& at) {
    if (at) {
      d[key] = std::chrono::duration_cast<std::chrono::seconds>(at->time_since_epoch()).count();
    }
  };
  put_time("opened_from", r.opened_from);
  put_time("opened_before", r.opened_before);
  put("category", r.category);
  put("age_band", r.age_band);
  put("priority", r.priority);
  put("assignee", r.assignee);
  put("state", r.state);
  put("referral_stage", r.referral_stage);
  put("resident_id", r.resident_id);
  d["continued"] = !r.after.empty();
  d["results"] = found;
  return boost::json::serialize(d);
}

std::optional<long long> micros_of(const std::optional<time_point>& at) {
  if (!at) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::microseconds>(at->time_since_epoch()).count();
}

// Whether every word occurs in one of the texts; fills the snippet from the first text holding the
// first word.
bool verify(const std::vector<opened_text>& texts, const std::vector<std::u32string>& words, search_hit& hit) {
  std::vector<bool> found(words.size(), false);
  for (const auto& t : texts) {
    const auto folded = routing::fold_with_spans(t.text);
    for (std::size_t w = 0; w < words.size(); ++w) {
      if (found[w]) {
        continue;
      }
      const auto span = routing::find_folded(folded, words[w]);
      if (!span) {
        continue;
      }
      found[w] = true;
      if (w == 0) {
        const auto s = routing::cut_snippet(t.text, *span, snippet_context);
        hit.snippet_source = t.source;
        hit.snippet_at = from_micros(t.at);
        hit.snippet_before = s.before;
        hit.snippet_match = s.match;
        hit.snippet_after = s.after;
      }
    }
  }
  return std::all_of(found.begin(), found.end(), [](bool f) { return f; });
}

}  // namespace

op_result<search_page> run_search(pqxx::connection& conn, const keyring& keys, const actor& who,
                                  const search_request& request) {
  std::optional<long long> after_micros;
  std::string after_id;
  if (!request.after.empty()) {
    if (!valid_search_cursor(request.after)) {
      return refuse<search_page>(op_status::invalid, "bad_cursor");
    }
    const auto cut = request.after.find('_');
    long long v = 0;
    std::from_chars(request.after.data(), request.after.data() + cut, v);
    after_micros = v;
    after_id = request.after.substr(cut + 1);
  }
  if ((!request.resident_id.empty() && !is_uuid(request.resident_id)) ||
      (!request.assignee.empty() && request.assignee != "none" && !is_uuid(request.assignee))) {
    return refuse<search_page>(op_status::invalid, "bad_id");
  }
  const std::size_t limit = std::clamp<std::size_t>(request.limit, 1, search_max_limit);
  const bool with_words = !request.words.empty();
  gram_hasher hasher(keys);
  binary_array grams(pg_oid::int8);
  for (const auto g : hasher.grams(who.tenant_id, routing::bigrams_of(request.words))) {
    grams.add(g);
  }
  const std::size_t fetch = with_words ? search_verify_budget : limit + 1;

  pqxx::work tx(conn, "console_search");
  std::vector<candidate> candidates;
  const std::string sql = std::string("SELECT ") + history_item_columns + ", c.resident_id::text, " +
                          "(extract(epoch FROM c.opened_at) * 1000000)::bigint" + history_item_joins +
                          candidates_tail;
  for (const pqxx::row& r : tx.exec_params(
           sql, who.tenant_id, pqxx::binarystring(grams.bytes()), static_cast<int>(grams.size()),
           micros_of(request.opened_from), micros_of(request.opened_before), request.category, request.age_band,
           request.priority, request.assignee, request.state, request.referral_stage, request.resident_id,
           after_micros, after_id, static_cast<long long>(fetch))) {
    candidates.push_back(candidate{history_item_from(r), r[12].as<std::string>(), r[13].as<long long>()});
  }

  search_page page;
  if (!with_words) {
    for (std::size_t i = 0; i < candidates.size() && i < limit; ++i) {
      page.items.push_back(search_hit{candidates[i].item, candidates[i].resident_id, {}, {}, {}, {}, {}});
    }
    if (candidates.size() > limit) {
      page.next_cursor = cursor_of(candidates[limit - 1]);
    }
  } else {
    // Texts are opened a chunk of candidates at a time, so a page filled early opens little.
    const std::size_t chunk = std::max<std::size_t>(limit, 20);
    for (std::size_t first = 0; first < candidates.size() && page.items.size() < limit; first += chunk) {
      const std::size_t last = std::min(first + chunk, candidates.size());
      std::vector<std::string> ids;
      for (std::size_t i = first; i < last; ++i) {
        if (!candidates[i].item.purged_at) {
          ids.push_back(candidates[i].item.consultation_id);
        }
      }
      std::map<std::string, std::vector<opened_text>> texts;
      if (!ids.empty()) {
        for (const pqxx::row& r : tx.exec_params(texts_sql, who.tenant_id, id_array_literal(ids))) {
          const auto source = r[1].as<std::string>();
          try {
            texts[r[0].as<std::string>()].push_back(opened_text{
                source, r[4].as<long long>(),
                keys.open(sealed{r[3].as<std::uint32_t>(), pqxx::binarystring(r[2]).str()},
                          who.tenant_id + (source == "note" ? "/note" : "/message"))});
          } catch (const crypto_error&) {
            spdlog::error("search: a sealed text of consultation {} cannot be opened", r[0].as<std::string>());
          }
        }
      }
      for (std::size_t i = first; i < last && page.items.size() < limit; ++i) {
        const auto& c = candidates[i];
        ++page.examined;
        search_hit hit{c.item, c.resident_id, {}, {}, {}, {}, {}};
        if (verify(texts[c.item.consultation_id], request.words, hit)) {
          page.items.push_back(std::move(hit));
        }
      }
    }
    // Stopped on a full page before the last candidate, or the budget ran out: the rest may still match.
    if (page.examined > 0 && (page.examined < candidates.size() || candidates.size() == fetch)) {
      page.next_cursor = cursor_of(candidates[page.examined - 1]);
    }
  }
  audit(tx, who.tenant_id, is_uuid(who.user_id) ? who.user_id : std::string(), "consultation.search", "tenant",
        who.tenant_id, audit_detail(request, page.items.size()));
  tx.commit();
  return ok(std::move(page));
}

}  // namespace yorisoi::storage::detail

namespace yorisoi::storage {

bool valid_search_cursor(std::string_view cursor) noexcept {
  const auto cut = cursor.find('_');
  if (cut == std::string_view::npos || cut == 0 || cut > 19) {
    return false;
  }
  long long v = 0;
  const auto [ptr, ec] = std::from_chars(cursor.data(), cursor.data() + cut, v);
  return ec == std::errc() && ptr == cursor.data() + cut && v >= 0 && detail::is_uuid(cursor.substr(cut + 1));
}

}  // namespace yorisoi::storage
