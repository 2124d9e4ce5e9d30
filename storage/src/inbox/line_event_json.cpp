#include "yorisoi/storage/line_event_json.hpp"

#include <openssl/evp.h>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <new>
#include <string>

namespace yorisoi::storage {
namespace {

namespace json = boost::json;

// The string at `key`, or empty when absent or not a string: LINE's optional fields stay optional.
std::string string_at(const json::object& object, std::string_view key) {
  if (const json::value* value = object.if_contains(key); value != nullptr && value->is_string()) {
    return std::string(value->get_string());
  }
  return {};
}

const json::object* object_at(const json::object& object, std::string_view key) {
  if (const json::value* value = object.if_contains(key); value != nullptr) {
    return value->if_object();
  }
  return nullptr;
}

// LINE sends milliseconds as a JSON integer; anything else reads as 0, and so does a time before the
// epoch or after 9999-12-31 (PostgreSQL could not store it, and one such event would fail the whole
// group-commit batch it arrived in).
constexpr std::int64_t latest_timestamp_ms = 253402300799999;  // 9999-12-31T23:59:59.999Z

std::int64_t timestamp_of(const json::object& event) {
  const json::value* value = event.if_contains("timestamp");
  if (value == nullptr) {
    return 0;
  }
  std::int64_t ms = 0;
  if (value->is_int64()) {
    ms = value->get_int64();
  } else if (value->is_uint64() && value->get_uint64() <= static_cast<std::uint64_t>(latest_timestamp_ms)) {
    ms = static_cast<std::int64_t>(value->get_uint64());
  }
  return ms >= 0 && ms <= latest_timestamp_ms ? ms : 0;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    throw std::bad_alloc();  // EVP_Digest of a fixed algorithm fails only when it cannot allocate
  }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(length) * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0x0f]);
  }
  return out;
}

routing::line_event map_event(const json::object& event, std::string type_name, std::string_view text) {
  routing::line_event out;
  out.type_name = std::move(type_name);
  out.type = routing::line_event_type_from(out.type_name);
  out.webhook_event_id = string_at(event, "webhookEventId");
  if (out.webhook_event_id.empty()) {
    out.webhook_event_id = "sha256:" + sha256_hex(text);
  }
  out.mode = string_at(event, "mode") == "standby" ? routing::line_event_mode::standby
                                                   : routing::line_event_mode::active;
  out.timestamp_ms = timestamp_of(event);
  if (const json::object* context = object_at(event, "deliveryContext")) {
    if (const json::value* flag = context->if_contains("isRedelivery"); flag != nullptr && flag->is_bool()) {
      out.redelivery = flag->get_bool();
    }
  }
  if (const json::object* source = object_at(event, "source")) {
    out.source_type = string_at(*source, "type");
    out.source_user_id = string_at(*source, "userId");
  }
  out.reply_token = string_at(event, "replyToken");
  if (const json::object* message = object_at(event, "message")) {
    out.message_type = string_at(*message, "type");
    out.message_id = string_at(*message, "id");
    if (out.message_type == "text") {
      out.text = string_at(*message, "text");
    }
  }
  if (const json::object* unsend = object_at(event, "unsend")) {
    out.message_id = string_at(*unsend, "messageId");
  }
  if (const json::object* postback = object_at(event, "postback")) {
    out.postback_data = string_at(*postback, "data");
  }
  out.raw_json = std::string(text);
  return out;
}

line_event_json_result failure(line_event_json_error error) {
  line_event_json_result result;
  result.error = error;
  return result;
}

}  // namespace

line_event_json_result line_event_from_json(std::string_view text) {
  json::parse_options options;
  options.max_depth = line_event_max_depth;
  boost::system::error_code ec;
  json::monotonic_resource scratch;
  const json::value document = json::parse(text, ec, &scratch, options);
  if (ec) {
    return failure(line_event_json_error::not_json);
  }
  const json::object* event = document.if_object();
  if (event == nullptr) {
    return failure(line_event_json_error::not_object);
  }
  std::string type_name = string_at(*event, "type");
  if (type_name.empty()) {
    return failure(line_event_json_error::without_type);
  }
  line_event_json_result result;
  result.event = map_event(*event, std::move(type_name), text);
  return result;
}

std::string_view to_string(line_event_json_error error) noexcept {
  switch (error) {
    case line_event_json_error::none:
      return "none";
    case line_event_json_error::not_json:
      return "not_json";
    case line_event_json_error::not_object:
      return "not_object";
    case line_event_json_error::without_type:
      return "without_type";
  }
  return "invalid";
}

}  // namespace yorisoi::storage
