#pragma once
// Expires consent requests past their deadline and cancels their referrals: once a minute, on its
// own connection. Several instances may run one each; a transaction-level advisory lock lets one of
// them sweep at a time (the others skip that round).
//
// Thread-safety: start()/stop() from one thread.

#include <pqxx/connection>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace yorisoi::storage::detail {

// One round on `conn`: returns how many requests expired (0 when another instance holds the lock).
std::size_t sweep_expired(pqxx::connection& conn);

class referral_sweeper {
 public:
  referral_sweeper(std::string conninfo, std::chrono::milliseconds every);
  ~referral_sweeper();
  referral_sweeper(const referral_sweeper&) = delete;
  referral_sweeper& operator=(const referral_sweeper&) = delete;

  void start();
  void stop();

 private:
  void run();

  std::string conninfo_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace yorisoi::storage::detail
