#include "yorisoi/routing/line_event.hpp"

#include <array>
#include <utility>

namespace yorisoi::routing {
namespace {

constexpr std::array<std::pair<std::string_view, line_event_type>, 18> names{{
    {"message", line_event_type::message},
    {"unsend", line_event_type::unsend},
    {"follow", line_event_type::follow},
    {"unfollow", line_event_type::unfollow},
    {"join", line_event_type::join},
    {"leave", line_event_type::leave},
    {"memberJoined", line_event_type::member_joined},
    {"memberLeft", line_event_type::member_left},
    {"postback", line_event_type::postback},
    {"videoPlayComplete", line_event_type::video_play_complete},
    {"beacon", line_event_type::beacon},
    {"accountLink", line_event_type::account_link},
    {"things", line_event_type::things},
    {"module", line_event_type::module},
    {"activated", line_event_type::activated},
    {"deactivated", line_event_type::deactivated},
    {"botSuspended", line_event_type::bot_suspended},
    {"botResumed", line_event_type::bot_resumed},
}};

}  // namespace

line_event_type line_event_type_from(std::string_view type) noexcept {
  for (const auto& [name, value] : names) {
    if (name == type) {
      return value;
    }
  }
  return line_event_type::unknown;
}

std::string_view to_string(line_event_type type) noexcept {
  for (const auto& [name, value] : names) {
    if (value == type) {
      return name;
    }
  }
  return "unknown";
}

}  // namespace yorisoi::routing
