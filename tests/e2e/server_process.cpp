#include "server_process.hpp"

#include "child_process.hpp"
#include "http_client.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace yorisoi::e2e {
namespace {

// Polling interval for conditions only visible from outside (a file appearing, a process exiting).
constexpr auto poll_interval = std::chrono::milliseconds(10);

std::optional<int> exit_code_of(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return std::nullopt;
}

}  // namespace

server_process::server_process(std::filesystem::path config_file, std::filesystem::path work_dir,
                               std::vector<std::pair<std::string, std::string>> environment)
    : config_file_(std::move(config_file)),
      work_dir_(std::move(work_dir)),
      environment_(std::move(environment)) {
  // Every server object gets a webhook spool of its own (a spool directory is locked by one process;
  // two servers of one test run side by side), kept across its restarts unless the test names one.
  for (const auto& entry : environment_) {
    if (entry.first == "YORISOI_SPOOL_DIR") {
      return;
    }
  }
  std::string pattern = (work_dir_ / "spool-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + pattern);
  }
  environment_.emplace_back("YORISOI_SPOOL_DIR", pattern);
}

server_process::~server_process() {
  if (pid_ > 0) {
    kill_hard();
  }
}

void server_process::start(std::chrono::milliseconds within) {
  ++generation_;
  const auto port_file = work_dir_ / ("port-" + std::to_string(generation_));
  const auto log_file = work_dir_ / "server.log";
  std::filesystem::remove(port_file);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    env_strings.emplace_back(*e);
  }
  for (const auto& [name, value] : environment_) {
    env_strings.push_back(name + "=" + value);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) {
    envp.push_back(s.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> args{YORISOI_BINARY,        "serve",       "--config",
                                config_file_.string(), "--port-file", port_file.string()};
  pid_ = spawn_logged(std::move(args), envp.data(), log_file);
  try {
    port_ = await_port_file(pid_, port_file, within, "yorisoi", [this] { return log(); });
  } catch (const std::runtime_error&) {
    if (pid_ > 0) {
      kill_hard();
    }
    throw;
  }
}

bool server_process::wait_ready(std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      const auto reply = http_once(port_, "GET", "/readyz");
      if (reply && reply->status == 200) {
        return true;
      }
    } catch (const std::exception&) {
      // not accepting yet
    }
    std::this_thread::sleep_for(poll_interval * 5);
  }
  return false;
}

void server_process::signal(int signal_number) {
  if (pid_ > 0) {
    ::kill(pid_, signal_number);
  }
}

std::optional<int> server_process::wait_exit(std::chrono::milliseconds within) {
  if (pid_ <= 0) {
    return std::nullopt;
  }
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (true) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return exit_code_of(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(poll_interval);
  }
}

void server_process::kill_hard() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string server_process::log() const {
  std::ifstream in(work_dir_ / "server.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace yorisoi::e2e
