// The consultation search's request body (SearchRequest) parsed and validated without throwing, and
// its answer (SearchPage) serialised. Dates are the tenant's local days; `opened_to` is inclusive.
#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/gateway/api_report_json.hpp"
#include "api/json_values.hpp"

#include "api/api_resident_json.hpp"
#include "api/json_body.hpp"
#include "yorisoi/routing/calendar.hpp"
#include "yorisoi/routing/referral.hpp"
#include "yorisoi/routing/search_text.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

using detail::get_string;
using detail::parse_object;
using detail::unknown_keys;

constexpr std::size_t max_words_chars = 400;

parsed<storage::search_request> bad() {
  return parsed<storage::search_request>{std::nullopt, make_api_error("bad_request")};
}

parsed<storage::search_request> refuse(std::string_view reason) {
  return parsed<storage::search_request>{std::nullopt, refusal_error("invalid", reason)};
}

bool one_of(const std::vector<std::string>& labels, const std::string& value) {
  return std::find(labels.begin(), labels.end(), value) != labels.end();
}

// Dates a search may name: a time_point counts nanoseconds and ends in 2262, so a far year would
// overflow it; no consultation is older than the service or centuries ahead.
bool searchable(routing::civil_date date) {
  return date.year >= 1970 && date.year <= 2200;
}

// The start of the tenant's local day as a UTC time.
storage::time_point local_midnight(routing::civil_date date, int utc_offset_minutes) {
  return storage::time_point(routing::to_sys_days(date)) - std::chrono::minutes(utc_offset_minutes);
}

}  // namespace

parsed<storage::search_request> parse_search(std::string_view body, const config::tenant& tenant) {
  const auto object = parse_object(body);
  if (!object || unknown_keys(*object, {"words", "opened_from", "opened_to", "category", "age_band", "priority",
                                        "assignee", "state", "referral_stage", "resident_id", "cursor", "limit"})) {
    return bad();
  }
  storage::search_request out;
  std::string words;
  std::string from;
  std::string to;
  if (get_string(*object, "words", words) < 0 || get_string(*object, "opened_from", from) < 0 ||
      get_string(*object, "opened_to", to) < 0 || get_string(*object, "category", out.category) < 0 ||
      get_string(*object, "age_band", out.age_band) < 0 || get_string(*object, "priority", out.priority) < 0 ||
      get_string(*object, "assignee", out.assignee) < 0 || get_string(*object, "state", out.state) < 0 ||
      get_string(*object, "referral_stage", out.referral_stage) < 0 ||
      get_string(*object, "resident_id", out.resident_id) < 0 || get_string(*object, "cursor", out.after) < 0) {
    return bad();
  }
  if (const auto* limit = object->if_contains("limit"); limit != nullptr) {
    if (!limit->is_int64() && !limit->is_uint64()) {
      return bad();
    }
    const auto value = limit->is_int64() ? limit->as_int64() : -1;
    if (value < 1 || value > static_cast<std::int64_t>(storage::search_max_limit)) {
      return parsed<storage::search_request>{std::nullopt, refusal_error("bad_request", "search_limit_out_of_range")};
    }
    out.limit = static_cast<std::size_t>(value);
  }
  if (!out.after.empty() && !storage::valid_search_cursor(out.after)) {
    return parsed<storage::search_request>{std::nullopt, refusal_error("bad_request", "bad_cursor")};
  }
  if (utf8_length(words) > max_words_chars) {
    return refuse("word_too_long");
  }
  auto cut = routing::parse_search_words(words);
  if (!cut.refusal.empty()) {
    return refuse(cut.refusal);
  }
  out.words = std::move(cut.words);
  std::optional<routing::civil_date> from_date;
  std::optional<routing::civil_date> to_date;
  if (!from.empty() && (!(from_date = parse_iso_date(from)) || !searchable(*from_date))) {
    return refuse("bad_date");
  }
  if (!to.empty() && (!(to_date = parse_iso_date(to)) || !searchable(*to_date))) {
    return refuse("bad_date");
  }
  if (from_date && to_date && routing::to_sys_days(*to_date) < routing::to_sys_days(*from_date)) {
    return refuse("bad_date");
  }
  if (from_date) {
    out.opened_from = local_midnight(*from_date, tenant.utc_offset_minutes);
  }
  if (to_date) {
    out.opened_before = local_midnight(*to_date, tenant.utc_offset_minutes) + std::chrono::hours(24);
  }
  if (!out.category.empty() && !one_of(tenant.categories, out.category)) {
    return refuse("unknown_category");
  }
  if (!out.age_band.empty() && !one_of(tenant.age_bands, out.age_band)) {
    return refuse("unknown_age_band");
  }
  if (!out.priority.empty() && out.priority != "normal" && out.priority != "urgent") {
    return refuse("unknown_priority");
  }
  if (!out.state.empty() && out.state != "waiting" && out.state != "assigned" && out.state != "closed") {
    return refuse("unknown_state");
  }
  if (!out.referral_stage.empty() && !routing::parse_referral_stage(out.referral_stage)) {
    return refuse("unknown_stage");
  }
  return parsed<storage::search_request>{std::move(out), {}};
}

std::string search_page_json(const storage::search_page& page) {
  json::array items;
  for (const auto& hit : page.items) {
    // The consultation as the history lists it (HistoryItem), with its resident and the snippet.
    json::object item = detail::history_object(hit.consultation);
    item["resident_id"] = hit.resident_id;
    if (hit.snippet_source.empty()) {
      item["snippet"] = nullptr;
    } else {
      item["snippet"] = json::object{{"source", hit.snippet_source},
                                     {"at", time_or_null(hit.snippet_at)},
                                     {"before", hit.snippet_before},
                                     {"match", hit.snippet_match},
                                     {"after", hit.snippet_after}};
    }
    items.push_back(std::move(item));
  }
  json::object out{{"items", std::move(items)}, {"examined", page.examined}};
  out["next_cursor"] = page.next_cursor.empty() ? json::value(nullptr) : json::value(page.next_cursor);
  return json::serialize(out);
}

}  // namespace yorisoi::gateway
