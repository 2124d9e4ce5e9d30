#include "yorisoi/gateway/webhook_parser.hpp"

#include <openssl/evp.h>
#include <boost/json.hpp>

#include <array>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

webhook_parse_result failure(webhook_error error, std::string message) {
  webhook_parse_result result;
  result.error = error;
  result.message = std::move(message);
  return result;
}

// The string at `key`, or empty when absent or not a string: LINE's optional fields stay optional.
std::string string_at(const json::object& object, std::string_view key) {
  if (const auto* value = object.if_contains(key); value != nullptr && value->is_string()) {
    return std::string(value->get_string());
  }
  return {};
}

const json::object* object_at(const json::object& object, std::string_view key) {
  if (const auto* value = object.if_contains(key); value != nullptr) {
    return value->if_object();
  }
  return nullptr;
}

std::int64_t timestamp_of(const json::object& event) {
  const auto* value = event.if_contains("timestamp");
  if (value == nullptr) {
    return 0;
  }
  if (value->is_int64()) {
    return value->get_int64();
  }
  if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(value->get_uint64());
  }
  return 0;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    return {};
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0x0f]);
  }
  return out;
}

routing::line_event map_event(const json::object& event) {
  routing::line_event out;
  out.type_name = std::string(event.at("type").get_string());
  out.type = routing::line_event_type_from(out.type_name);
  out.mode = string_at(event, "mode") == "standby" ? routing::line_event_mode::standby
                                                   : routing::line_event_mode::active;
  out.timestamp_ms = timestamp_of(event);
  if (const auto* context = object_at(event, "deliveryContext")) {
    if (const auto* flag = context->if_contains("isRedelivery"); flag != nullptr && flag->is_bool()) {
      out.redelivery = flag->get_bool();
    }
  }
  if (const auto* source = object_at(event, "source")) {
    out.source_type = string_at(*source, "type");
    out.source_user_id = string_at(*source, "userId");
  }
  out.reply_token = string_at(event, "replyToken");
  if (const auto* message = object_at(event, "message")) {
    out.message_type = string_at(*message, "type");
    out.message_id = string_at(*message, "id");
    if (out.message_type == "text") {
      out.text = string_at(*message, "text");
    }
  }
  if (const auto* unsend = object_at(event, "unsend")) {
    out.message_id = string_at(*unsend, "messageId");
  }
  if (const auto* postback = object_at(event, "postback")) {
    out.postback_data = string_at(*postback, "data");
  }
  out.raw_json = json::serialize(event);
  out.webhook_event_id = string_at(event, "webhookEventId");
  if (out.webhook_event_id.empty()) {
    out.webhook_event_id = "sha256:" + sha256_hex(out.raw_json);
  }
  return out;
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
    const auto* type = event->if_contains("type");
    if (type == nullptr || !type->is_string() || type->get_string().empty()) {
      return failure(webhook_error::event_without_type,
                     "event " + std::to_string(i) + " has no string `type`");
    }
    result.events.push_back(map_event(*event));
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
