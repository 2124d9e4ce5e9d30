#pragma once
// End-to-end suites with the LINE platform in the loop: a scratch database, the fake LINE platform
// (tests/fake-line) and the real `yorisoi serve`, each pointed at the other. Residents write through
// the fake's control API with explicit event timestamps; tests wait on the fake's long polls and on
// the database, never on fixed sleeps. Skipped when YORISOI_TEST_PG_URL is unset.

#include "e2e_fixture.hpp"
#include "fake_line_process.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace yorisoi::e2e {

// Milliseconds since the epoch of a Japan local time (UTC+9), as LINE's `timestamp`.
[[nodiscard]] std::int64_t jst_ms(int year, int month, int day, int hour, int minute);

// Texts that identify the automatic answers of the example config.
inline constexpr const char* off_hours_marker = "いまは相談員がお返事できる時間";
inline constexpr const char* age_question_marker = "年代を教えてください";
inline constexpr const char* crisis_marker = "よりそいホットライン 0120-279-338";

// Deliveries (of /_fake/deliveries) whose message text contains `marker`.
[[nodiscard]] std::size_t count_text(const boost::json::array& deliveries, const std::string& marker);

class e2e_line_suite : public ::testing::Test {
 protected:
  // Starts everything; `overrides` go into yorisoi's environment, `fake_args` to the fake's command
  // line. Errors are kept for SetUp().
  static void start_all(const environment_list& overrides, const std::vector<std::string>& fake_args = {});
  static void stop_all();
  void SetUp() override;

  // Restarts yorisoi after a SIGKILL and points the fake's webhooks at the new port.
  static void restart_server();

  // A text message event of resident `user_id` (a new resident when empty) at `timestamp_ms`; the
  // fake's answer ({status, userId, replyToken, …}) once yorisoi answered the webhook.
  static boost::json::object send_message(const std::string& user_id, std::int64_t timestamp_ms,
                                          const std::string& text);
  // Waits until every stored event is applied and no outbox row is pending or being sent.
  static void wait_settled(std::chrono::milliseconds within = std::chrono::seconds(60));
  // One value of the first row of `sql`, as text (empty when NULL or no row).
  static std::string query_value(const std::string& sql);

  static inline std::unique_ptr<e2e_environment> environment_;
  static inline std::unique_ptr<fake_line_process> fake_;
  static inline std::unique_ptr<server_process> server_;
  static inline environment_list overrides_;
  static inline std::string setup_error_;
};

}  // namespace yorisoi::e2e
