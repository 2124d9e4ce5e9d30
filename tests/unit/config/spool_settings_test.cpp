// [server.spool]: the webhook spool's folder and bounds, and YORISOI_SPOOL_DIR; [server]'s inbox
// partitions, workers and attempts.
#include "test_support.hpp"

namespace yorisoi::config::test {
namespace {

const std::string server_head = "[server]\nlisten = \"127.0.0.1:0\"\n";

std::string with_server(const std::string& extra) {
  return replaced(minimal_document(), server_head, server_head + extra);
}

TEST(spool_settings, defaults) {
  const fake_env env;
  const auto s = load_from_string(minimal_document(), test_label, env.lookup());
  EXPECT_EQ(s.server.spool.directory, "spool");
  EXPECT_EQ(s.server.spool.max_bytes, 256ULL * 1024 * 1024);
  EXPECT_EQ(s.server.spool.segment_bytes, 8ULL * 1024 * 1024);
  EXPECT_EQ(s.server.spool.quarantine_days, 14U);
}

TEST(spool_settings, values_are_read_and_the_directory_is_not_resolved_against_the_file) {
  const fake_env env;
  const auto s = load_from_string(
      with_server("[server.spool]\ndirectory = \"state/spool\"\nmax_bytes = 1048576\nsegment_bytes = 65536\n"
                  "quarantine_days = 3\n"),
      test_label, env.lookup());
  // Relative to the working directory (state), not to /virtual/conf/ (configuration).
  EXPECT_EQ(s.server.spool.directory, "state/spool");
  EXPECT_EQ(s.server.spool.max_bytes, 1048576u);
  EXPECT_EQ(s.server.spool.segment_bytes, 65536u);
  EXPECT_EQ(s.server.spool.quarantine_days, 3u);
}

TEST(spool_settings, environment_overrides_the_directory) {
  fake_env env;
  env.vars["YORISOI_SPOOL_DIR"] = "/tmp/elsewhere";
  const auto s =
      load_from_string(with_server("[server.spool]\ndirectory = \"/var/lib/x\"\n"), test_label, env.lookup());
  EXPECT_EQ(s.server.spool.directory, "/tmp/elsewhere");
  env.vars["YORISOI_SPOOL_DIR"] = "";  // empty counts as unset
  EXPECT_EQ(load_from_string(minimal_document(), test_label, env.lookup()).server.spool.directory, "spool");
}

struct bad_spool {
  std::string name;
  std::string keys;
  std::string key;
  std::string says;
};

class spool_settings_rejects : public ::testing::TestWithParam<bad_spool> {};

TEST_P(spool_settings_rejects, names_the_key) {
  const fake_env env;
  const auto& c = GetParam();
  const auto e = load_error(with_server("[server.spool]\n" + c.keys), env);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->key(), c.key) << e->what();
  EXPECT_NE(std::string(e->what()).find(c.says), std::string::npos) << e->what();
}

INSTANTIATE_TEST_SUITE_P(
    table, spool_settings_rejects,
    ::testing::Values(
        bad_spool{"max_below_one_mib", "max_bytes = 1048575\n", "server.spool.max_bytes", "between"},
        bad_spool{"max_negative", "max_bytes = -1\n", "server.spool.max_bytes", "between"},
        bad_spool{"segment_too_small", "segment_bytes = 4096\n", "server.spool.segment_bytes", "between"},
        bad_spool{"segment_too_large", "segment_bytes = 2147483648\n", "server.spool.segment_bytes",
                  "between"},
        bad_spool{"quarantine_zero", "quarantine_days = 0\n", "server.spool.quarantine_days", "between"},
        bad_spool{"quarantine_too_long", "quarantine_days = 366\n", "server.spool.quarantine_days",
                  "between"},
        bad_spool{"directory_empty", "directory = \"\"\n", "server.spool.directory", "must not be empty"},
        bad_spool{"directory_not_string", "directory = 5\n", "server.spool.directory", "must be a string"},
        bad_spool{"unknown_key", "dir = \"x\"\n", "server.spool.dir", "unknown key"}),
    [](const ::testing::TestParamInfo<bad_spool>& param) { return param.param.name; });

TEST(inbox_settings, defaults_and_values) {
  const fake_env env;
  const auto d = load_from_string(minimal_document(), test_label, env.lookup());
  EXPECT_EQ(d.server.inbox_partitions, 16U);
  EXPECT_EQ(d.server.inbox_workers, 2U);
  EXPECT_EQ(d.server.inbox_max_attempts, 5U);
  const auto s = load_from_string(with_server("inbox_partitions = 32\ninbox_workers = 4\ninbox_max_attempts = 3\n"),
                                  test_label, env.lookup());
  EXPECT_EQ(s.server.inbox_partitions, 32U);
  EXPECT_EQ(s.server.inbox_workers, 4U);
  EXPECT_EQ(s.server.inbox_max_attempts, 3U);
}

TEST(inbox_settings, out_of_range_values_are_refused_with_their_key) {
  const fake_env env;
  for (const auto& [text, key] : std::vector<std::pair<std::string, std::string>>{
           {"inbox_partitions = 0\n", "server.inbox_partitions"},
           {"inbox_partitions = 5000\n", "server.inbox_partitions"},
           {"inbox_workers = 0\n", "server.inbox_workers"},
           {"inbox_max_attempts = 0\n", "server.inbox_max_attempts"}}) {
    try {
      (void)load_from_string(with_server(text), test_label, env.lookup());
      ADD_FAILURE() << text << " was accepted";
    } catch (const error& e) {
      EXPECT_NE(std::string(e.what()).find(key), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace yorisoi::config::test
