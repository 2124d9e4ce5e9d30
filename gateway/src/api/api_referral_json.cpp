// Serialisation of referrals (the counsellors' and the officers' views) and the parsing of the
// referral routes' request bodies.
#include "yorisoi/gateway/api_referral_json.hpp"
#include "api/json_values.hpp"

#include "api/json_body.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

json::array strings(const std::vector<std::string>& values) {
  json::array out;
  for (const auto& v : values) {
    out.emplace_back(v);
  }
  return out;
}

json::array answers(const std::vector<storage::referral_answer>& values) {
  json::array out;
  for (const auto& a : values) {
    out.push_back(json::object{{"unit_id", a.unit_id},
                               {"unit_name", a.unit_name},
                               {"text", a.text},
                               {"answered_at", format_time(a.answered_at)}});
  }
  return out;
}

json::object consent_object(const storage::referral_consent_view& c) {
  json::object out;
  out["state"] = c.state.empty() ? "none" : c.state;
  out["requested_at"] = time_or_null(c.requested_at);
  out["expires_at"] = time_or_null(c.expires_at);
  out["answered_at"] = time_or_null(c.answered_at);
  out["answer_via"] = string_or_null(c.answer_via);
  out["withdrawn_at"] = time_or_null(c.withdrawn_at);
  return out;
}

json::object referral_object(const storage::referral_view& r) {
  json::object out;
  out["referral_id"] = r.referral_id;
  out["number"] = r.number;
  out["consultation_id"] = r.consultation_id;
  out["stage"] = r.stage;
  out["cause"] = r.cause.empty() ? "none" : r.cause;
  out["emergency"] = r.emergency;
  out["legal_basis"] = string_or_null(r.legal_basis);
  out["hub_involved"] = r.hub_involved;
  out["summary"] = r.summary;
  out["reason"] = r.reason;
  out["suggested_units"] = strings(r.suggested_units);
  out["recipients"] = strings(r.recipients);
  out["categories"] = strings(r.categories);
  out["consent"] = consent_object(r.consent);
  out["answers"] = answers(r.answers);
  out["created_at"] = format_time(r.created_at);
  return out;
}

// Only what referral_disclosure.hpp lets an officer see: no consultation id, reason or transcript.
json::object officer_object(const storage::officer_referral& r) {
  json::object out;
  out["referral_id"] = r.referral_id;
  out["number"] = r.number;
  out["stage"] = r.stage;
  out["emergency"] = r.emergency;
  out["consent_withdrawn"] = r.consent_withdrawn;
  out["summary"] = r.summary;
  out["categories"] = strings(r.categories);
  if (r.suggested_units) {
    out["suggested_units"] = strings(*r.suggested_units);
  }
  out["recipients"] = strings(r.recipients);
  out["answers"] = answers(r.answers);
  out["answered_by_my_unit"] = r.answered_by_my_unit;
  out["created_at"] = format_time(r.created_at);
  return out;
}

std::string_view kind_name(config::org_unit_kind kind) {
  switch (kind) {
    case config::org_unit_kind::hub:
      return "hub";
    case config::org_unit_kind::department:
      return "department";
    case config::org_unit_kind::platform_group:
      return "platform_group";
  }
  return "department";
}

template <typename T>
parsed<T> fail(std::string_view code, std::string message = {}) {
  parsed<T> out{std::nullopt, make_api_error(code)};
  if (!message.empty()) {
    out.error.message = std::move(message);
  }
  return out;
}

template <typename T>
parsed<T> ok(T value) {
  return parsed<T>{std::move(value), {}};
}

// An array of strings, or nullopt when it is not one.
std::optional<std::vector<std::string>> string_array(const json::value* value) {
  if (value == nullptr || !value->is_array()) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : value->as_array()) {
    if (!item.is_string()) {
      return std::nullopt;
    }
    out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace

std::string referral_json(const storage::referral_view& referral) {
  return json::serialize(referral_object(referral));
}

std::string referral_list_json(const std::vector<storage::referral_view>& referrals) {
  json::array items;
  for (const auto& r : referrals) {
    items.push_back(referral_object(r));
  }
  return json::serialize(json::object{{"items", std::move(items)}});
}

std::string officer_referral_json(const storage::officer_referral& referral) {
  return json::serialize(officer_object(referral));
}

std::string officer_inbox_json(const config::org_unit* unit, const storage::officer_inbox_page& page) {
  json::array items;
  for (const auto& r : page.items) {
    items.push_back(officer_object(r));
  }
  json::value unit_value = nullptr;
  if (unit != nullptr) {
    unit_value = json::object{{"id", unit->id}, {"name", unit->name}, {"kind", kind_name(unit->kind)}};
  }
  json::value next = page.next_cursor.empty() ? json::value(nullptr) : json::value(page.next_cursor);
  return json::serialize(json::object{
      {"unit", std::move(unit_value)}, {"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

parsed<storage::officer_inbox_request> parse_officer_inbox_request(std::string_view query) {
  storage::officer_inbox_request request;
  if (const auto limit = query_param(query, "limit")) {
    std::size_t value = 0;
    const auto* first = limit->data();
    const auto* last = first + limit->size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (limit->empty() || ec != std::errc{} || ptr != last || value < 1 ||
        value > storage::officer_inbox_max_limit) {
      return parsed<storage::officer_inbox_request>{std::nullopt,
                                                    refusal_error("bad_request", "limit_out_of_range")};
    }
    request.limit = value;
  }
  if (const auto cursor = query_param(query, "cursor")) {
    if (cursor->empty() || !storage::valid_officer_inbox_cursor(*cursor)) {
      return parsed<storage::officer_inbox_request>{std::nullopt, refusal_error("bad_request", "bad_cursor")};
    }
    request.after = *cursor;
  }
  return ok(std::move(request));
}

parsed<storage::referral_proposal> parse_referral_proposal(std::string_view body,
                                                           const config::tenant& tenant) {
  using result = storage::referral_proposal;
  const auto object = detail::parse_object(body);
  if (!object ||
      detail::unknown_keys(*object, {"summary", "unit_ids", "reason", "categories", "emergency"})) {
    return fail<result>("bad_request");
  }
  result out;
  if (detail::get_string(*object, "summary", out.summary) != 1 ||
      detail::get_string(*object, "reason", out.reason) == -1) {
    return fail<result>("bad_request");
  }
  const auto summary_length = utf8_length(out.summary);
  if (summary_length == 0 || summary_length > max_summary_chars) {
    return fail<result>("bad_request", "共有する内容は1文字以上2000文字以内にしてください。");
  }
  if (utf8_length(out.reason) > max_reason_chars) {
    return fail<result>("bad_request", "理由は2000文字以内にしてください。");
  }
  // Absent unit_ids: the hub, like an empty list.
  if (object->contains("unit_ids")) {
    auto units = string_array(object->if_contains("unit_ids"));
    if (!units) {
      return fail<result>("bad_request");
    }
    out.unit_ids = std::move(*units);
  }
  // Absent categories: none shared.
  std::vector<std::string> chosen;
  if (object->contains("categories")) {
    auto labels = string_array(object->if_contains("categories"));
    if (!labels) {
      return fail<result>("bad_request");
    }
    chosen = std::move(*labels);
  }
  for (const auto& label : chosen) {
    if (std::find(tenant.categories.begin(), tenant.categories.end(), label) == tenant.categories.end()) {
      parsed<result> refused{std::nullopt, refusal_error("invalid", "unknown_category")};
      return refused;
    }
  }
  for (const auto& label : tenant.categories) {
    if (std::find(chosen.begin(), chosen.end(), label) != chosen.end()) {
      out.categories.push_back(label);
    }
  }
  if (const auto* emergency = object->if_contains("emergency");
      emergency != nullptr && !emergency->is_null()) {
    if (!emergency->is_object()) {
      return fail<result>("bad_request");
    }
    const auto& e = emergency->as_object();
    storage::emergency_basis basis;
    // Missing or empty fields are the rule's to refuse (422 with its reason), like a wrong basis.
    if (detail::unknown_keys(e, {"legal_basis", "reason"}) ||
        detail::get_string(e, "legal_basis", basis.legal_basis) == -1 ||
        detail::get_string(e, "reason", basis.reason) == -1) {
      return fail<result>("bad_request");
    }
    if (utf8_length(basis.reason) > max_reason_chars) {
      return fail<result>("bad_request", "理由は2000文字以内にしてください。");
    }
    out.emergency = std::move(basis);
  }
  return ok(std::move(out));
}

parsed<consent_record> parse_consent_record(std::string_view body) {
  const auto object = detail::parse_object(body);
  consent_record out;
  if (!object || detail::unknown_keys(*object, {"granted", "message_id"}) ||
      detail::get_string(*object, "message_id", out.message_id) != 1) {
    return fail<consent_record>("bad_request");
  }
  const auto* granted = object->if_contains("granted");
  if (granted == nullptr || !granted->is_bool()) {
    return fail<consent_record>("bad_request");
  }
  out.granted = granted->as_bool();
  return ok(std::move(out));
}

parsed<std::string> parse_withdrawal(std::string_view body) {
  const auto object = detail::parse_object(body);
  std::string message_id;
  if (!object || detail::unknown_keys(*object, {"message_id"}) ||
      detail::get_string(*object, "message_id", message_id) != 1) {
    return fail<std::string>("bad_request");
  }
  return ok(std::move(message_id));
}

parsed<storage::emergency_basis> parse_emergency_basis(std::string_view body) {
  const auto object = detail::parse_object(body);
  storage::emergency_basis out;
  if (!object || detail::unknown_keys(*object, {"legal_basis", "reason"}) ||
      detail::get_string(*object, "legal_basis", out.legal_basis) == -1 ||
      detail::get_string(*object, "reason", out.reason) == -1) {
    return fail<storage::emergency_basis>("bad_request");
  }
  if (utf8_length(out.reason) > max_reason_chars) {
    return fail<storage::emergency_basis>("bad_request", "理由は2000文字以内にしてください。");
  }
  return ok(std::move(out));
}

parsed<std::vector<std::string>> parse_forward(std::string_view body) {
  const auto object = detail::parse_object(body);
  if (!object || detail::unknown_keys(*object, {"unit_ids"})) {
    return fail<std::vector<std::string>>("bad_request");
  }
  auto units = string_array(object->if_contains("unit_ids"));
  if (!units || units->empty()) {
    return fail<std::vector<std::string>>("bad_request", "転送先を1つ以上選んでください。");
  }
  return ok(std::move(*units));
}

}  // namespace yorisoi::gateway
