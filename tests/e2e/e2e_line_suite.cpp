#include "e2e_line_suite.hpp"

#include <pqxx/pqxx>

#include <signal.h>

#include <thread>

namespace yorisoi::e2e {
namespace json = boost::json;

namespace {

// Polling interval for database conditions (nothing notifies a test of a commit).
constexpr auto poll_interval = std::chrono::milliseconds(20);

void point_fake_at_server(fake_line_process& fake, const server_process& server) {
  (void)fake.post("/_fake/config",
                  json::object{{"yorisoi", "http://127.0.0.1:" + std::to_string(server.port())}});
}

}  // namespace

std::int64_t jst_ms(int year, int month, int day, int hour, int minute) {
  const auto days = std::chrono::sys_days(std::chrono::year(year) / month / day);
  const auto at = days + std::chrono::hours(hour - 9) + std::chrono::minutes(minute);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}

std::size_t count_text(const json::array& deliveries, const std::string& marker) {
  std::size_t n = 0;
  for (const auto& d : deliveries) {
    const auto* message = d.as_object().if_contains("message");
    if (message == nullptr || !message->is_object()) {
      continue;
    }
    const auto* text = message->as_object().if_contains("text");
    if (text != nullptr && text->is_string() &&
        std::string(text->as_string()).find(marker) != std::string::npos) {
      ++n;
    }
  }
  return n;
}

void e2e_line_suite::start_all(const environment_list& overrides, const std::vector<std::string>& fake_args) {
  setup_error_.clear();
  if (!test::scratch_database::admin_url()) {
    return;
  }
  try {
    environment_ = std::make_unique<e2e_environment>();
    fake_ = std::make_unique<fake_line_process>(environment_->work_dir(), channel_key, channel_secret,
                                                access_token, fake_args);
    overrides_ = overrides;
    overrides_.emplace_back("YORISOI_LINE_API_BASE", fake_->base_url());
    // The events carry 2023 timestamps: the idle closer would close their consultations at once.
    overrides_.emplace_back("YORISOI_IDLE_CLOSE", "off");
    server_ = environment_->start_ready_server(overrides_);
    point_fake_at_server(*fake_, *server_);
  } catch (const std::exception& e) {
    setup_error_ = e.what();
  }
}

void e2e_line_suite::stop_all() {
  if (server_ && server_->running()) {
    server_->signal(SIGTERM);
    (void)server_->wait_exit(std::chrono::seconds(15));
  }
  server_.reset();
  fake_.reset();
  environment_.reset();
}

void e2e_line_suite::SetUp() {
  if (!test::scratch_database::admin_url()) {
    GTEST_SKIP() << "YORISOI_TEST_PG_URL is unset";
  }
  ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  ASSERT_TRUE(server_ && server_->running());
  (void)fake_->post("/_fake/behaviour", json::object{});
}

void e2e_line_suite::restart_server() {
  server_->kill_hard();
  server_ = environment_->start_ready_server(overrides_);
  point_fake_at_server(*fake_, *server_);
}

json::object e2e_line_suite::send_message(const std::string& user_id, std::int64_t timestamp_ms,
                                          const std::string& text) {
  json::object request{
      {"channel", channel_key}, {"event", "message"}, {"text", text}, {"timestamp", timestamp_ms}};
  if (!user_id.empty()) {
    request["userId"] = user_id;
  }
  int http_status = 0;
  auto answer = fake_->post("/_fake/webhook", request, &http_status).as_object();
  if (http_status != 200) {
    throw std::runtime_error("the fake could not deliver the webhook: " + json::serialize(answer) +
                             "\nyorisoi running: " + std::to_string(server_->running()) + "\n" +
                             server_->log());
  }
  const auto& status = answer.at("status");
  if (!status.is_int64() || status.as_int64() != 200) {
    throw std::runtime_error("yorisoi answered the webhook with " + json::serialize(answer.at("status")));
  }
  return answer;
}

std::string e2e_line_suite::query_value(const std::string& sql) {
  pqxx::connection connection(environment_->database_url());
  pqxx::work work(connection);
  const auto rows = work.exec(sql);
  if (rows.empty() || rows[0][0].is_null()) {
    return "";
  }
  return rows[0][0].as<std::string>();
}

void e2e_line_suite::wait_settled(std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  pqxx::connection connection(environment_->database_url());
  for (;;) {
    pqxx::work work(connection);
    const auto row = work.exec1(
        "SELECT (SELECT count(*) FROM inbox_event WHERE processed_at IS NULL)"
        "     + (SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending'))");
    work.commit();
    if (row[0].as<long>() == 0) {
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("events or outbox rows still unsettled after " +
                               std::to_string(within.count()) + " ms:\n" + server_->log());
    }
    std::this_thread::sleep_for(poll_interval);
  }
}

}  // namespace yorisoi::e2e
