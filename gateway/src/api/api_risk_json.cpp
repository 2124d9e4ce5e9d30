// Parsing the risk body and serialising a consultation's risk history.
#include "yorisoi/gateway/api_risk_json.hpp"

#include "api/json_body.hpp"

#include <boost/json.hpp>

namespace yorisoi::gateway {
namespace json = boost::json;

parsed<risk_request> parse_risk_request(std::string_view body) {
  const auto object = detail::parse_object(body);
  std::string level;
  risk_request out;
  if (!object || detail::unknown_keys(*object, {"level", "reason"}) ||
      detail::get_string(*object, "level", level) != 1 || detail::get_string(*object, "reason", out.reason) != 1) {
    return parsed<risk_request>{std::nullopt, make_api_error("bad_request")};
  }
  const auto parsed_level = routing::parse_risk(level);
  if (!parsed_level) {
    return parsed<risk_request>{std::nullopt, make_api_error("bad_request")};
  }
  out.level = *parsed_level;
  return parsed<risk_request>{std::move(out), {}};
}

std::string risk_history_json(const std::vector<storage::risk_change>& changes) {
  json::array items;
  for (const auto& c : changes) {
    json::object o;
    o["risk_id"] = c.risk_id;
    o["level"] = c.level;
    o["lowered"] = c.lowered;
    o["reason"] = c.reason ? json::value(*c.reason) : json::value(nullptr);
    o["author"] = json::object{{"user_id", c.author_id}, {"display_name", c.author_name}};
    o["set_at"] = format_time(c.set_at);
    items.push_back(std::move(o));
  }
  json::object out;
  out["items"] = std::move(items);
  return json::serialize(out);
}

}  // namespace yorisoi::gateway
