// [tenant.shift] capacity: no limit by default, a tenant's own value, and anything outside 1..50 or an unknown
// key refused naming its key.

#include "test_support.hpp"

#include <string>

namespace yorisoi::config::test {
namespace {

// An inline table right after the tenant's `name`, before any of its sub-tables.
std::string with_shift(const std::string& table) {
  std::string doc = minimal_document();
  const std::string anchor = "name = \"Town\"\n";
  doc.insert(doc.find(anchor) + anchor.size(), "shift = " + table + "\n");
  return doc;
}

TEST(shift_settings, there_is_no_capacity_by_default) {
  const fake_env env;
  const auto s = load_from_string(minimal_document(), test_label, env.lookup());
  ASSERT_EQ(s.tenants.size(), 1u);
  EXPECT_EQ(s.tenants[0].shift.capacity, std::nullopt);
}

TEST(shift_settings, a_tenant_sets_its_capacity) {
  const fake_env env;
  const auto s = load_from_string(with_shift("{ capacity = 5 }"), test_label, env.lookup());
  EXPECT_EQ(s.tenants[0].shift.capacity, 5u);
}

TEST(shift_settings, a_capacity_outside_one_to_fifty_is_refused) {
  const fake_env env;
  for (const char* bad : {"{ capacity = 0 }", "{ capacity = 51 }", "{ capacity = \"3\" }"}) {
    const auto e = load_error(with_shift(bad), env);
    ASSERT_TRUE(e.has_value()) << bad;
    EXPECT_EQ(e->key(), "tenant[0].shift.capacity") << e->what();
  }
}

TEST(shift_settings, an_unknown_key_is_refused) {
  const fake_env env;
  const auto e = load_error(with_shift("{ capacty = 3 }"), env);
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(std::string(e->what()).find("capacty"), std::string::npos) << e->what();
}

}  // namespace
}  // namespace yorisoi::config::test
