#pragma once
// LINE's chat signals for a consultation: when a read mark (既読) and the loading animation (the
// resident sees that someone is typing) are sent. Pure; the gateway remembers, per consultation, the
// read token it last sent and when it last started the animation, and asks here.
//
// - A read mark is sent when the channel marks read on open, a person opened the consultation (a
//   console's own refetch is not someone reading) or is typing an answer, the consultation is open
//   (an earlier one opened from the history marks nothing), the newest resident message carries a
//   token, and that token is not the one sent last: one mark per newest message.
// - The loading animation starts at most once per typing_interval per consultation; it lasts
//   loading_seconds (LINE: 5 to 60, a multiple of 5) or until the account's next message arrives.

#include <chrono>
#include <optional>
#include <string_view>

namespace yorisoi::routing {

inline constexpr std::chrono::seconds typing_interval{20};
inline constexpr int loading_seconds = 20;

// LINE's bounds for loadingSeconds.
[[nodiscard]] constexpr bool valid_loading_seconds(int seconds) noexcept {
  return seconds >= 5 && seconds <= 60 && seconds % 5 == 0;
}
static_assert(valid_loading_seconds(loading_seconds));

struct read_mark_facts {
  bool channel_marks_on_open = false;  // the channel's read_marks is on_open
  bool by_person = false;              // a person's read or typing, not a background refetch
  bool consultation_open = false;
  std::string_view newest_token;     // the newest resident message's markAsReadToken ("" = none kept)
  std::string_view last_sent_token;  // the token last sent for this consultation ("" = none)
};

enum class read_mark_decision {
  send,
  off,              // the channel does not mark read, or nobody read it
  closed,           // the consultation is closed
  no_token,         // no resident message with a token
  already_marked,   // that very token was sent already
};

[[nodiscard]] read_mark_decision decide_read_mark(const read_mark_facts& facts) noexcept;

// Whether the loading animation may start at `now` when it last started at `last` (none: never).
[[nodiscard]] bool typing_due(std::optional<std::chrono::steady_clock::time_point> last,
                              std::chrono::steady_clock::time_point now) noexcept;

}  // namespace yorisoi::routing
