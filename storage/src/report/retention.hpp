#pragma once
// The retention purge (see report.hpp): one run on a connection, and the periodic job that runs it on
// its own thread and connection. Several instances may run the job; a session advisory lock lets one
// of them purge at a time (the others skip that round).

#include "jobs/periodic_job.hpp"
#include "yorisoi/storage/report.hpp"

#include <pqxx/connection>

#include <chrono>
#include <map>
#include <string>

namespace yorisoi::storage::detail {

using retention_periods = std::map<std::string, std::chrono::hours>;

// One run on `conn` as if the time were `now`.
retention_counts purge_expired(pqxx::connection& conn, const retention_periods& periods,
                               std::chrono::system_clock::time_point now);

// The periodic job (`every`) that runs purge_expired on its own connection.
[[nodiscard]] periodic_job_spec retention_job(std::string conninfo, retention_periods periods,
                                              std::chrono::milliseconds every);

}  // namespace yorisoi::storage::detail
