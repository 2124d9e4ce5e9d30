// [[tenant.channel]] read_marks: "never" by default (LINE's read marks stay as the account's settings
// make them), "on_open", anything else refused naming its key.

#include "test_support.hpp"

#include <string>

namespace yorisoi::config::test {
namespace {

// The first channel of minimal_document() with `line` added after its add-friend URL.
std::string with_channel_line(const std::string& line) {
  std::string doc = minimal_document();
  const std::string anchor = "add_friend_url = \"https://line.me/R/ti/p/@c1\"\n";
  doc.insert(doc.find(anchor) + anchor.size(), line + "\n");
  return doc;
}

TEST(read_marks_settings, a_channel_never_marks_read_by_default) {
  const fake_env env;
  const auto s = load_from_string(minimal_document(), test_label, env.lookup());
  ASSERT_EQ(s.tenants.size(), 1u);
  EXPECT_EQ(s.tenants[0].channels[0].read_marks, read_marks::never);
  const auto never = load_from_string(with_channel_line("read_marks = \"never\""), test_label, env.lookup());
  EXPECT_EQ(never.tenants[0].channels[0].read_marks, read_marks::never);
}

TEST(read_marks_settings, a_channel_marks_read_on_open) {
  const fake_env env;
  const auto s = load_from_string(with_channel_line("read_marks = \"on_open\""), test_label, env.lookup());
  EXPECT_EQ(s.tenants[0].channels[0].read_marks, read_marks::on_open);
}

TEST(read_marks_settings, another_value_is_refused_naming_the_key) {
  const fake_env env;
  const auto e = load_error(with_channel_line("read_marks = \"always\""), env);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key(), "tenant[0].channel[0].read_marks") << e->what();
  EXPECT_NE(std::string(e->what()).find("on_open"), std::string::npos) << e->what();
  EXPECT_TRUE(load_error(with_channel_line("read_marks = true"), env).has_value());
}

}  // namespace
}  // namespace yorisoi::config::test
