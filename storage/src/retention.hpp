#pragma once
// The retention purge (see report.hpp): one run on a connection, and the periodic job that runs it on
// its own thread and connection. Several instances may run the job; a session advisory lock lets one
// of them purge at a time (the others skip that round).
//
// Thread-safety: retention_job's start()/stop() from one thread.

#include "yorisoi/storage/report.hpp"

#include <pqxx/connection>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace yorisoi::storage::detail {

using retention_periods = std::map<std::string, std::chrono::hours>;

// One run on `conn` as if the time were `now`.
retention_counts purge_expired(pqxx::connection& conn, const retention_periods& periods,
                               std::chrono::system_clock::time_point now);

class retention_job {
 public:
  retention_job(std::string conninfo, retention_periods periods, std::chrono::milliseconds every);
  ~retention_job();
  retention_job(const retention_job&) = delete;
  retention_job& operator=(const retention_job&) = delete;

  void start();
  void stop();

 private:
  void run();

  std::string conninfo_;
  retention_periods periods_;
  std::chrono::milliseconds every_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace yorisoi::storage::detail
