#include "yorisoi/gateway/webhook_parser.hpp"

#include "yorisoi/storage/line_event_json.hpp"

#include <boost/json.hpp>

#include <cmath>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

webhook_parse_result failure(webhook_error error, std::string message) {
  webhook_parse_result result;
  result.error = error;
  result.message = std::move(message);
  return result;
}

// The string at `key`, or empty when absent or not a string.
std::string string_at(const json::object& object, std::string_view key) {
  if (const auto* value = object.if_contains(key); value != nullptr && value->is_string()) {
    return std::string(value->get_string());
  }
  return {};
}

// Replaces every infinite number in `value` by null (the depth is bounded by the parser's limit).
void finite_numbers_only(json::value& value) {
  if (value.is_double() && !std::isfinite(value.get_double())) {
    value = nullptr;
  } else if (auto* object = value.if_object()) {
    for (auto& member : *object) {
      finite_numbers_only(member.value());
    }
  } else if (auto* array = value.if_array()) {
    for (auto& element : *array) {
      finite_numbers_only(element);
    }
  }
}

}  // namespace

webhook_parse_result parse_webhook(std::string_view body) {
  json::parse_options options;
  // LINE's events are shallow; a deep document is garbage or an attack on the parser's stack.
  options.max_depth = 32;
  boost::system::error_code ec;
  json::monotonic_resource scratch;
  const json::value document = json::parse(body, ec, &scratch, options);
  if (ec) {
    return failure(webhook_error::not_json, "body is not JSON: " + ec.message());
  }
  const auto* root = document.if_object();
  if (root == nullptr) {
    return failure(webhook_error::not_object, "body is not a JSON object");
  }
  const auto* events_value = root->if_contains("events");
  if (events_value == nullptr || !events_value->is_array()) {
    return failure(webhook_error::no_events, "no `events` array");
  }
  const auto& events = events_value->get_array();
  webhook_parse_result result;
  result.destination = string_at(*root, "destination");
  result.events.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto* event = events[i].if_object();
    if (event == nullptr) {
      return failure(webhook_error::event_not_object, "event " + std::to_string(i) + " is not an object");
    }
    // The event is stored as this serialisation and mapped back from it by the inbox: mapping the
    // same bytes here gives the very event the inbox will see.
    storage::line_event_json_result mapped = storage::line_event_from_json(json::serialize(*event));
    if (mapped.error == storage::line_event_json_error::not_json) {
      // A number beyond a double's range parsed as infinity, which serialises as `Infinity` (not
      // JSON): the stored copy has null there, so that it still reads back.
      json::value copy(*event);
      finite_numbers_only(copy);
      mapped = storage::line_event_from_json(json::serialize(copy));
    }
    if (mapped.error == storage::line_event_json_error::without_type) {
      return failure(webhook_error::event_without_type,
                     "event " + std::to_string(i) + " has no string `type`");
    }
    if (!mapped.ok()) {
      return failure(webhook_error::event_not_object, "event " + std::to_string(i) + " does not read back (" +
                                                          std::string(storage::to_string(mapped.error)) +
                                                          ")");
    }
    result.events.push_back(std::move(mapped.event));
  }
  return result;
}

std::string_view to_string(webhook_error error) noexcept {
  switch (error) {
    case webhook_error::none:
      return "none";
    case webhook_error::not_json:
      return "not_json";
    case webhook_error::not_object:
      return "not_object";
    case webhook_error::no_events:
      return "no_events";
    case webhook_error::event_not_object:
      return "event_not_object";
    case webhook_error::event_without_type:
      return "event_without_type";
  }
  return "invalid";
}

}  // namespace yorisoi::gateway
