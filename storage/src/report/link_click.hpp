#pragma once
// Tracked link clicks: a per-day counter per (tenant, code), incremented by an upsert. Nothing about the
// visitor (address, agent, referrer) is stored or even passed in.

#include <pqxx/connection>

#include <string>

namespace yorisoi::storage::detail {

// Counts one click on the database's current date in the tenant's local time (UTC + offset).
void count_click(pqxx::connection& conn, const std::string& tenant_id, const std::string& code,
                 int utc_offset_minutes);

}  // namespace yorisoi::storage::detail
