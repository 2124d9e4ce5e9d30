// How the service is reached: Secure cookies and HSTS unless [server] plain_http_loopback says plain
// HTTP on a loopback address, which is refused for any other listen address.

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

}  // namespace
}  // namespace yorisoi::config::test
