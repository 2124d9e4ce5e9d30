// libFuzzer target for the inbox's re-read path: a stored payload (LINE's event object as JSON)
// mapped back into an event. Any crash, leak, sanitizer report or escaping exception (other than the
// unusable_event the inbox records, and bad_alloc) is a bug, and so is an event that reads differently
// on re-read than it did when the same object arrived in a webhook.
#include "inbox/stored_event.hpp"
#include "yorisoi/gateway/webhook_parser.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using yorisoi::routing::line_event;

bool same_fields(const line_event& a, const line_event& b) {
  return a.type == b.type && a.type_name == b.type_name && a.mode == b.mode &&
         a.timestamp_ms == b.timestamp_ms && a.redelivery == b.redelivery && a.source_type == b.source_type &&
         a.source_user_id == b.source_user_id && a.reply_token == b.reply_token &&
         a.message_type == b.message_type && a.message_id == b.message_id && a.text == b.text &&
         a.postback_data == b.postback_data;
}

bool identical(const line_event& a, const line_event& b) {
  return same_fields(a, b) && a.webhook_event_id == b.webhook_event_id && a.raw_json == b.raw_json;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  line_event stored;
  try {
    stored = yorisoi::storage::detail::parse_stored_event(payload);
  } catch (const yorisoi::storage::detail::unusable_event&) {
    return 0;
  }
  // The payload is kept byte for byte; every event has a type and an id to deduplicate on.
  if (stored.raw_json != payload || stored.type_name.empty() || stored.webhook_event_id.empty()) {
    __builtin_trap();
  }
  if (!stored.text.empty() && stored.message_type != "text") {
    __builtin_trap();
  }

  // The same object arriving in a webhook maps to the same event, and what intake stores reads back
  // as exactly what intake saw.
  const auto intake = yorisoi::gateway::parse_webhook(R"({"events":[)" + std::string(payload) + "]}");
  if (!intake.ok()) {
    // Only the request's extra nesting may push an event the inbox accepts past the depth limit.
    if (intake.error != yorisoi::gateway::webhook_error::not_json) {
      __builtin_trap();
    }
    return 0;
  }
  if (intake.events.size() != 1 || !same_fields(intake.events[0], stored)) {
    __builtin_trap();
  }
  if (!identical(yorisoi::storage::detail::parse_stored_event(intake.events[0].raw_json), intake.events[0])) {
    __builtin_trap();
  }
  return 0;
}
