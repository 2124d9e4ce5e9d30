// How the service is reached: Secure cookies and HSTS unless [server] plain_http_loopback says plain
// HTTP on a loopback address, which is refused for any other listen address. How it reaches LINE:
// https only, plain http only to loopback with YORISOI_ALLOW_PLAIN_LINE_API=1 (fake platforms in tests).

#include "test_support.hpp"

namespace yorisoi::config::test {
namespace {

std::string with_listen(const std::string& listen, const std::string& extra = "") {
  return replaced(minimal_document(), "listen = \"127.0.0.1:0\"\n", "listen = \"" + listen + "\"\n" + extra);
}

TEST(transport_settings, plain_http_on_loopback_is_accepted) {
  const fake_env env;
  for (const std::string listen : {"127.0.0.1:8080", "127.1.2.3:0", "[::1]:8080"}) {
    SCOPED_TRACE(listen);
    const auto s =
        load_from_string(with_listen(listen, "plain_http_loopback = true\n"), test_label, env.lookup());
    EXPECT_TRUE(s.server.plain_http_loopback);
  }
}

TEST(transport_settings, plain_http_is_refused_off_loopback) {
  const fake_env env;
  for (const std::string listen :
       {"0.0.0.0:8080", "[::]:8080", "192.168.1.10:8080", "localhost:8080", "[::ffff:127.0.0.1]:8080"}) {
    SCOPED_TRACE(listen);
    const auto e = load_error(with_listen(listen, "plain_http_loopback = true\n"), env);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->key(), "server.plain_http_loopback");
    EXPECT_NE(std::string(e->what()).find("loopback"), std::string::npos) << e->what();
  }
}

TEST(transport_settings, secure_is_the_default_anywhere) {
  const fake_env env;
  const auto s = load_from_string(with_listen("0.0.0.0:8080"), test_label, env.lookup());
  EXPECT_FALSE(s.server.plain_http_loopback);
}

TEST(transport_settings, the_environment_switches_plain_http_and_is_checked_the_same) {
  fake_env env;
  env.vars["YORISOI_PLAIN_HTTP_LOOPBACK"] = "on";
  EXPECT_TRUE(load_from_string(minimal_document(), test_label, env.lookup()).server.plain_http_loopback);
  env.vars["YORISOI_LISTEN"] = "0.0.0.0:8080";
  const auto refused = load_error(minimal_document(), env);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->key(), "server.plain_http_loopback");
  EXPECT_NE(std::string(refused->what()).find("YORISOI_LISTEN"), std::string::npos) << refused->what();
  env.vars["YORISOI_PLAIN_HTTP_LOOPBACK"] = "off";
  EXPECT_FALSE(
      load_from_string(with_listen("127.0.0.1:0", "plain_http_loopback = true\n"), test_label, env.lookup())
          .server.plain_http_loopback);
  env.vars["YORISOI_PLAIN_HTTP_LOOPBACK"] = "yes";
  const auto bad = load_error(minimal_document(), env);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->key(), "server.plain_http_loopback");
}

TEST(transport_settings, plain_http_line_api_is_refused_without_the_test_switch) {
  const fake_env env;
  fake_env from_env;
  from_env.vars["YORISOI_LINE_API_BASE"] = "http://127.0.0.1:4567";
  const auto by_env = load_error(minimal_document(), from_env);
  ASSERT_TRUE(by_env);
  EXPECT_EQ(by_env->key(), "line.api_base");
  EXPECT_NE(std::string(by_env->what()).find("YORISOI_ALLOW_PLAIN_LINE_API=1"), std::string::npos)
      << by_env->what();
  const auto by_file = load_error(minimal_document() + "[line]\ndata_api_base = \"http://[::1]:9\"\n", env);
  ASSERT_TRUE(by_file);
  EXPECT_EQ(by_file->key(), "line.data_api_base");
}

TEST(transport_settings, plain_http_line_api_only_to_loopback_even_with_the_switch) {
  fake_env env;
  env.vars["YORISOI_ALLOW_PLAIN_LINE_API"] = "1";
  for (const std::string base :
       {"http://api.line.me", "http://10.0.0.5:8080", "http://localhost:9", "http://[::ffff:127.0.0.1]:9"}) {
    SCOPED_TRACE(base);
    env.vars["YORISOI_LINE_API_BASE"] = base;
    const auto e = load_error(minimal_document(), env);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->key(), "line.api_base");
    EXPECT_NE(std::string(e->what()).find("https://"), std::string::npos) << e->what();
  }
}

TEST(transport_settings, plain_http_line_api_with_the_switch_on_loopback) {
  fake_env env;
  env.vars["YORISOI_ALLOW_PLAIN_LINE_API"] = "1";
  env.vars["YORISOI_LINE_API_BASE"] = "http://127.0.0.1:4567";
  const auto s = load_from_string(minimal_document() + "[line]\ndata_api_base = \"http://[::1]:9\"\n",
                                  test_label, env.lookup());
  EXPECT_EQ(s.line.api_base, "http://127.0.0.1:4567");
  EXPECT_EQ(s.line.data_api_base, "http://[::1]:9");
  // Any other value than 1 is no switch.
  env.vars["YORISOI_ALLOW_PLAIN_LINE_API"] = "yes";
  EXPECT_TRUE(load_error(minimal_document(), env));
}

TEST(transport_settings, https_line_api_needs_no_switch) {
  fake_env env;
  env.vars["YORISOI_LINE_API_BASE"] = "https://line-proxy.example.jp";
  EXPECT_EQ(load_from_string(minimal_document(), test_label, env.lookup()).line.api_base,
            "https://line-proxy.example.jp");
}

}  // namespace
}  // namespace yorisoi::config::test
