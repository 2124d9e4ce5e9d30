#include "stored_event.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace yorisoi::storage::detail {
namespace {

namespace json = boost::json;

std::string string_at(const json::object& obj, std::string_view key) {
  if (const json::value* v = obj.if_contains(key); v != nullptr && v->is_string()) {
    return std::string(v->get_string());
  }
  return {};
}

const json::object* object_at(const json::object& obj, std::string_view key) {
  if (const json::value* v = obj.if_contains(key); v != nullptr) {
    return v->if_object();
  }
  return nullptr;
}

}  // namespace

routing::line_event parse_stored_event(std::string_view text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec) {
    throw unusable_event("payload is not valid JSON");
  }
  const json::object* obj = doc.if_object();
  if (obj == nullptr) {
    throw unusable_event("payload is not a JSON object");
  }
  routing::line_event ev;
  ev.type_name = string_at(*obj, "type");
  if (ev.type_name.empty()) {
    throw unusable_event("payload has no event type");
  }
  ev.type = routing::line_event_type_from(ev.type_name);
  ev.webhook_event_id = string_at(*obj, "webhookEventId");
  ev.mode = string_at(*obj, "mode") == "standby" ? routing::line_event_mode::standby
                                                 : routing::line_event_mode::active;
  if (const json::value* ts = obj->if_contains("timestamp"); ts != nullptr && ts->is_number()) {
    ev.timestamp_ms = ts->is_int64() ? ts->get_int64() : static_cast<std::int64_t>(ts->to_number<double>());
  }
  ev.reply_token = string_at(*obj, "replyToken");
  if (const json::object* source = object_at(*obj, "source")) {
    ev.source_type = string_at(*source, "type");
    ev.source_user_id = string_at(*source, "userId");
  }
  if (const json::object* ctx = object_at(*obj, "deliveryContext")) {
    if (const json::value* r = ctx->if_contains("isRedelivery"); r != nullptr && r->is_bool()) {
      ev.redelivery = r->get_bool();
    }
  }
  if (const json::object* message = object_at(*obj, "message")) {
    ev.message_type = string_at(*message, "type");
    ev.message_id = string_at(*message, "id");
    ev.text = string_at(*message, "text");
  }
  if (const json::object* unsend = object_at(*obj, "unsend")) {
    ev.message_id = string_at(*unsend, "messageId");
  }
  if (const json::object* postback = object_at(*obj, "postback")) {
    ev.postback_data = string_at(*postback, "data");
  }
  ev.raw_json = std::string(text);
  return ev;
}

}  // namespace yorisoi::storage::detail
