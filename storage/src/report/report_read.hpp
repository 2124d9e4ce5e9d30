#pragma once
// Reading the report's figures in one read-only snapshot (so that the tables agree with each other).

#include "yorisoi/routing/report.hpp"

#include <pqxx/connection>

#include <string>

namespace yorisoi::storage::detail {

// The whole report of `tenant_id` for `range` under `settings` (the range is valid: from <= to).
[[nodiscard]] routing::report read_report(pqxx::connection& conn, const std::string& tenant_id,
                                          const routing::report_settings& settings,
                                          const routing::report_range& range);

}  // namespace yorisoi::storage::detail
