#include "fake_line_process.hpp"

#include "child_process.hpp"
#include "http_client.hpp"

#include <boost/json.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

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
  pid_ = spawn_logged(std::move(args), nullptr, log_file_);
  port_ = await_port_file(pid_, port_file, std::chrono::seconds(20), "the fake LINE platform",
                          [this] { return log(); });
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
