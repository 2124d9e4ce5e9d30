#pragma once
// Shared set-up of the end-to-end tests: a scratch database, a test configuration (port 0, small
// limits and timeouts, secrets through the environment) and the real `yorisoi serve` binary.
// Skipped when YORISOI_TEST_PG_URL is unset.

#include "http_client.hpp"
#include "server_process.hpp"
#include "yorisoi/test/scratch_database.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace yorisoi::e2e {

inline constexpr const char* channel_secret = "e2e-channel-secret-0f1e2d3c4b5a6978";
inline constexpr const char* channel_key = "yamagata";  // the example config's channel
inline constexpr const char* access_token = "e2e-access-token";
inline constexpr std::size_t body_limit = 64 * 1024;
inline constexpr std::size_t header_limit = 4096;
inline constexpr int header_timeout_ms = 1000;

using environment_list = std::vector<std::pair<std::string, std::string>>;

// A database, a work folder and a config file; servers are made from it.
class e2e_environment {
 public:
  // Throws when the database cannot be created.
  explicit e2e_environment(std::size_t max_connections = 200);
  ~e2e_environment();

  [[nodiscard]] const std::string& database_url() const { return database_->url(); }
  [[nodiscard]] const std::filesystem::path& work_dir() const { return dir_; }
  // `overrides` replace (or add to) the server's environment, e.g. YORISOI_LINE_API_BASE.
  [[nodiscard]] std::unique_ptr<server_process> make_server(const environment_list& overrides = {}) const;
  // Runs `yorisoi ARGS… --config <the test config>` with the servers' environment plus `extra` and
  // waits (bounded) for its exit code; -1 when it did not finish in time. Output goes to cli.log.
  [[nodiscard]] int run_cli(const std::vector<std::string>& args, const environment_list& extra = {}) const;
  // Starts a server and waits until /readyz answers 200; throws otherwise.
  [[nodiscard]] std::unique_ptr<server_process> start_ready_server(
      const environment_list& overrides = {}) const;

 private:
  [[nodiscard]] environment_list environment(const environment_list& overrides) const;

  std::unique_ptr<test::scratch_database> database_;
  std::filesystem::path dir_;
  std::filesystem::path config_;
};

// A message event with the given webhookEventId.
[[nodiscard]] std::string message_event(const std::string& webhook_event_id, bool redelivery = false);
// {"destination":…,"events":[…]}
[[nodiscard]] std::string webhook_body(const std::vector<std::string>& events);
// X-Line-Signature for `body` with the test channel's secret.
[[nodiscard]] header_list signed_headers(const std::string& body);
[[nodiscard]] std::string webhook_path(const std::string& key = channel_key);

// Rows of inbox_event whose webhook_event_id starts with `prefix`.
[[nodiscard]] long count_events(const std::string& database_url, const std::string& prefix);
// The webhook_event_ids stored that start with `prefix`.
[[nodiscard]] std::vector<std::string> stored_ids(const std::string& database_url, const std::string& prefix);
void execute_sql(const std::string& database_url, const std::string& sql);

// Base of the suites: one environment and one running server per suite.
class e2e_suite : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static e2e_environment& environment() { return *environment_; }
  static server_process& server() { return *server_; }
  static std::uint16_t port() { return server_->port(); }

  static inline std::unique_ptr<e2e_environment> environment_;
  static inline std::unique_ptr<server_process> server_;
  static inline std::string setup_error_;
};

}  // namespace yorisoi::e2e
