#include "e2e_fixture.hpp"

#include "child_process.hpp"
#include "yorisoi/gateway/line_signature.hpp"

#include <pqxx/pqxx>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace yorisoi::e2e {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The tenants of the example deployment, under test server settings.
std::string test_config(const std::string& database_url, std::size_t max_connections) {
  const std::string example = read_file(YORISOI_EXAMPLE_CONFIG);
  // The first [[tenant]] table header at the start of a line (comments mention it too).
  const auto header = example.find("\n[[tenant]]");
  if (header == std::string::npos) {
    throw std::runtime_error("no [[tenant]] in " + std::string(YORISOI_EXAMPLE_CONFIG));
  }
  std::ostringstream out;
  out << "[server]\n"
      << "listen = \"127.0.0.1:0\"\n"
      << "plain_http_loopback = true\n"             // the tests speak plain HTTP to loopback
      << "accept_stale_events_for_replay = true\n"  // and replay recorded 2023 events
      << "threads = 2\n"
      << "body_limit_bytes = " << body_limit << "\n"
      << "header_limit_bytes = " << header_limit << "\n"
      << "header_timeout_ms = " << header_timeout_ms << "\n"
      << "body_timeout_ms = 3000\n"
      << "idle_timeout_ms = 5000\n"
      << "shutdown_grace_ms = 5000\n"
      << "max_connections = " << max_connections << "\n\n"
      << "[database]\n"
      << "url = \"" << database_url << "\"\n"
      << "pool_size = 2\n"
      << "ingest_workers = 2\n\n"
      << "[crypto]\n"
      << "keys_env = \"E2E_ENCRYPTION_KEYS\"\n"
      << "pepper_env = \"E2E_PSEUDONYM_PEPPER\"\n\n"
      << example.substr(header + 1);
  return out.str();
}

}  // namespace

e2e_environment::e2e_environment(std::size_t max_connections)
    : database_(std::make_unique<test::scratch_database>()) {
  char pattern[] = "/tmp/yorisoi-e2e-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  dir_ = pattern;
  config_ = dir_ / "e2e.toml";
  std::ofstream(config_) << test_config(database_->url(), max_connections);
}

e2e_environment::~e2e_environment() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

environment_list e2e_environment::environment(const environment_list& overrides) const {
  environment_list environment{
      {"YAMAGATA_LINE_CHANNEL_SECRET", channel_secret},
      {"YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN", access_token},
      // base64 of 32 bytes each; test values only.
      {"E2E_ENCRYPTION_KEYS", "1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="},
      {"E2E_PSEUDONYM_PEPPER", "ZTJlLXBlcHBlci1lMmUtcGVwcGVyLWUyZS1wZXBwZXI="},
      // The test decides where the server listens and which database it uses.
      {"YORISOI_LISTEN", ""},
      {"YORISOI_DATABASE_URL", ""},
      {"YORISOI_LINE_API_BASE", "http://127.0.0.1:9"},
      {"YORISOI_ALLOW_PLAIN_LINE_API", "1"},  // the fake LINE platform speaks plain http on loopback
  };
  for (const auto& [name, value] : overrides) {
    const auto same = std::find_if(environment.begin(), environment.end(),
                                   [&name = name](const auto& entry) { return entry.first == name; });
    if (same != environment.end()) {
      same->second = value;
    } else {
      environment.emplace_back(name, value);
    }
  }
  return environment;
}

std::unique_ptr<server_process> e2e_environment::make_server(const environment_list& overrides) const {
  return std::make_unique<server_process>(config_, dir_, environment(overrides));
}

int e2e_environment::run_cli(const std::vector<std::string>& args, const environment_list& extra) const {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    env_strings.emplace_back(*e);
  }
  for (const auto& [name, value] : environment(extra)) {
    env_strings.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& entry : env_strings) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> argv{YORISOI_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.emplace_back("--config");
  argv.push_back(config_.string());
  const pid_t pid = spawn_logged(std::move(argv), envp.data(), dir_ / "cli.log");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      (void)::waitpid(pid, &status, 0);
      return -1;
    }
    // A child's exit cannot be awaited with a timeout portably without a signal handler: poll briefly.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::unique_ptr<server_process> e2e_environment::start_ready_server(const environment_list& overrides) const {
  auto server = make_server(overrides);
  server->start();
  if (!server->wait_ready()) {
    throw std::runtime_error("yorisoi never became ready:\n" + server->log());
  }
  return server;
}

std::string message_event(const std::string& webhook_event_id, bool redelivery) {
  return R"({"type":"message","mode":"active","timestamp":1700000000000,)"
         R"("source":{"type":"user","userId":"U00000000000000000000000000e2e01"},)"
         R"("webhookEventId":")" +
         webhook_event_id + R"(","deliveryContext":{"isRedelivery":)" + (redelivery ? "true" : "false") +
         R"(},"replyToken":"e2e-reply-token",)"
         R"("message":{"id":"1","type":"text","quoteToken":"q","text":"e2e test message"}})";
}

std::string webhook_body(const std::vector<std::string>& events) {
  std::string body = R"({"destination":"U00000000000000000000000000bot01","events":[)";
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) {
      body += ',';
    }
    body += events[i];
  }
  body += "]}";
  return body;
}

header_list signed_headers(const std::string& body) {
  return {{"X-Line-Signature", gateway::sign_line_body(channel_secret, body)}};
}

std::string webhook_path(const std::string& key) {
  return "/webhook/line/" + key;
}

long count_events(const std::string& database_url, const std::string& prefix) {
  pqxx::connection connection(database_url);
  pqxx::work work(connection);
  const auto row =
      work.exec_params1("SELECT count(*) FROM inbox_event WHERE starts_with(webhook_event_id, $1)", prefix);
  return row[0].as<long>();
}

std::vector<std::string> stored_ids(const std::string& database_url, const std::string& prefix) {
  pqxx::connection connection(database_url);
  pqxx::work work(connection);
  std::vector<std::string> out;
  for (const auto& row : work.exec_params(
           "SELECT webhook_event_id FROM inbox_event WHERE starts_with(webhook_event_id, $1)", prefix)) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

void execute_sql(const std::string& database_url, const std::string& sql) {
  pqxx::connection connection(database_url);
  pqxx::work work(connection);
  work.exec0(sql);
  work.commit();
}

void e2e_suite::SetUpTestSuite() {
  setup_error_.clear();
  if (!test::scratch_database::admin_url()) {
    return;
  }
  try {
    environment_ = std::make_unique<e2e_environment>();
    server_ = environment_->start_ready_server();
  } catch (const std::exception& e) {
    setup_error_ = e.what();
  }
}

void e2e_suite::TearDownTestSuite() {
  if (server_ && server_->running()) {
    server_->signal(SIGTERM);
    (void)server_->wait_exit(std::chrono::seconds(15));
  }
  server_.reset();
  environment_.reset();
}

void e2e_suite::SetUp() {
  if (!test::scratch_database::admin_url()) {
    GTEST_SKIP() << "YORISOI_TEST_PG_URL is unset";
  }
  ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  ASSERT_TRUE(server_ && server_->running());
}

}  // namespace yorisoi::e2e
