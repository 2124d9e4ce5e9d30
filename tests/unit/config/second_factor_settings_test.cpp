// [tenant.console] second_factor: optional by default, required_for_readers, anything else refused
// naming its key.

#include "test_support.hpp"

#include <string>

namespace yorisoi::config::test {
namespace {

// An inline table right after the tenant's `name`, before any of its sub-tables.
std::string with_console(const std::string& table) {
  std::string doc = minimal_document();
  const std::string anchor = "name = \"Town\"\n";
  doc.insert(doc.find(anchor) + anchor.size(), "console = " + table + "\n");
  return doc;
}

TEST(second_factor_settings, the_second_factor_is_optional_by_default) {
  const fake_env env;
  const auto s = load_from_string(minimal_document(), test_label, env.lookup());
  ASSERT_EQ(s.tenants.size(), 1u);
  EXPECT_FALSE(s.tenants[0].second_factor_required_for_readers);
  const auto optional =
      load_from_string(with_console("{ second_factor = \"optional\" }"), test_label, env.lookup());
  EXPECT_FALSE(optional.tenants[0].second_factor_required_for_readers);
}

TEST(second_factor_settings, a_tenant_requires_it_of_readers) {
  const fake_env env;
  const auto s = load_from_string(with_console("{ second_factor = \"required_for_readers\" }"), test_label,
                                  env.lookup());
  EXPECT_TRUE(s.tenants[0].second_factor_required_for_readers);
}

TEST(second_factor_settings, another_value_or_key_is_refused) {
  const fake_env env;
  const auto e = load_error(with_console("{ second_factor = \"required\" }"), env);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key(), "tenant[0].console.second_factor") << e->what();
  EXPECT_NE(std::string(e->what()).find("required_for_readers"), std::string::npos) << e->what();
  EXPECT_TRUE(load_error(with_console("{ second_factr = \"optional\" }"), env).has_value());
}

}  // namespace
}  // namespace yorisoi::config::test
