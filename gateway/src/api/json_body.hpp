#pragma once
// Reading request bodies field by field without throwing: shared by the console API's parsers
// (api_parse.cpp, api_referral_json.cpp). Internal to the gateway; pure.

#include <boost/json.hpp>

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace yorisoi::gateway::detail {

// The body as a JSON object, or nullopt (malformed, or not an object).
inline std::optional<boost::json::object> parse_object(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec || !value.is_object()) {
    return std::nullopt;
  }
  return std::move(value.as_object());
}

// Field access: 0 = absent, 1 = present with the right type, -1 = present with a wrong type.
inline int get_string(const boost::json::object& object, std::string_view key, std::string& out) {
  const auto* found = object.if_contains(key);
  if (found == nullptr) {
    return 0;
  }
  if (!found->is_string()) {
    return -1;
  }
  out = std::string(found->as_string());
  return 1;
}

inline bool unknown_keys(const boost::json::object& object, std::initializer_list<std::string_view> known) {
  return std::any_of(object.begin(), object.end(), [&](const auto& entry) {
    return std::find(known.begin(), known.end(), std::string_view(entry.key())) == known.end();
  });
}

}  // namespace yorisoi::gateway::detail
