#include "yorisoi/routing/line_event.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

struct type_case {
  std::string_view name;
  line_event_type type;
};

// Every event type the Messaging API documents, spelled as the webhook spells it.
constexpr type_case documented[] = {
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
};

TEST(line_event_type, every_documented_type_round_trips) {
  for (const auto& c : documented) {
    EXPECT_EQ(line_event_type_from(c.name), c.type) << c.name;
    EXPECT_EQ(to_string(c.type), c.name) << c.name;
  }
}

TEST(line_event_type, unknown_and_differently_cased_types_are_unknown) {
  EXPECT_EQ(line_event_type_from("membership"), line_event_type::unknown);
  EXPECT_EQ(line_event_type_from("Message"), line_event_type::unknown);
  EXPECT_EQ(line_event_type_from(""), line_event_type::unknown);
  EXPECT_EQ(to_string(line_event_type::unknown), "unknown");
}

}  // namespace
}  // namespace yorisoi::routing
