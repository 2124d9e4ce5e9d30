#pragma once
// The real `yorisoi serve` binary as a child process, for end-to-end tests.
// Not thread-safe: owned and driven by one test thread (clients may run on others).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace yorisoi::e2e {

class server_process {
 public:
  // `environment`: variables added to the child's environment (name, value).
  server_process(std::filesystem::path config_file, std::filesystem::path work_dir,
                 std::vector<std::pair<std::string, std::string>> environment);
  ~server_process();  // kill -9 if still running
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  // Spawns `yorisoi serve` and waits (bounded) for its port file. Throws std::runtime_error with the
  // server's log when it exits or does not bind in time.
  void start(std::chrono::milliseconds within = std::chrono::seconds(30));
  // Polls GET /readyz until 200 (bounded); false on timeout.
  [[nodiscard]] bool wait_ready(std::chrono::milliseconds within = std::chrono::seconds(30));

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] bool running() const noexcept { return pid_ > 0; }

  void signal(int signal_number);
  // Waits for the child to exit; its exit code, 128+signal when killed, nullopt on timeout.
  [[nodiscard]] std::optional<int> wait_exit(std::chrono::milliseconds within);
  void kill_hard();  // kill -9 and reap

  [[nodiscard]] std::string log() const;

 private:
  std::filesystem::path config_file_;
  std::filesystem::path work_dir_;
  std::vector<std::pair<std::string, std::string>> environment_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  int generation_ = 0;
};

}  // namespace yorisoi::e2e
