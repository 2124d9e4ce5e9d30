#pragma once
// A storage job that runs one round on its own thread and connection every `every` — and at once when
// poked — until stopped. A round that throws is logged by SQLSTATE only (log_job_failure) and its
// connection is dropped; the next round reconnects. The idle closer, the consent expiry sweep and the
// retention purge are such jobs; each decides in its round whether another instance holds the work
// (advisory locks), so several instances may each run one.
//
// Thread-safety: poke() from any thread; start()/stop() from one.

#include "db/connection.hpp"
#include "yorisoi/storage/job_thread.hpp"

#include <pqxx/connection>

#include <chrono>
#include <functional>
#include <string>

namespace yorisoi::storage::detail {

struct periodic_job_spec {
  std::string conninfo;
  db_connection::prepare_fn prepare;  // on every fresh connection; may be empty
  std::chrono::milliseconds every{60'000};
  const char* area = "storage";  // for the failure log line: the job's area and name
  const char* what = "job";
  std::function<void(pqxx::connection&)> round;
};

class periodic_job {
 public:
  explicit periodic_job(periodic_job_spec spec);
  ~periodic_job();
  periodic_job(const periodic_job&) = delete;
  periodic_job& operator=(const periodic_job&) = delete;

  void start();
  void stop();  // waits for a round under way; idempotent
  void poke();  // one round now (or right after the current one)

 private:
  void run();

  periodic_job_spec spec_;
  job_thread thread_;
};

}  // namespace yorisoi::storage::detail
