#pragma once
// One event of a LINE webhook request, as the gateway parsed it and storage keeps it.
// A plain value: no I/O, no allocation beyond its strings; safe to copy between threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace yorisoi::routing {

// The Messaging API's event types. `unknown` keeps types LINE adds later: stored, never rejected.
enum class line_event_type {
  message,
  unsend,
  follow,
  unfollow,
  join,
  leave,
  member_joined,
  member_left,
  postback,
  video_play_complete,
  beacon,
  account_link,
  things,
  module,
  activated,
  deactivated,
  bot_suspended,
  bot_resumed,
  unknown,
};

// `type` string of the webhook ("memberJoined" …) to the enum; unrecognised strings give `unknown`.
[[nodiscard]] line_event_type line_event_type_from(std::string_view type) noexcept;
// The webhook's spelling of the type ("message", "memberJoined", …); "unknown" for `unknown`.
[[nodiscard]] std::string_view to_string(line_event_type type) noexcept;

enum class line_event_mode { active, standby };

struct line_event {
  std::string webhook_event_id;  // LINE's `webhookEventId`; unique per event, reused on redelivery
  line_event_type type = line_event_type::unknown;
  std::string type_name;  // the `type` string as received (kept for unknown types)
  line_event_mode mode = line_event_mode::active;
  std::int64_t timestamp_ms = 0;  // LINE's `timestamp`, milliseconds since the Unix epoch
  bool redelivery = false;        // `deliveryContext.isRedelivery`
  std::string source_type;        // "user", "group", "room" or empty
  std::string source_user_id;     // `source.userId`, may be empty; sensitive: never log it
  std::string reply_token;        // may be empty; sensitive: never log it
  std::string message_type;       // for message events: "text", "image", "sticker", …
  std::string message_id;         // for message/unsend events: LINE's message id
  std::string text;               // for text messages; sensitive: never log it
  std::string postback_data;      // for postback events
  std::string raw_json;           // the whole event object as received (re-serialised), for storage
};

}  // namespace yorisoi::routing
