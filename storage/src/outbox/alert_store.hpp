#pragma once
// The alert sender's side of the database: claiming due alert rows and recording outcomes. Runs on a
// general worker's connection; libpqxx stays behind this header's functions.

#include "yorisoi/storage/service.hpp"

#include <pqxx/connection>

#include <chrono>
#include <cstddef>
#include <vector>

namespace yorisoi::storage::detail {

void prepare_alert_statements(pqxx::connection& conn);

// See service::claim_alerts. Throws on database errors.
[[nodiscard]] std::vector<alert_item> claim_alerts(pqxx::connection& conn, std::size_t limit,
                                                   std::chrono::seconds lease);

// See service::complete_alert; false when the report changed nothing. Throws on database errors.
[[nodiscard]] bool complete_alert(pqxx::connection& conn, const alert_report& report);

}  // namespace yorisoi::storage::detail
