#include "jobs/periodic_job.hpp"

#include <utility>

namespace yorisoi::storage::detail {

periodic_job::periodic_job(periodic_job_spec spec) : spec_(std::move(spec)) {}

periodic_job::~periodic_job() {
  stop();
}

void periodic_job::start() {
  thread_.start([this] { run(); });
}

void periodic_job::stop() {
  thread_.stop();
}

void periodic_job::poke() {
  thread_.wake();
}

void periodic_job::run() {
  db_connection conn(spec_.conninfo, spec_.prepare);
  do {
    try {
      spec_.round(conn.get());
    } catch (const std::exception& e) {
      log_job_failure(conn, spec_.area, spec_.what, e);
      conn.reset();
    }
  } while (thread_.wait(spec_.every));
}

}  // namespace yorisoi::storage::detail
