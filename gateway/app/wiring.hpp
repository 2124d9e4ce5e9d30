#pragma once
// The configuration turned into the options of the storage layer and its stores: the one place where
// config meets storage and routing (the server reads the settings itself). Used by every subcommand.

#include "yorisoi/config/config.hpp"
#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/crypto.hpp"
#include "yorisoi/storage/referral.hpp"
#include "yorisoi/storage/report.hpp"
#include "yorisoi/storage/service.hpp"

#include <chrono>
#include <map>
#include <string>

namespace yorisoi::app {

[[nodiscard]] storage::options storage_options(const config::settings& settings);
[[nodiscard]] storage::session_policy session_policy(const config::settings& settings);
[[nodiscard]] storage::keyring make_keyring(const config::settings& settings);
// Tenants without org units take no referrals: they are left out, and their calls answer not_found.
[[nodiscard]] storage::referral_store_options referral_options(const config::settings& settings);
// Each tenant's retention period (config retention_days), by tenant id.
[[nodiscard]] std::map<std::string, std::chrono::hours> retention_periods(const config::settings& settings);
// The reports of every tenant, and the retention job once an hour.
[[nodiscard]] storage::report_store_options report_options(const config::settings& settings);

}  // namespace yorisoi::app
