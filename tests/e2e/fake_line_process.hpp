#pragma once
// The fake LINE platform (tests/fake-line/server.js) as a child process on loopback, and its control
// API (/_fake/…) for end-to-end tests. Not thread-safe: owned and driven by one test thread.

#include <boost/json/value.hpp>

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace yorisoi::e2e {

class fake_line_process {
 public:
  // Starts `node server.js --port 0 --channel <channel>:<secret>:<token> <extra_args…>` and waits
  // (bounded) for its port. Throws std::runtime_error with its output when it cannot start.
  fake_line_process(const std::filesystem::path& work_dir, const std::string& channel,
                    const std::string& secret, const std::string& token,
                    const std::vector<std::string>& extra_args = {});
  ~fake_line_process();  // SIGTERM, then SIGKILL if it lingers
  fake_line_process(const fake_line_process&) = delete;
  fake_line_process& operator=(const fake_line_process&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // GET / POST a control route; the parsed JSON answer. Throws when the fake does not answer, or
  // answers with a status other than 200 (`status` gets it when given, and then nothing is thrown).
  boost::json::value get(const std::string& target,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));
  boost::json::value post(const std::string& target, const boost::json::value& body, int* status = nullptr);

  // Waits (long poll, no sleeping) for at least `min_count` entries of `list_target` (e.g.
  // "/_fake/deliveries?to=U…"), at most `within`; the entries then present.
  boost::json::array wait_for(const std::string& list_target, std::size_t min_count,
                              std::chrono::milliseconds within);

  [[nodiscard]] std::string log() const;

 private:
  std::filesystem::path log_file_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace yorisoi::e2e
