// [tenant.alert]: absent means no alerts; values, defaults, and every rejection naming its key.

#include "test_support.hpp"

#include <ostream>

namespace yorisoi::config::test {
namespace {

constexpr const char* good_keys =
    "url = \"https://oncall.example.jp/hooks/yorisoi\"\nsecret_env = \"ALERT_SECRET\"\n"
    "console_base_url = \"https://soudan.example.jp/\"\n";

// The minimal document's tenant ends with its [[tenant.link]]; a sub-table placed after it still
// belongs to the last [[tenant]].
std::string with_alert(const std::string& keys) {
  return minimal_document() + "\n[tenant.alert]\n" + keys;
}

fake_env alert_env() {
  fake_env env;
  env.vars["ALERT_SECRET"] = "0123456789abcdef-on-call";
  env.vars["SHORT_SECRET"] = "short";
  return env;
}

settings load(const std::string& doc) {
  const fake_env env = alert_env();
  return load_from_string(doc, test_label, env.lookup());
}

TEST(alert_settings, absent_table_means_no_alerts) {
  const auto s = load(minimal_document());
  ASSERT_EQ(s.tenants.size(), 1u);
  EXPECT_FALSE(s.tenants[0].alert.has_value());
}

TEST(alert_settings, values_and_defaults) {
  const auto s = load(with_alert(good_keys));
  ASSERT_TRUE(s.tenants[0].alert.has_value());
  const auto& a = *s.tenants[0].alert;
  EXPECT_EQ(a.url, "https://oncall.example.jp/hooks/yorisoi");
  EXPECT_EQ(a.secret, "0123456789abcdef-on-call");
  EXPECT_EQ(a.on, alert_trigger::urgent);
  EXPECT_EQ(a.console_base_url, "https://soudan.example.jp");  // trailing '/' dropped
}

TEST(alert_settings, any_mode_and_loopback_http) {
  for (const char* url : {"http://127.0.0.1:9000/alert", "http://127.8.0.1/", "http://[::1]:8443"}) {
    const auto s = load(with_alert(std::string("url = \"") + url +
                                   "\"\nsecret_env = \"ALERT_SECRET\"\non = \"any\"\n"
                                   "console_base_url = \"http://127.0.0.1:8080\"\n"));
    ASSERT_TRUE(s.tenants[0].alert.has_value()) << url;
    EXPECT_EQ(s.tenants[0].alert->url, url);
    EXPECT_EQ(s.tenants[0].alert->on, alert_trigger::any);
  }
}

TEST(alert_settings, secret_from_a_file_is_never_quoted) {
  const auto s = load(with_alert(
      "url = \"https://oncall.example.jp/\"\nsecret_file = \"" YORISOI_SOURCE_DIR
      "/tests/unit/config/data/alert-secret.txt\"\nconsole_base_url = \"https://soudan.example.jp\"\n"));
  ASSERT_TRUE(s.tenants[0].alert.has_value());
  EXPECT_EQ(s.tenants[0].alert->secret, "file-held-alert-signing-key");
  const fake_env env = alert_env();
  const auto e = load_error(with_alert("url = \"https://oncall.example.jp/\"\nsecret_env = \"SHORT_SECRET\"\n"
                                       "console_base_url = \"https://soudan.example.jp\"\n"),
                            env);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key(), "tenant[0].alert.secret_env");
  EXPECT_EQ(std::string(e->what()).find("short\""), std::string::npos) << e->what();
}

struct bad_case {
  std::string name;
  std::string keys;
  std::string key;
  std::string says;
};

void PrintTo(const bad_case& c, std::ostream* out) {
  *out << c.name;
}

class alert_settings_rejects : public ::testing::TestWithParam<bad_case> {};

TEST_P(alert_settings_rejects, names_the_key) {
  const fake_env env = alert_env();
  const auto& c = GetParam();
  const auto e = load_error(with_alert(c.keys), env);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key(), c.key) << e->what();
  EXPECT_NE(std::string(e->what()).find(c.says), std::string::npos) << e->what();
}

const std::string secret_and_base =
    "secret_env = \"ALERT_SECRET\"\nconsole_base_url = \"https://soudan.example.jp\"\n";

INSTANTIATE_TEST_SUITE_P(
    table, alert_settings_rejects,
    ::testing::Values(
        bad_case{"unknown_key", std::string(good_keys) + "mode = \"any\"\n", "tenant[0].alert.mode",
                 "unknown key"},
        bad_case{"url_missing", secret_and_base, "tenant[0].alert.url", "required"},
        bad_case{"plain_http_elsewhere", "url = \"http://oncall.example.jp/\"\n" + secret_and_base,
                 "tenant[0].alert.url", "must be https://"},
        bad_case{"plain_http_to_a_lan_address", "url = \"http://192.168.1.10:8080/\"\n" + secret_and_base,
                 "tenant[0].alert.url", "loopback"},
        bad_case{"localhost_is_a_name_not_an_address", "url = \"http://localhost:9000/\"\n" + secret_and_base,
                 "tenant[0].alert.url", "loopback"},
        bad_case{"other_scheme", "url = \"ftp://oncall.example.jp/\"\n" + secret_and_base,
                 "tenant[0].alert.url", "not an http(s) URL"},
        bad_case{"no_host", "url = \"https:///path\"\n" + secret_and_base, "tenant[0].alert.url",
                 "not an http(s) URL"},
        bad_case{"userinfo", "url = \"https://user:pw@oncall.example.jp/\"\n" + secret_and_base,
                 "tenant[0].alert.url", "not an http(s) URL"},
        bad_case{"bad_port", "url = \"https://oncall.example.jp:99999/\"\n" + secret_and_base,
                 "tenant[0].alert.url", "not an http(s) URL"},
        bad_case{"empty_port", "url = \"https://oncall.example.jp:/\"\n" + secret_and_base,
                 "tenant[0].alert.url", "not an http(s) URL"},
        bad_case{"space", "url = \"https://oncall.example.jp/a b\"\n" + secret_and_base,
                 "tenant[0].alert.url", "not an http(s) URL"},
        bad_case{"no_secret",
                 "url = \"https://oncall.example.jp/\"\nconsole_base_url = \"https://s.example.jp\"\n",
                 "tenant[0].alert.secret_env", "required"},
        bad_case{"secret_unset",
                 "url = \"https://oncall.example.jp/\"\nsecret_env = \"NOT_SET_ANYWHERE\"\n"
                 "console_base_url = \"https://s.example.jp\"\n",
                 "tenant[0].alert.secret_env", "is not set"},
        bad_case{"secret_too_short",
                 "url = \"https://oncall.example.jp/\"\nsecret_env = \"SHORT_SECRET\"\n"
                 "console_base_url = \"https://s.example.jp\"\n",
                 "tenant[0].alert.secret_env", "too short"},
        bad_case{"unknown_trigger", std::string(good_keys) + "on = \"all\"\n", "tenant[0].alert.on",
                 "\"urgent\", \"any\""},
        bad_case{"console_base_missing",
                 "url = \"https://oncall.example.jp/\"\nsecret_env = \"ALERT_SECRET\"\n",
                 "tenant[0].alert.console_base_url", "required"},
        bad_case{"console_base_not_a_url",
                 "url = \"https://oncall.example.jp/\"\nsecret_env = \"ALERT_SECRET\"\n"
                 "console_base_url = \"soudan.example.jp\"\n",
                 "tenant[0].alert.console_base_url", "public address"},
        bad_case{"console_base_with_query",
                 "url = \"https://oncall.example.jp/\"\nsecret_env = \"ALERT_SECRET\"\n"
                 "console_base_url = \"https://soudan.example.jp/?x=1\"\n",
                 "tenant[0].alert.console_base_url", "public address"}),
    [](const auto& case_info) { return case_info.param.name; });

}  // namespace
}  // namespace yorisoi::config::test
