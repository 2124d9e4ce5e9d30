// Request bodies and query strings of the console API, parsed and validated without throwing.
#include "yorisoi/gateway/api_json.hpp"

#include "api/json_body.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

template <typename T>
parsed<T> fail(std::string_view code) {
  return parsed<T>{std::nullopt, make_api_error(code)};
}

template <typename T>
parsed<T> fail_with(std::string_view code, std::string message) {
  auto out = fail<T>(code);
  out.error.message = std::move(message);
  return out;
}

// A broken rule: 422 invalid with the rule's code as `reason` (api_refusals.cpp).
template <typename T>
parsed<T> refuse(std::string_view reason) {
  return parsed<T>{std::nullopt, refusal_error("invalid", reason)};
}

template <typename T>
parsed<T> ok(T value) {
  return parsed<T>{std::move(value), {}};
}

using detail::get_string;
using detail::parse_object;
using detail::unknown_keys;

}  // namespace

std::size_t utf8_length(std::string_view text) noexcept {
  return static_cast<std::size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

parsed<storage::login_request> parse_login(std::string_view body) {
  const auto object = parse_object(body);
  storage::login_request out;
  if (!object || get_string(*object, "login", out.login) != 1 ||
      get_string(*object, "password", out.password) != 1 || get_string(*object, "code", out.code) < 0) {
    return fail<storage::login_request>("bad_request");
  }
  return ok(std::move(out));
}

parsed<password_change> parse_password_change(std::string_view body) {
  const auto object = parse_object(body);
  password_change out;
  if (!object || get_string(*object, "current_password", out.current_password) != 1 ||
      get_string(*object, "new_password", out.new_password) != 1) {
    return fail<password_change>("bad_request");
  }
  if (utf8_length(out.new_password) < min_password_chars) {
    auto refused = refuse<password_change>("password_too_short");
    refused.error.message = "新しいパスワードは12文字以上にしてください。";
    return refused;
  }
  return ok(std::move(out));
}

parsed<storage::new_staff> parse_new_staff(std::string_view body) {
  const auto object = parse_object(body);
  storage::new_staff out;
  std::string role;
  if (!object || get_string(*object, "login", out.login) != 1 ||
      get_string(*object, "display_name", out.display_name) != 1 || get_string(*object, "role", role) != 1 ||
      get_string(*object, "password", out.password) != 1 ||
      unknown_keys(*object, {"login", "display_name", "role", "org_unit", "password"})) {
    return fail<storage::new_staff>("bad_request");
  }
  if (const auto* unit = object->if_contains("org_unit"); unit != nullptr && !unit->is_null()) {
    if (!unit->is_string()) {
      return fail<storage::new_staff>("bad_request");
    }
    out.org_unit = std::string(unit->as_string());
  }
  const auto parsed_role = routing::parse_role(role);
  if (!parsed_role) {
    return refuse<storage::new_staff>("unknown_role");
  }
  out.role = *parsed_role;
  if (out.login.empty()) {
    return refuse<storage::new_staff>("empty_login");
  }
  if (out.display_name.empty()) {
    return refuse<storage::new_staff>("empty_display_name");
  }
  if (utf8_length(out.password) < min_password_chars) {
    return refuse<storage::new_staff>("password_too_short");
  }
  return ok(std::move(out));
}

parsed<storage::staff_patch> parse_staff_patch(std::string_view body) {
  const auto object = parse_object(body);
  if (!object || unknown_keys(*object, {"display_name", "role", "org_unit", "disabled", "password"})) {
    return fail<storage::staff_patch>("bad_request");
  }
  storage::staff_patch out;
  std::string text;
  if (const int has = get_string(*object, "display_name", text); has == -1) {
    return fail<storage::staff_patch>("bad_request");
  } else if (has == 1) {
    if (text.empty()) {
      return refuse<storage::staff_patch>("empty_display_name");
    }
    out.display_name = text;
  }
  if (const int has = get_string(*object, "role", text); has == -1) {
    return fail<storage::staff_patch>("bad_request");
  } else if (has == 1) {
    out.role = routing::parse_role(text);
    if (!out.role) {
      return refuse<storage::staff_patch>("unknown_role");
    }
  }
  if (const auto* unit = object->if_contains("org_unit"); unit != nullptr) {
    if (unit->is_null()) {
      out.org_unit = std::string();
    } else if (unit->is_string()) {
      out.org_unit = std::string(unit->as_string());
    } else {
      return fail<storage::staff_patch>("bad_request");
    }
  }
  if (const auto* disabled = object->if_contains("disabled"); disabled != nullptr) {
    if (!disabled->is_bool()) {
      return fail<storage::staff_patch>("bad_request");
    }
    out.disabled = disabled->as_bool();
  }
  if (const int has = get_string(*object, "password", text); has == -1) {
    return fail<storage::staff_patch>("bad_request");
  } else if (has == 1) {
    if (utf8_length(text) < min_password_chars) {
      return refuse<storage::staff_patch>("password_too_short");
    }
    out.password = text;
  }
  return ok(std::move(out));
}

parsed<std::string> parse_transfer(std::string_view body) {
  const auto object = parse_object(body);
  std::string to;
  if (!object || get_string(*object, "to_user_id", to) != 1 || to.empty()) {
    return fail<std::string>("bad_request");
  }
  return ok(std::move(to));
}

parsed<std::string> parse_text(std::string_view body) {
  const auto object = parse_object(body);
  std::string text;
  if (!object || get_string(*object, "text", text) != 1) {
    return fail<std::string>("bad_request");
  }
  const auto length = utf8_length(text);
  // A length outside 1–5000 is a malformed field (400), as a wrong type is: the console never sends one.
  if (length == 0 || length > max_text_chars) {
    return fail_with<std::string>("bad_request", "本文は1文字以上5000文字以内にしてください。");
  }
  return ok(std::move(text));
}

parsed<tag_update> parse_tags(std::string_view body, const config::tenant& tenant) {
  const auto object = parse_object(body);
  if (!object) {
    return fail<tag_update>("bad_request");
  }
  const auto* categories = object->if_contains("categories");
  const auto* band = object->if_contains("age_band");
  if (categories == nullptr || !categories->is_array() || band == nullptr ||
      !(band->is_null() || band->is_string())) {
    return fail<tag_update>("bad_request");
  }
  std::vector<std::string> chosen;
  for (const auto& item : categories->as_array()) {
    if (!item.is_string()) {
      return fail<tag_update>("bad_request");
    }
    const std::string label(item.as_string());
    if (std::find(tenant.categories.begin(), tenant.categories.end(), label) == tenant.categories.end()) {
      return parsed<tag_update>{std::nullopt, refusal_error("invalid", "unknown_category")};
    }
    chosen.push_back(label);
  }
  tag_update out;
  // The tenant's order, each once: the tallies do not depend on the order of clicks.
  for (const auto& label : tenant.categories) {
    if (std::find(chosen.begin(), chosen.end(), label) != chosen.end()) {
      out.categories.push_back(label);
    }
  }
  if (band->is_string()) {
    out.age_band = std::string(band->as_string());
    if (std::find(tenant.age_bands.begin(), tenant.age_bands.end(), out.age_band) == tenant.age_bands.end()) {
      return parsed<tag_update>{std::nullopt, refusal_error("invalid", "unknown_age_band")};
    }
  }
  return ok(std::move(out));
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto end = query.find('&');
    const auto pair = query.substr(0, end);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) == name) {
      const auto raw = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
      std::string out;
      for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '+') {
          out += ' ';
        } else if (raw[i] == '%') {
          if (i + 2 >= raw.size()) {
            return std::nullopt;
          }
          unsigned value = 0;
          const auto* first = raw.data() + i + 1;
          if (std::from_chars(first, first + 2, value, 16).ptr != first + 2) {
            return std::nullopt;
          }
          out += static_cast<char>(value);
          i += 2;
        } else {
          out += raw[i];
        }
      }
      return out;
    }
    if (end == std::string_view::npos) {
      break;
    }
    query.remove_prefix(end + 1);
  }
  return std::nullopt;
}

parsed<storage::queue_view> parse_queue_view(std::string_view query) {
  const auto view = query_param(query, "view");
  if (!view || *view == "open") {
    return ok(storage::queue_view::open);
  }
  if (*view == "waiting") {
    return ok(storage::queue_view::waiting);
  }
  if (*view == "mine") {
    return ok(storage::queue_view::mine);
  }
  if (*view == "urgent") {
    return ok(storage::queue_view::urgent);
  }
  return fail<storage::queue_view>("bad_request");
}

parsed<storage::queue_request> parse_queue_request(std::string_view query) {
  const auto view = parse_queue_view(query);
  if (!view.value) {
    return fail<storage::queue_request>("bad_request");
  }
  storage::queue_request request;
  request.view = *view.value;
  if (const auto limit = query_param(query, "limit")) {
    std::size_t value = 0;
    const auto* first = limit->data();
    const auto* last = first + limit->size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc{} || ptr != last || limit->empty() || value < 1 || value > storage::queue_max_limit) {
      return parsed<storage::queue_request>{std::nullopt, refusal_error("bad_request", "limit_out_of_range")};
    }
    request.limit = value;
  }
  if (const auto cursor = query_param(query, "cursor")) {
    if (!storage::valid_queue_cursor(*cursor)) {
      return parsed<storage::queue_request>{std::nullopt, refusal_error("bad_request", "bad_cursor")};
    }
    request.after = *cursor;
  }
  return ok(std::move(request));
}

parsed<std::optional<std::int64_t>> parse_after(std::string_view query) {
  const auto after = query_param(query, "after");
  if (!after) {
    return ok(std::optional<std::int64_t>());
  }
  std::int64_t value = 0;
  const auto* first = after->data();
  const auto* last = first + after->size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (after->empty() || ec != std::errc() || ptr != last || value < 0) {
    return fail<std::optional<std::int64_t>>("bad_request");
  }
  return ok(std::optional<std::int64_t>(value));
}

}  // namespace yorisoi::gateway
