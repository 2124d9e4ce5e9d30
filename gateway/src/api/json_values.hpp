#pragma once
// The optional values every API answer writes alike: a time (ISO 8601, UTC) or null, and a string or null
// (an empty string is null).

#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/storage/console.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace yorisoi::gateway {

[[nodiscard]] inline boost::json::value time_or_null(const std::optional<storage::time_point>& at) {
  return at ? boost::json::value(format_time(*at)) : boost::json::value(nullptr);
}

[[nodiscard]] inline boost::json::value string_or_null(const std::string& text) {
  return text.empty() ? boost::json::value(nullptr) : boost::json::value(text);
}

}  // namespace yorisoi::gateway
