#pragma once
// One event object of a LINE webhook (JSON text) as a routing::line_event. The gateway maps every
// element of a webhook's `events` with it, and the inbox maps a stored payload back with it, so an
// event reads the same when it arrives and when it is applied later.
//
// Pure, total and thread-safe: any byte string gives an event or an error code (never an exception
// other than std::bad_alloc).

#include "yorisoi/routing/line_event.hpp"

#include <cstddef>
#include <string_view>

namespace yorisoi::storage {

enum class line_event_json_error {
  none,
  not_json,      // not one JSON document (or nested deeper than line_event_max_depth)
  not_object,    // the document is not an object
  without_type,  // no non-empty string `type`
};

// LINE's events are shallow; a deeper document is garbage or an attack on the parser's stack.
inline constexpr std::size_t line_event_max_depth = 32;

struct line_event_json_result {
  line_event_json_error error = line_event_json_error::none;
  routing::line_event event;  // filled only when ok()

  [[nodiscard]] bool ok() const noexcept { return error == line_event_json_error::none; }
};

// Maps the event object `json`:
//  - type_name: `type` (required); type: line_event_type_from it, `unknown` for types LINE adds later.
//  - webhook_event_id: `webhookEventId` when a non-empty string, otherwise "sha256:" + the lowercase
//    hex SHA-256 of `json` itself, so the same bytes always give the same id (at intake and re-read).
//  - mode: standby only for `"mode":"standby"`, otherwise active.
//  - timestamp_ms: `timestamp` when it is a JSON integer from 0 to 9999-12-31T23:59:59.999Z in
//    milliseconds, otherwise 0 (absent, a string, a fraction or exponent form, negative, too large):
//    0 is older than any retention window, so such an event is answered and dropped as stale.
//  - redelivery: `deliveryContext.isRedelivery` when a boolean, otherwise false.
//  - source_type, source_user_id: `source.type`, `source.userId`; reply_token: `replyToken`.
//  - message_type, message_id: `message.type`, `message.id`; text: `message.text` only when
//    `message.type` is "text".
//  - message_id for unsend: `unsend.messageId` (an `unsend` object overrides `message.id`).
//  - postback_data: `postback.data` (its `params` stay in raw_json).
//  - raw_json: `json` byte for byte.
// A field that is absent or of another JSON type than LINE documents reads as empty (false, 0).
[[nodiscard]] line_event_json_result line_event_from_json(std::string_view json);

[[nodiscard]] std::string_view to_string(line_event_json_error error) noexcept;

}  // namespace yorisoi::storage
