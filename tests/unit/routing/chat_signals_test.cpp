// When a read mark and the loading animation are sent (routing/chat_signals.hpp), from a table.

#include "yorisoi/routing/chat_signals.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

using std::chrono::seconds;
using steady = std::chrono::steady_clock;

struct read_case {
  const char* name;
  read_mark_facts facts;
  read_mark_decision expected;
};

TEST(chat_signals, a_read_mark_goes_once_per_newest_message_when_a_person_opens_an_open_consultation) {
  const read_case cases[] = {
      {"opened by a person", {true, true, true, "t2", ""}, read_mark_decision::send},
      {"a newer message since the last mark", {true, true, true, "t2", "t1"}, read_mark_decision::send},
      {"the same newest message again", {true, true, true, "t2", "t2"}, read_mark_decision::already_marked},
      {"the channel never marks", {false, true, true, "t2", ""}, read_mark_decision::off},
      {"a background refetch", {true, false, true, "t2", ""}, read_mark_decision::off},
      {"an earlier, closed consultation", {true, true, false, "t2", ""}, read_mark_decision::closed},
      {"no token kept", {true, true, true, "", ""}, read_mark_decision::no_token},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(decide_read_mark(c.facts), c.expected) << c.name;
  }
}

TEST(chat_signals, the_loading_animation_starts_at_most_once_per_interval) {
  const steady::time_point t0{seconds(1000)};
  EXPECT_TRUE(typing_due(std::nullopt, t0));
  EXPECT_FALSE(typing_due(t0, t0));
  EXPECT_FALSE(typing_due(t0, t0 + typing_interval - seconds(1)));
  EXPECT_TRUE(typing_due(t0, t0 + typing_interval));
  EXPECT_TRUE(typing_due(t0, t0 + seconds(300)));
}

TEST(chat_signals, loading_seconds_follow_line_s_bounds) {
  EXPECT_TRUE(valid_loading_seconds(loading_seconds));
  EXPECT_TRUE(valid_loading_seconds(5));
  EXPECT_TRUE(valid_loading_seconds(60));
  EXPECT_FALSE(valid_loading_seconds(0));
  EXPECT_FALSE(valid_loading_seconds(7));
  EXPECT_FALSE(valid_loading_seconds(65));
  // The animation outlasts no throttled gap: it is restarted before it could end.
  EXPECT_GE(seconds(loading_seconds), typing_interval);
}

}  // namespace
}  // namespace yorisoi::routing
