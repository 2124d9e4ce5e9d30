// Environment overrides replace the file's values and are validated like them.

#include "test_support.hpp"

namespace yorisoi::config::test {
namespace {

settings load_with(const fake_env& env, const std::string& document = minimal_document()) {
  return load_from_string(document, test_label, env.lookup());
}

TEST(config_overrides, defaults_without_overrides) {
  const fake_env env;
  const settings s = load_with(env);
  EXPECT_EQ(s.server.listen_host, "127.0.0.1");
  EXPECT_EQ(s.server.listen_port, 0);
  EXPECT_EQ(s.server.threads, 0U);
  EXPECT_EQ(s.database.url, "postgresql:///yorisoi");
  EXPECT_EQ(s.line.api_base, "https://api.line.me");
  EXPECT_EQ(s.line.data_api_base, "https://api-data.line.me");
  EXPECT_EQ(s.server.console_dir, "");
  EXPECT_EQ(s.line.reply_token_usable, std::chrono::seconds(50));
  EXPECT_TRUE(s.idle_close);
}

TEST(config_overrides, every_variable_replaces_its_value) {
  fake_env env;
  env.vars["YORISOI_LISTEN"] = "0.0.0.0:9090";
  env.vars["YORISOI_DATABASE_URL"] = "postgresql://u@localhost:5433/other";
  env.vars["YORISOI_LINE_API_BASE"] = "http://127.0.0.1:4567/";
  env.vars["YORISOI_ALLOW_PLAIN_LINE_API"] = "1";  // a fake LINE platform on loopback
  env.vars["YORISOI_THREADS"] = "3";
  env.vars["YORISOI_CONSOLE_DIR"] = "/srv/console";
  env.vars["YORISOI_REPLY_TOKEN_USABLE_SECONDS"] = "0";
  env.vars["YORISOI_IDLE_CLOSE"] = "off";
  const settings s = load_with(env);
  EXPECT_EQ(s.server.listen_host, "0.0.0.0");
  EXPECT_EQ(s.server.listen_port, 9090);
  EXPECT_EQ(s.database.url, "postgresql://u@localhost:5433/other");
  EXPECT_EQ(s.line.api_base, "http://127.0.0.1:4567");  // trailing slash dropped: paths are appended
  EXPECT_EQ(s.server.threads, 3U);
  EXPECT_EQ(s.server.console_dir, "/srv/console");
  EXPECT_EQ(s.line.reply_token_usable, std::chrono::seconds(0));
  EXPECT_FALSE(s.idle_close);
}

TEST(config_overrides, ipv6_listen_address) {
  fake_env env;
  env.vars["YORISOI_LISTEN"] = "[::1]:0";
  const settings s = load_with(env);
  EXPECT_EQ(s.server.listen_host, "::1");
  EXPECT_EQ(s.server.listen_port, 0);
}

TEST(config_overrides, override_fixes_an_invalid_file_value) {
  fake_env env;
  env.vars["YORISOI_LISTEN"] = "127.0.0.1:8081";
  const settings s =
      load_with(env, replaced(minimal_document(), "listen = \"127.0.0.1:0\"", "listen = \"nope\""));
  EXPECT_EQ(s.server.listen_port, 8081);
}

TEST(config_overrides, an_empty_variable_is_unset) {
  fake_env env;
  env.vars["YORISOI_LISTEN"] = "";
  env.vars["YORISOI_DATABASE_URL"] = "";
  const settings s = load_with(env);
  EXPECT_EQ(s.server.listen_port, 0);
  EXPECT_EQ(s.database.url, "postgresql:///yorisoi");
}

struct bad_override {
  std::string variable;
  std::string value;
  std::string key;
  std::string says;
};

TEST(config_overrides, bad_values_name_the_variable) {
  const bad_override cases[] = {
      {"YORISOI_LISTEN", "localhost", "server.listen", "YORISOI_LISTEN=\"localhost\" is not host:port"},
      {"YORISOI_LISTEN", "localhost:http", "server.listen", "YORISOI_LISTEN"},
      {"YORISOI_LISTEN", ":8080", "server.listen", "YORISOI_LISTEN"},
      {"YORISOI_LISTEN", "::1:8080", "server.listen", "YORISOI_LISTEN"},
      {"YORISOI_THREADS", "many", "server.threads", "YORISOI_THREADS"},
      {"YORISOI_THREADS", "-1", "server.threads", "YORISOI_THREADS"},
      {"YORISOI_THREADS", "5000", "server.threads", "YORISOI_THREADS"},
      {"YORISOI_LINE_API_BASE", "ftp://x", "line.api_base", "YORISOI_LINE_API_BASE"},
      {"YORISOI_REPLY_TOKEN_USABLE_SECONDS", "61", "line.reply_token_usable_seconds",
       "YORISOI_REPLY_TOKEN_USABLE_SECONDS"},
      {"YORISOI_REPLY_TOKEN_USABLE_SECONDS", "soon", "line.reply_token_usable_seconds",
       "YORISOI_REPLY_TOKEN_USABLE_SECONDS"},
      {"YORISOI_IDLE_CLOSE", "no", "tenant.idle_close_hours", "YORISOI_IDLE_CLOSE"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.variable + "=" + c.value);
    fake_env env;
    env.vars[c.variable] = c.value;
    const auto e = load_error(minimal_document(), env);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->file(), test_label);
    EXPECT_EQ(e->key(), c.key);
    EXPECT_NE(std::string(e->what()).find(c.says), std::string::npos) << e->what();
  }
}

TEST(config_overrides, empty_database_url_in_file_mentions_the_variable) {
  const fake_env env;
  const auto e = load_error(minimal_document() + "[database]\nurl = \"\"\n", env);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "database.url");
  EXPECT_NE(std::string(e->what()).find("YORISOI_DATABASE_URL"), std::string::npos);
}

}  // namespace
}  // namespace yorisoi::config::test
