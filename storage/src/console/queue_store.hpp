#pragma once
// The counsellors' queue and the consultation lifecycle's housekeeping, on a storage thread's connection.

#include "yorisoi/storage/service.hpp"

#include <pqxx/connection>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace yorisoi::storage::detail {

void prepare_queue_statements(pqxx::connection& conn);

// The tenant's consultations that are not closed, in queue order (queue_order.hpp). Throws on database
// errors.
[[nodiscard]] std::vector<queue_row> list_queue(pqxx::connection& conn, const std::string& tenant_id);

// Closes the consultations routing::closes_when_idle picks for their tenant's limit (absent or 0: never),
// under a transaction-level advisory lock so that one instance does it at a time; returns how many closed (0
// when another instance holds the lock). Throws on database errors.
std::size_t close_idle(pqxx::connection& conn, const std::map<std::string, std::chrono::minutes>& idle_after);

}  // namespace yorisoi::storage::detail
