#include "fake_line_process.hpp"

#include "http_client.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

extern char** environ;

namespace yorisoi::e2e {
namespace json = boost::json;

namespace {

// Polling for the port file only: nothing else tells us the child is listening.
constexpr auto poll_interval = std::chrono::milliseconds(10);

}  // namespace

fake_line_process::fake_line_process(const std::filesystem::path& work_dir, const std::string& channel,
                                     const std::string& secret, const std::string& token,
                                     const std::vector<std::string>& extra_args)
    : log_file_(work_dir / "fake-line.log") {
  const auto port_file = work_dir / "fake-line.port";
  std::filesystem::remove(port_file);
  std::vector<std::string> args{
      YORISOI_NODE_BINARY, YORISOI_FAKE_LINE_SERVER, "--port",    "0",
      "--port-file",       port_file.string(),       "--channel", channel + ":" + secret + ":" + token};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int rc = posix_spawn(&pid_, YORISOI_NODE_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error("cannot spawn node for the fake LINE platform");
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("the fake LINE platform exited during start-up:\n" + log());
    }
    std::ifstream in(port_file);
    unsigned port = 0;
    if (in >> port && port > 0) {
      port_ = static_cast<std::uint16_t>(port);
      return;
    }
    std::this_thread::sleep_for(poll_interval);
  }
  throw std::runtime_error("the fake LINE platform did not write its port file in time:\n" + log());
}

fake_line_process::~fake_line_process() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      return;
    }
    std::this_thread::sleep_for(poll_interval);
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
}

json::value fake_line_process::get(const std::string& target, std::chrono::milliseconds timeout) {
  http_connection connection(port_, timeout);
  const auto reply = connection.request("GET", target);
  if (!reply || reply->status != 200) {
    throw std::runtime_error("fake LINE: GET " + target + " failed" +
                             (reply ? ": " + std::to_string(reply->status) + " " + reply->body : ""));
  }
  return json::parse(reply->body);
}

json::value fake_line_process::post(const std::string& target, const json::value& body, int* status) {
  http_connection connection(port_, std::chrono::seconds(20));
  const auto reply =
      connection.request("POST", target, json::serialize(body), {{"Content-Type", "application/json"}});
  if (!reply) {
    throw std::runtime_error("fake LINE: POST " + target + " got no answer");
  }
  if (status != nullptr) {
    *status = reply->status;
  } else if (reply->status != 200) {
    throw std::runtime_error("fake LINE: POST " + target + " answered " + std::to_string(reply->status) +
                             " " + reply->body);
  }
  return json::parse(reply->body);
}

json::array fake_line_process::wait_for(const std::string& list_target, std::size_t min_count,
                                        std::chrono::milliseconds within) {
  const char separator = list_target.find('?') == std::string::npos ? '?' : '&';
  const std::string target = list_target + separator + "min_count=" + std::to_string(min_count) +
                             "&wait_ms=" + std::to_string(within.count());
  return get(target, within + std::chrono::seconds(5)).as_array();
}

std::string fake_line_process::log() const {
  std::ifstream in(log_file_);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace yorisoi::e2e
