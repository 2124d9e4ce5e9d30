// What line_signals sends and when: a read mark once per newest token of an on_open channel, none for
// a "never" channel, a background refetch, a closed consultation or a channel of another tenant; the
// loading animation at most once per interval per consultation; a failed read mark (LINE unreachable
// here: a closed loopback port) is counted and tried again at the next opening. No database.

#include "http/metrics.hpp"
#include "line/line_signals.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <string>

namespace yorisoi::gateway {
namespace {

using routing::read_mark_decision;

config::channel make_channel(std::string key, config::read_marks marks) {
  config::channel c;
  c.key = std::move(key);
  c.name = c.key;
  c.access_token = "token-" + c.key;
  c.read_marks = marks;
  return c;
}

config::settings two_tenants() {
  config::settings s;
  // Nothing listens on port 1 of the loopback: every call fails at once, without a network.
  s.line.api_base = "http://127.0.0.1:1";
  config::tenant a;
  a.id = "a";
  a.channels = {make_channel("a-open", config::read_marks::on_open), make_channel("a-never", config::read_marks::never)};
  config::tenant b;
  b.id = "b";
  b.channels = {make_channel("b-open", config::read_marks::on_open)};
  s.tenants = {a, b};
  return s;
}

storage::line_chat chat(std::string channel, std::string token, bool open = true, std::string user = "U1") {
  storage::line_chat c;
  c.channel_key = std::move(channel);
  c.read_token = std::move(token);
  c.open = open;
  c.line_user_id = std::move(user);
  return c;
}

std::string count_of(gateway::metrics& m, std::string_view signal, std::string_view outcome) {
  const std::string text = m.render(storage::pool_stats{});
  const std::string key = "yorisoi_line_signals_total{outcome=\"" + std::string(outcome) + "\",signal=\"" +
                          std::string(signal) + "\"} ";
  const auto at = text.find(key);
  return at == std::string::npos ? "0" : text.substr(at + key.size(), text.find('\n', at) - at - key.size());
}

TEST(line_signals, a_read_mark_goes_once_per_newest_token_of_an_on_open_channel_of_the_tenant) {
  boost::asio::io_context io;
  const config::settings settings = two_tenants();
  gateway::metrics m;
  line_signals signals(io, settings, m);
  EXPECT_TRUE(line_signals::marks_read(settings.tenants[0]));
  EXPECT_EQ(signals.read("a", "c1", chat("a-open", "t1"), true), read_mark_decision::send);
  EXPECT_EQ(signals.read("a", "c1", chat("a-open", "t1"), true), read_mark_decision::already_marked);
  EXPECT_EQ(count_of(m, "read", "skipped"), "1");
  EXPECT_EQ(signals.read("a", "c1", chat("a-open", "t2"), true), read_mark_decision::send);
  EXPECT_EQ(signals.read("a", "c2", chat("a-open", "t9"), false), read_mark_decision::off);
  EXPECT_EQ(signals.read("a", "c2", chat("a-open", "t9", false), true), read_mark_decision::closed);
  EXPECT_EQ(signals.read("a", "c2", chat("a-open", ""), true), read_mark_decision::no_token);
  EXPECT_EQ(signals.read("a", "c3", chat("a-never", "t3"), true), read_mark_decision::off);
  // Another tenant's channel (or an unknown one) is never used, whatever its setting.
  EXPECT_EQ(signals.read("a", "c4", chat("b-open", "t4"), true), read_mark_decision::off);
  EXPECT_EQ(signals.read("a", "c4", chat("gone", "t4"), true), read_mark_decision::off);
}

TEST(line_signals, a_failed_read_mark_is_counted_and_tried_again_at_the_next_opening) {
  boost::asio::io_context io;
  const config::settings settings = two_tenants();
  gateway::metrics m;
  line_signals signals(io, settings, m);
  ASSERT_EQ(signals.read("a", "c1", chat("a-open", "t1"), true), read_mark_decision::send);
  io.run();  // the call is refused at once
  EXPECT_EQ(count_of(m, "read", "failed"), "1");
  EXPECT_EQ(signals.read("a", "c1", chat("a-open", "t1"), true), read_mark_decision::send);
  io.restart();
  io.run();
  EXPECT_EQ(count_of(m, "read", "failed"), "2");
  EXPECT_EQ(count_of(m, "read", "sent"), "0");
}

TEST(line_signals, the_loading_animation_starts_once_per_interval_per_consultation) {
  boost::asio::io_context io;
  const config::settings settings = two_tenants();
  gateway::metrics m;
  line_signals signals(io, settings, m);
  EXPECT_TRUE(signals.typing("a", "c1", chat("a-never", "")));
  EXPECT_FALSE(signals.typing("a", "c1", chat("a-never", "")));
  EXPECT_FALSE(signals.typing("a", "c1", chat("a-never", "")));
  EXPECT_EQ(count_of(m, "typing", "throttled"), "2");
  EXPECT_TRUE(signals.typing("a", "c2", chat("a-never", "")));
  // Another tenant's channel, or no user id: nothing.
  EXPECT_FALSE(signals.typing("a", "c3", chat("b-open", "")));
  EXPECT_FALSE(signals.typing("a", "c4", chat("a-open", "", true, "")));
  io.run();
  EXPECT_EQ(count_of(m, "typing", "failed"), "2");
}

TEST(line_signals, memory_is_bounded_by_forgetting_the_least_recent_consultations) {
  boost::asio::io_context io;
  const config::settings settings = two_tenants();
  gateway::metrics m;
  line_signal_options options;
  options.max_remembered = 4;
  options.max_in_flight = 100;
  line_signals signals(io, settings, m, options);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(signals.typing("a", "c" + std::to_string(i), chat("a-open", "")));
  }
  // The most recent one is remembered (throttled); the first was forgotten (started again).
  EXPECT_FALSE(signals.typing("a", "c9", chat("a-open", "")));
  EXPECT_TRUE(signals.typing("a", "c0", chat("a-open", "")));
  io.run();
}

}  // namespace
}  // namespace yorisoi::gateway
