#pragma once
// The reports API's JSON and CSV framing: the range of a request parsed from its
// query string, the `Report` schema serialised, the CSV file's name, and the tracked link a code names.
// Pure; thread-safe; no Beast, no I/O. Figures and their rules: routing/report.hpp.

#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/routing/report.hpp"
#include "yorisoi/storage/report.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace yorisoi::gateway {

// "2026-04-01" for a valid date.
[[nodiscard]] std::string iso_date(routing::civil_date date);
// A strict YYYY-MM-DD of a real date, or nullopt.
[[nodiscard]] std::optional<routing::civil_date> parse_iso_date(std::string_view text);

// from=YYYY-MM-DD&to=YYYY-MM-DD: both required and well formed (else 400 bad_request). Whether the range
// is reversed or too long is the store's rule (422 invalid), judged there.
[[nodiscard]] parsed<storage::report_query> parse_report_range(std::string_view query);

// The `Report` schema: snake_case names of routing::report; the 「不明」 age band as label "", minutes as
// numbers (integers when whole) or null.
[[nodiscard]] std::string report_json(const routing::report& report, const config::tenant& tenant);

// yorisoi-<tenant>-<from>-<to>.csv (tenant ids are [a-z0-9_-], so the name needs no quoting).
[[nodiscard]] std::string report_csv_file_name(std::string_view tenant_id,
                                               const storage::report_query& range);

// A configured tracked link found by its code (codes are unique across the file).
struct link_target {
  const config::tenant* tenant = nullptr;
  const config::tracked_link* link = nullptr;
  std::string add_friend_url;  // of the link's channel
};
[[nodiscard]] std::optional<link_target> find_link(const config::settings& settings, std::string_view code);

// What the report store needs of a tenant: schedule, labels in order, links, units.
[[nodiscard]] routing::report_settings make_report_settings(const config::tenant& tenant);

}  // namespace yorisoi::gateway
