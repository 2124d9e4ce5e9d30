// [server] keys of the console: cookies, allowed origins and the session policy, with their defaults
// and every rejection.

#include "test_support.hpp"

namespace yorisoi::config::test {
namespace {

settings load_with_server(const std::string& extra) {
  const fake_env env;
  return load_from_string(replaced(minimal_document(), "[server]\n", "[server]\n" + extra), test_label,
                          env.lookup());
}

TEST(console_settings, defaults) {
  const auto s = load_with_server("");
  EXPECT_FALSE(s.server.plain_http_loopback);  // Secure cookies and HSTS unless asked otherwise
  EXPECT_TRUE(s.server.allowed_origins.empty());
  EXPECT_TRUE(s.server.trusted_proxies.empty());
  EXPECT_EQ(s.server.sessions.idle, std::chrono::minutes(60));
  EXPECT_EQ(s.server.sessions.absolute, std::chrono::hours(12));
  EXPECT_EQ(s.server.sessions.free_failures_per_name_address, 5u);
  EXPECT_EQ(s.server.sessions.first_delay, std::chrono::seconds(1));
  EXPECT_EQ(s.server.sessions.max_delay, std::chrono::minutes(15));
  EXPECT_EQ(s.server.sessions.max_failures_per_address, 20u);
  EXPECT_EQ(s.server.sessions.failure_window, std::chrono::minutes(15));
}

TEST(console_settings, values_are_read) {
  // [server.sessions] must come after the plain [server] keys, so append it at the end of [server].
  const fake_env env;
  const auto doc = replaced(minimal_document(), "[server]\nlisten = \"127.0.0.1:0\"\n",
                            "[server]\nlisten = \"127.0.0.1:0\"\nplain_http_loopback = true\n"
                            "allowed_origins = [\"https://Console.Example.jp\", \"http://127.0.0.1:8080\", "
                            "\"http://[::1]:3000\"]\n"
                            "[server.sessions]\nidle_minutes = 30\nabsolute_hours = 8\n"
                            "free_failures_per_name_address = 3\nfirst_delay_seconds = 2\n"
                            "max_delay_seconds = 300\nmax_failures_per_address = 50\n"
                            "failure_window_minutes = 10\n");
  const auto s = load_from_string(doc, test_label, env.lookup());
  EXPECT_TRUE(s.server.plain_http_loopback);
  EXPECT_EQ(
      s.server.allowed_origins,
      (std::vector<std::string>{"https://console.example.jp", "http://127.0.0.1:8080", "http://[::1]:3000"}));
  EXPECT_EQ(s.server.sessions.idle, std::chrono::minutes(30));
  EXPECT_EQ(s.server.sessions.absolute, std::chrono::hours(8));
  EXPECT_EQ(s.server.sessions.free_failures_per_name_address, 3u);
  EXPECT_EQ(s.server.sessions.first_delay, std::chrono::seconds(2));
  EXPECT_EQ(s.server.sessions.max_delay, std::chrono::seconds(300));
  EXPECT_EQ(s.server.sessions.max_failures_per_address, 50u);
  EXPECT_EQ(s.server.sessions.failure_window, std::chrono::minutes(10));
}

TEST(console_settings, idle_seconds_for_tests_replace_the_minutes) {
  const fake_env env;
  const auto doc =
      replaced(minimal_document(), "[server]\nlisten = \"127.0.0.1:0\"\n",
               "[server]\nlisten = \"127.0.0.1:0\"\n[server.sessions]\nidle_seconds_for_tests = 4\n");
  EXPECT_EQ(load_from_string(doc, test_label, env.lookup()).server.sessions.idle, std::chrono::seconds(4));
}

TEST(console_settings, trusted_proxies_are_canonical_addresses_or_ranges) {
  const auto s = load_with_server(
      "trusted_proxies = [\"127.0.0.1\", \"::1\", \"2001:DB8:0:0::7\", \"10.0.0.0/8\", \"192.168.1.64/26\", "
      "\"172.16.0.1/32\", \"2001:DB8:0::/32\", \"fd00:1:2:3::/64\", \"::1/128\"]\n");
  EXPECT_EQ(s.server.trusted_proxies,
            (std::vector<std::string>{"127.0.0.1", "::1", "2001:db8::7", "10.0.0.0/8", "192.168.1.64/26",
                                      "172.16.0.1/32", "2001:db8::/32", "fd00:1:2:3::/64", "::1/128"}));
}

struct bad_case {
  std::string name;
  std::string server_keys;
  std::string key;
  std::string says;
};

class console_settings_rejects : public ::testing::TestWithParam<bad_case> {};

TEST_P(console_settings_rejects, names_the_key) {
  const fake_env env;
  const auto& c = GetParam();
  const auto doc = replaced(minimal_document(), "[server]\nlisten = \"127.0.0.1:0\"\n",
                            "[server]\nlisten = \"127.0.0.1:0\"\n" + c.server_keys);
  const auto e = load_error(doc, env);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key(), c.key) << e->what();
  EXPECT_NE(std::string(e->what()).find(c.says), std::string::npos) << e->what();
}

INSTANTIATE_TEST_SUITE_P(
    table, console_settings_rejects,
    ::testing::Values(
        bad_case{"plain_http_not_bool", "plain_http_loopback = \"yes\"\n", "server.plain_http_loopback",
                 "true or false"},
        bad_case{"secure_cookies_is_gone", "secure_cookies = true\n", "server.secure_cookies",
                 "plain_http_loopback"},
        bad_case{"origin_without_scheme", "allowed_origins = [\"example.jp\"]\n", "server.allowed_origins[0]",
                 "scheme"},
        bad_case{"proxy_hostname", "trusted_proxies = [\"haproxy\"]\n", "server.trusted_proxies[0]",
                 "IP address"},
        bad_case{"proxy_with_port", "trusted_proxies = [\"127.0.0.1\", \"127.0.0.1:80\"]\n",
                 "server.trusted_proxies[1]", "IP address"},
        bad_case{"proxy_prefix_too_long", "trusted_proxies = [\"10.0.0.0/8\", \"10.0.0.0/33\"]\n",
                 "server.trusted_proxies[1]", "from 1 to 32"},
        bad_case{"proxy_ipv6_prefix_too_long", "trusted_proxies = [\"fd00::/129\"]\n",
                 "server.trusted_proxies[0]", "from 1 to 128"},
        bad_case{"proxy_prefix_zero", "trusted_proxies = [\"0.0.0.0/0\"]\n", "server.trusted_proxies[0]",
                 "from 1 to 32"},
        bad_case{"proxy_prefix_empty", "trusted_proxies = [\"10.0.0.0/\"]\n", "server.trusted_proxies[0]",
                 "from 1 to 32"},
        bad_case{"proxy_prefix_not_a_number", "trusted_proxies = [\"10.0.0.0/8a\"]\n",
                 "server.trusted_proxies[0]", "from 1 to 32"},
        bad_case{"proxy_prefix_signed", "trusted_proxies = [\"10.0.0.0/+8\"]\n", "server.trusted_proxies[0]",
                 "from 1 to 32"},
        bad_case{"proxy_prefix_leading_zero", "trusted_proxies = [\"10.0.0.0/08\"]\n",
                 "server.trusted_proxies[0]", "from 1 to 32"},
        bad_case{"proxy_two_prefixes", "trusted_proxies = [\"10.0.0.0/8/8\"]\n", "server.trusted_proxies[0]",
                 "from 1 to 32"},
        bad_case{"proxy_host_bits", "trusted_proxies = [\"10.1.2.3/8\"]\n", "server.trusted_proxies[0]",
                 "\"10.0.0.0/8\""},
        bad_case{"proxy_ipv6_host_bits", "trusted_proxies = [\"fd00::1/64\"]\n", "server.trusted_proxies[0]",
                 "\"fd00::/64\""},
        bad_case{"proxy_range_of_hostname", "trusted_proxies = [\"haproxy/24\"]\n",
                 "server.trusted_proxies[0]", "IP address"},
        bad_case{"proxy_ipv4_mapped", "trusted_proxies = [\"::ffff:10.0.0.1\"]\n",
                 "server.trusted_proxies[0]", "as IPv4"},
        bad_case{"proxy_not_string", "trusted_proxies = [1]\n", "server.trusted_proxies[0]",
                 "must be a string"},
        bad_case{"origin_ftp", "allowed_origins = [\"ftp://example.jp\"]\n", "server.allowed_origins[0]",
                 "scheme"},
        bad_case{"origin_with_path", "allowed_origins = [\"https://a.jp\", \"https://example.jp/console\"]\n",
                 "server.allowed_origins[1]", "without a path"},
        bad_case{"origin_trailing_slash", "allowed_origins = [\"https://example.jp/\"]\n",
                 "server.allowed_origins[0]", "without a path"},
        bad_case{"origin_bad_port", "allowed_origins = [\"https://example.jp:99999\"]\n",
                 "server.allowed_origins[0]", "port"},
        bad_case{"origin_empty_port", "allowed_origins = [\"https://example.jp:\"]\n",
                 "server.allowed_origins[0]", "port"},
        bad_case{"origin_default_port", "allowed_origins = [\"https://example.jp:443\"]\n",
                 "server.allowed_origins[0]", "default port"},
        bad_case{"origin_no_host", "allowed_origins = [\"https://\"]\n", "server.allowed_origins[0]",
                 "no host"},
        bad_case{"origin_with_user", "allowed_origins = [\"https://u@example.jp\"]\n",
                 "server.allowed_origins[0]", "without a path"},
        bad_case{"origins_not_array", "allowed_origins = \"https://example.jp\"\n", "server.allowed_origins",
                 "array"},
        bad_case{"unknown_sessions_key", "[server.sessions]\nidle = 5\n", "server.sessions.idle",
                 "unknown key"},
        bad_case{"idle_seconds_and_minutes",
                 "[server.sessions]\nidle_minutes = 5\nidle_seconds_for_tests = 5\n",
                 "server.sessions.idle_seconds_for_tests", "not both"},
        bad_case{"idle_seconds_too_short", "[server.sessions]\nidle_seconds_for_tests = 1\n",
                 "server.sessions.idle_seconds_for_tests", "between"},
        bad_case{"idle_zero", "[server.sessions]\nidle_minutes = 0\n", "server.sessions.idle_minutes",
                 "between"},
        bad_case{"absolute_zero", "[server.sessions]\nabsolute_hours = 0\n", "server.sessions.absolute_hours",
                 "between"},
        bad_case{"idle_longer_than_absolute", "[server.sessions]\nidle_minutes = 120\nabsolute_hours = 1\n",
                 "server.sessions.idle_minutes", "absolute_hours"},
        bad_case{"free_failures_zero", "[server.sessions]\nfree_failures_per_name_address = 0\n",
                 "server.sessions.free_failures_per_name_address", "between"},
        bad_case{"old_lock_key", "[server.sessions]\nmax_failures_per_login = 5\n",
                 "server.sessions.max_failures_per_login", "unknown key"},
        bad_case{"first_delay_zero", "[server.sessions]\nfirst_delay_seconds = 0\n",
                 "server.sessions.first_delay_seconds", "between"},
        bad_case{"max_delay_under_first",
                 "[server.sessions]\nfirst_delay_seconds = 60\nmax_delay_seconds = 30\n",
                 "server.sessions.max_delay_seconds", "first_delay_seconds"},
        bad_case{"max_delay_over_window", "[server.sessions]\nmax_delay_seconds = 1200\n",
                 "server.sessions.max_delay_seconds", "failure_window_minutes"},
        bad_case{"address_failures_zero", "[server.sessions]\nmax_failures_per_address = 0\n",
                 "server.sessions.max_failures_per_address", "between"},
        bad_case{"window_too_long", "[server.sessions]\nfailure_window_minutes = 100000\n",
                 "server.sessions.failure_window_minutes", "between"}),
    [](const ::testing::TestParamInfo<bad_case>& tested) { return tested.param.name; });

}  // namespace
}  // namespace yorisoi::config::test
