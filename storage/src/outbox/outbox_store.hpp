#pragma once
// The outbox sender's side of the database: claiming due rows and recording outcomes. Runs on a
// general worker's connection; libpqxx stays behind this header's functions.

#include "yorisoi/storage/crypto.hpp"
#include "yorisoi/storage/service.hpp"

#include <pqxx/connection>

#include <chrono>
#include <cstddef>
#include <vector>

namespace yorisoi::storage::detail {

void prepare_outbox_statements(pqxx::connection& conn);

// Claims up to `limit` due rows (see service::claim_outbox) in one transaction and opens their sealed
// fields. A row whose fields cannot be opened (a key removed from the keyring) is marked failed rather
// than handed over or left to be re-claimed forever. Throws on database errors.
[[nodiscard]] std::vector<outbox_item> claim_outbox(pqxx::connection& conn, const keyring& keys,
                                                    std::size_t limit, std::chrono::seconds lease);

// Records a sender's outcome; false when no row was in a state to take it (unknown id, or a late report
// for a row another sender already finished). Throws on database errors.
[[nodiscard]] bool complete_outbox(pqxx::connection& conn, const outbox_report& report);

// The row state a send outcome leaves (pending again for a retry); shared by the LINE outbox and the
// on-call alerts, whose rows follow the same states.
[[nodiscard]] const char* state_of(outbox_outcome outcome);

}  // namespace yorisoi::storage::detail
