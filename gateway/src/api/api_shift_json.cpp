// Serialisation of presence entries and the parsing of the presence and capacity bodies.
#include "yorisoi/gateway/api_shift_json.hpp"

#include "api/json_body.hpp"

#include <boost/json.hpp>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

json::object entry_object(const storage::presence_entry& e) {
  json::object out;
  out["user_id"] = e.user_id;
  out["display_name"] = e.display_name;
  out["role"] = routing::to_string(e.role);
  out["status"] = e.status;
  out["since"] = e.since ? json::value(format_time(*e.since)) : json::value(nullptr);
  out["load"] = e.load;
  out["capacity"] = e.capacity ? json::value(*e.capacity) : json::value(nullptr);
  out["own_capacity"] = e.own_capacity ? json::value(*e.own_capacity) : json::value(nullptr);
  return out;
}

template <typename T>
parsed<T> bad_request() {
  return parsed<T>{std::nullopt, make_api_error("bad_request")};
}

}  // namespace

std::string presence_json(const storage::presence_entry& entry) {
  return json::serialize(entry_object(entry));
}

std::string presence_outcome_json(const storage::presence_outcome& outcome) {
  json::object out = entry_object(outcome.entry);
  json::array returned;
  for (const auto& id : outcome.returned) {
    returned.emplace_back(id);
  }
  out["returned"] = std::move(returned);
  return json::serialize(out);
}

std::string shift_json(const std::vector<storage::presence_entry>& entries) {
  json::array items;
  for (const auto& e : entries) {
    items.push_back(entry_object(e));
  }
  json::object out;
  out["items"] = std::move(items);
  return json::serialize(out);
}

parsed<presence_request> parse_presence_request(std::string_view body) {
  const auto object = detail::parse_object(body);
  std::string status;
  if (!object || detail::unknown_keys(*object, {"status", "handover_note"}) ||
      detail::get_string(*object, "status", status) != 1) {
    return bad_request<presence_request>();
  }
  presence_request out;
  const auto parsed_status = routing::parse_presence(status);
  if (!parsed_status || detail::get_string(*object, "handover_note", out.handover_note) == -1 ||
      utf8_length(out.handover_note) > max_text_chars) {
    return bad_request<presence_request>();
  }
  out.status = *parsed_status;
  return parsed<presence_request>{std::move(out), {}};
}

parsed<std::optional<unsigned>> parse_capacity(std::string_view body) {
  const auto object = detail::parse_object(body);
  if (!object || detail::unknown_keys(*object, {"capacity"})) {
    return bad_request<std::optional<unsigned>>();
  }
  const auto* found = object->if_contains("capacity");
  if (found == nullptr) {
    return bad_request<std::optional<unsigned>>();
  }
  if (found->is_null()) {
    return parsed<std::optional<unsigned>>{std::optional<unsigned>(std::nullopt), {}};
  }
  if (!found->is_int64() && !found->is_uint64()) {
    return bad_request<std::optional<unsigned>>();
  }
  // A uint64 is only ever one beyond int64's range: out of range like any other large number.
  const std::int64_t value = found->is_int64() ? found->as_int64() : std::int64_t{-1};
  if (value < routing::capacity_min || value > routing::capacity_max) {
    return parsed<std::optional<unsigned>>{std::nullopt, refusal_error("invalid", "capacity_out_of_range")};
  }
  return parsed<std::optional<unsigned>>{std::optional<unsigned>(static_cast<unsigned>(value)), {}};
}

}  // namespace yorisoi::gateway
