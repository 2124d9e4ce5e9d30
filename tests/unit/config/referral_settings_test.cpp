// [tenant.referrals]: defaults, values, and every rejection naming its key.

#include "test_support.hpp"

#include <ostream>

namespace yorisoi::config::test {
namespace {

// The minimal document's tenant ends with its [[tenant.link]]; a sub-table placed after it still
// belongs to the last [[tenant]].
std::string with_referrals(const std::string& keys) {
  return minimal_document() + "\n[tenant.referrals]\n" + keys;
}

settings load(const std::string& doc) {
  const fake_env env;
  return load_from_string(doc, test_label, env.lookup());
}

TEST(referral_settings, defaults_without_the_table) {
  const auto s = load(minimal_document());
  ASSERT_EQ(s.tenants.size(), 1u);
  EXPECT_EQ(s.tenants[0].referrals.consent_ttl, std::chrono::hours(72));
  EXPECT_FALSE(s.tenants[0].referrals.hub_skipped);
  EXPECT_TRUE(s.tenants[0].referrals.answers_through_hub);
}

TEST(referral_settings, values_are_read) {
  const auto s = load(with_referrals("consent_ttl_hours = 24\nanswers_through_hub = false\n"));
  EXPECT_EQ(s.tenants[0].referrals.consent_ttl, std::chrono::hours(24));
  EXPECT_FALSE(s.tenants[0].referrals.hub_skipped);
  EXPECT_FALSE(s.tenants[0].referrals.answers_through_hub);
}

TEST(referral_settings, skipping_the_hub_turns_answers_through_it_off) {
  const auto s = load(with_referrals("hub_skipped = true\n"));
  EXPECT_TRUE(s.tenants[0].referrals.hub_skipped);
  EXPECT_FALSE(s.tenants[0].referrals.answers_through_hub);
}

TEST(referral_settings, each_tenant_has_its_own) {
  const auto s = load(with_referrals("consent_ttl_hours = 1\n") + second_tenant());
  ASSERT_EQ(s.tenants.size(), 2u);
  EXPECT_EQ(s.tenants[0].referrals.consent_ttl, std::chrono::hours(1));
  EXPECT_EQ(s.tenants[1].referrals.consent_ttl, std::chrono::hours(72));
}

struct bad_case {
  std::string name;
  std::string keys;
  std::string key;
  std::string says;
};

// The case's name in test listings (gtest would otherwise print the object's bytes).
void PrintTo(const bad_case& c, std::ostream* out) {
  *out << c.name;
}

class referral_settings_rejects : public ::testing::TestWithParam<bad_case> {};

TEST_P(referral_settings_rejects, names_the_key) {
  const fake_env env;
  const auto& c = GetParam();
  const auto e = load_error(with_referrals(c.keys), env);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key(), c.key) << e->what();
  EXPECT_NE(std::string(e->what()).find(c.says), std::string::npos) << e->what();
}

INSTANTIATE_TEST_SUITE_P(
    table, referral_settings_rejects,
    ::testing::Values(
        bad_case{"unknown_key", "consent_ttl = 3\n", "tenant[0].referrals.consent_ttl", "unknown key"},
        bad_case{"ttl_zero", "consent_ttl_hours = 0\n", "tenant[0].referrals.consent_ttl_hours", "between"},
        bad_case{"ttl_too_long", "consent_ttl_hours = 721\n", "tenant[0].referrals.consent_ttl_hours",
                 "between"},
        bad_case{"ttl_not_integer", "consent_ttl_hours = \"72\"\n", "tenant[0].referrals.consent_ttl_hours",
                 "integer"},
        bad_case{"hub_skipped_not_bool", "hub_skipped = 1\n", "tenant[0].referrals.hub_skipped",
                 "true or false"},
        bad_case{"through_skipped_hub", "hub_skipped = true\nanswers_through_hub = true\n",
                 "tenant[0].referrals.answers_through_hub", "hub_skipped"}),
    [](const auto& case_info) { return case_info.param.name; });

}  // namespace
}  // namespace yorisoi::config::test
