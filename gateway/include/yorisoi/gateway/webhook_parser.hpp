#pragma once
// Turns the body of a LINE webhook request into routing::line_event values.
//
// Pure, total and thread-safe: any byte string gives either events or an error code (never an
// exception other than std::bad_alloc). Call it only after the signature was verified.

#include "yorisoi/routing/line_event.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::gateway {

enum class webhook_error {
  none,
  not_json,            // not a JSON document (or nested deeper than LINE ever sends)
  not_object,          // the document is not an object
  no_events,           // no `events` array
  event_not_object,    // an element of `events` is not an object
  event_without_type,  // an event has no string `type`
};

struct webhook_parse_result {
  webhook_error error = webhook_error::none;
  std::string message;      // what was wrong, for logs; never quotes the body
  std::string destination;  // the bot's user id the request was sent to (may be empty)
  std::vector<routing::line_event> events;

  [[nodiscard]] bool ok() const noexcept { return error == webhook_error::none; }
};

// Each element of `events` is re-serialised and mapped by storage::line_event_from_json
// (yorisoi/storage/line_event_json.hpp), the mapping the inbox applies to the stored payload later:
// raw_json is that serialisation, and an event without webhookEventId gets "sha256:" +
// hex(SHA-256(raw_json)), so a redelivery of the same event still deduplicates.
[[nodiscard]] webhook_parse_result parse_webhook(std::string_view body);

[[nodiscard]] std::string_view to_string(webhook_error error) noexcept;

}  // namespace yorisoi::gateway
