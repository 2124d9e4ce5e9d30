// [[tenant]] queue_preview: the default, a value, and a wrong type refused naming its key.

#include "test_support.hpp"

#include <string>

namespace yorisoi::config::test {
namespace {

// The tenant's own key goes right after `name`, before any of its sub-tables.
std::string with_tenant_key(const std::string& line) {
  std::string doc = minimal_document();
  const std::string anchor = "name = \"Town\"\n";
  doc.insert(doc.find(anchor) + anchor.size(), line);
  return doc;
}

TEST(queue_settings, previews_are_on_by_default) {
  const fake_env env;
  const auto s = load_from_string(minimal_document(), test_label, env.lookup());
  ASSERT_EQ(s.tenants.size(), 1u);
  EXPECT_TRUE(s.tenants[0].queue_preview);
}

TEST(queue_settings, a_tenant_turns_previews_off) {
  const fake_env env;
  const auto s = load_from_string(with_tenant_key("queue_preview = false\n"), test_label, env.lookup());
  EXPECT_FALSE(s.tenants[0].queue_preview);
}

TEST(queue_settings, a_value_that_is_not_true_or_false_is_refused) {
  const fake_env env;
  const auto e = load_error(with_tenant_key("queue_preview = \"no\"\n"), env);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key(), "tenant[0].queue_preview") << e->what();
  EXPECT_NE(std::string(e->what()).find("true or false"), std::string::npos) << e->what();
}

}  // namespace
}  // namespace yorisoi::config::test
