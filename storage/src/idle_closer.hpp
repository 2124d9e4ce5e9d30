#pragma once
// Closes idle consultations: once a minute (`every`), and at once when poked. Several instances may
// run one each; a transaction-level advisory lock lets one of them do a round at a time.
//
// Thread-safety: poke() from any thread; start()/stop() from one.

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace yorisoi::storage::detail {

class idle_closer {
 public:
  // `idle_after` (by tenant id) must outlive the closer.
  idle_closer(const std::map<std::string, std::chrono::minutes>& idle_after, std::string conninfo,
              std::chrono::milliseconds every);
  ~idle_closer();
  idle_closer(const idle_closer&) = delete;
  idle_closer& operator=(const idle_closer&) = delete;

  void start();
  void stop();
  void poke();

 private:
  void run();

  const std::map<std::string, std::chrono::minutes>& idle_after_;
  std::string conninfo_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace yorisoi::storage::detail
