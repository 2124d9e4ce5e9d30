#include "child_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace yorisoi::e2e {

pid_t spawn_logged(std::vector<std::string> args, char* const* envp, const std::filesystem::path& log_file) {
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp != nullptr ? envp : environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot spawn " + args[0]);
  }
  return pid;
}

std::uint16_t await_port_file(pid_t& pid, const std::filesystem::path& port_file,
                              std::chrono::milliseconds within, const std::string& what,
                              const std::function<std::string()>& log) {
  // Polling: nothing else tells us from outside that the child is listening.
  constexpr auto poll_interval = std::chrono::milliseconds(10);
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      throw std::runtime_error(what + " exited during start-up:\n" + log());
    }
    std::ifstream in(port_file);
    unsigned port = 0;
    if (in >> port && port > 0) {
      return static_cast<std::uint16_t>(port);
    }
    std::this_thread::sleep_for(poll_interval);
  }
  throw std::runtime_error(what + " did not write its port file in time:\n" + log());
}

}  // namespace yorisoi::e2e
