#pragma once
// Closes idle consultations: once a minute (`every`), and at once when poked (a periodic_job). Several
// instances may run one each; a transaction-level advisory lock lets one of them do a round at a time.

#include "jobs/periodic_job.hpp"

#include <chrono>
#include <map>
#include <string>

namespace yorisoi::storage::detail {

// The job's description; `idle_after` (by tenant id) must outlive the job.
[[nodiscard]] periodic_job_spec idle_close_job(const std::map<std::string, std::chrono::minutes>& idle_after,
                                               std::string conninfo, std::chrono::milliseconds every);

}  // namespace yorisoi::storage::detail
