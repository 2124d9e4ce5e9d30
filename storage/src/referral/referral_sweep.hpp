#pragma once
// Expires consent requests past their deadline and cancels their referrals: once a minute, on its
// own connection. Several instances may run one each; a transaction-level advisory lock lets one of
// them sweep at a time (the others skip that round).

#include "jobs/periodic_job.hpp"

#include <pqxx/connection>

#include <chrono>
#include <cstddef>
#include <string>

namespace yorisoi::storage::detail {

// One round on `conn`: returns how many requests expired (0 when another instance holds the lock).
std::size_t sweep_expired(pqxx::connection& conn);

// The periodic job (once a minute, `every`) that runs sweep_expired on its own connection.
[[nodiscard]] periodic_job_spec referral_sweep_job(std::string conninfo, std::chrono::milliseconds every);

}  // namespace yorisoi::storage::detail
