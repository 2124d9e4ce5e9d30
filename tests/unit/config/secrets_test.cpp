// Secrets: from files relative to the config file, from the environment, and the crypto material's
// format. No error message may contain a secret's value.

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "test_support.hpp"

namespace yorisoi::config::test {
namespace {

// A private folder per test holding the config "file" (only its label is used) and secret files.
class config_secrets : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("yorisoi-config-test-" + std::to_string(::getpid()) + "-" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ / "secrets");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void write(const std::string& relative, const std::string& content) {
    std::ofstream(dir_ / relative, std::ios::binary) << content;
  }
  [[nodiscard]] std::string label() const { return (dir_ / "deploy.toml").string(); }

  std::optional<error> crypto_error(const std::string& crypto_table, const fake_env& env) {
    return load_error(minimal_document() + crypto_table, env, label());
  }

  std::filesystem::path dir_;
};

TEST_F(config_secrets, files_are_read_relative_to_the_config_and_trimmed) {
  write("secrets/c1", "secret-from-file\n");
  write("secrets/keys", std::string("1:") + key_one + "\n3:" + key_two + "\n");
  write("secrets/pepper", std::string(pepper) + "\n");
  std::string document = replaced(minimal_document(), "secret_env = \"C1_SECRET\"", "secret_file = \"secrets/c1\"");
  document = replaced(document, "access_token_env = \"C1_TOKEN\"",
                      "access_token_file = \"" + (dir_ / "secrets/c1").string() + "\"");
  document += "[crypto]\nkeys_file = \"secrets/keys\"\npepper_file = \"secrets/pepper\"\n";
  fake_env env;
  env.vars.erase("YORISOI_ENCRYPTION_KEYS");
  env.vars.erase("YORISOI_PSEUDONYM_PEPPER");
  const settings s = load_from_string(document, label(), env.lookup());
  EXPECT_EQ(s.tenants[0].channels[0].secret, "secret-from-file");
  EXPECT_EQ(s.tenants[0].channels[0].access_token, "secret-from-file");
  ASSERT_EQ(s.crypto.keys.size(), 2U);
  EXPECT_EQ(s.crypto.keys.at(1)[0], '\x01');
  EXPECT_EQ(s.crypto.keys.at(3)[0], '\x65');
  EXPECT_EQ(s.crypto.pseudonym_pepper.size(), 32U);
}

TEST_F(config_secrets, empty_secret_file_and_empty_secret_variable) {
  write("secrets/empty", " \n");
  const auto from_file = load_error(
      replaced(minimal_document(), "secret_env = \"C1_SECRET\"", "secret_file = \"secrets/empty\""), fake_env{},
      label());
  ASSERT_TRUE(from_file);
  EXPECT_EQ(from_file->key(), "tenant[0].channel[0].secret_file");
  EXPECT_NE(std::string(from_file->what()).find("is empty"), std::string::npos);

  fake_env env;
  env.vars["C1_SECRET"] = "";
  const auto from_env = load_error(minimal_document(), env, label());
  ASSERT_TRUE(from_env);
  EXPECT_EQ(from_env->key(), "tenant[0].channel[0].secret_env");
  EXPECT_NE(std::string(from_env->what()).find("environment variable C1_SECRET is empty"), std::string::npos);
}

TEST_F(config_secrets, a_folder_is_not_a_secret_file) {
  const auto e = load_error(replaced(minimal_document(), "secret_env = \"C1_SECRET\"", "secret_file = \"secrets\""),
                            fake_env{}, label());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "tenant[0].channel[0].secret_file");
  EXPECT_NE(std::string(e->what()).find("not a regular file"), std::string::npos);
}

TEST_F(config_secrets, encryption_key_rules) {
  struct key_case {
    std::string value;
    std::string says;
  };
  const key_case cases[] = {
      {std::string("1:") + "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==", "decodes to 31 bytes"},
      {std::string("1:") + "not base64!", "not valid base64"},
      {std::string("0:") + key_one, "bad key id"},
      {std::string("x:") + key_one, "bad key id"},
      {std::string("4294967296:") + key_one, "bad key id"},
      {std::string("-1:") + key_one, "bad key id"},
      {key_one, "not in the form"},
      {std::string("1:") + key_one + ",1:" + key_two, "key id 1 appears twice"},
      {" , ,", "holds no keys"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.says);
    fake_env env;
    env.vars["YORISOI_ENCRYPTION_KEYS"] = c.value;
    const auto e = crypto_error("", env);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->file(), label());
    EXPECT_EQ(e->key(), "crypto.keys_env");
    const std::string what = e->what();
    EXPECT_NE(what.find("environment variable YORISOI_ENCRYPTION_KEYS"), std::string::npos) << what;
    EXPECT_NE(what.find(c.says), std::string::npos) << what;
    EXPECT_EQ(what.find(key_one), std::string::npos) << "the message must not quote the key";
  }
}

TEST_F(config_secrets, no_keys_at_all) {
  fake_env env;
  env.vars.erase("YORISOI_ENCRYPTION_KEYS");
  const auto e = crypto_error("", env);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "crypto.keys_env");
  EXPECT_NE(std::string(e->what()).find("YORISOI_ENCRYPTION_KEYS is not set"), std::string::npos);
}

TEST_F(config_secrets, keys_from_a_named_variable) {
  fake_env env;
  env.vars["OTHER_KEYS"] = std::string("7:") + key_two;
  const settings s =
      load_from_string(minimal_document() + "[crypto]\nkeys_env = \"OTHER_KEYS\"\n", label(), env.lookup());
  ASSERT_EQ(s.crypto.keys.size(), 1U);
  EXPECT_TRUE(s.crypto.keys.contains(7));
}

TEST_F(config_secrets, keys_env_and_keys_file_together) {
  const auto e = crypto_error("[crypto]\nkeys_env = \"A\"\nkeys_file = \"b\"\n", fake_env{});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "crypto.keys_file");
}

TEST_F(config_secrets, unreadable_keys_file) {
  const auto e = crypto_error("[crypto]\nkeys_file = \"secrets/none\"\n", fake_env{});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "crypto.keys_file");
  EXPECT_NE(std::string(e->what()).find((dir_ / "secrets/none").string()), std::string::npos) << e->what();
}

TEST_F(config_secrets, short_pepper) {
  fake_env env;
  env.vars["YORISOI_PSEUDONYM_PEPPER"] = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHw==";  // 31 bytes
  const auto e = crypto_error("", env);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "crypto.pepper_env");
  EXPECT_NE(std::string(e->what()).find("at least 32"), std::string::npos) << e->what();
}

TEST_F(config_secrets, pepper_not_base64) {
  fake_env env;
  env.vars["YORISOI_PSEUDONYM_PEPPER"] = "this is a passphrase, not base64";
  const auto e = crypto_error("", env);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->key(), "crypto.pepper_env");
  EXPECT_EQ(std::string(e->what()).find("passphrase"), std::string::npos) << "the message must not quote the pepper";
}

TEST_F(config_secrets, relative_console_dir_follows_the_config_file) {
  const settings s = load_from_string(
      replaced(minimal_document(), "[server]\n", "[server]\nconsole_dir = \"console\"\n"), label(),
      fake_env{}.lookup());
  EXPECT_EQ(s.server.console_dir, (dir_ / "console").string());
}

}  // namespace
}  // namespace yorisoi::config::test
