#pragma once
// A consultation search (console_store::search): the criteria in SQL, the words through the keyed
// grams, then each candidate verified by opening its text, newest first, within
// search_verify_budget candidates per request. Audited in the same transaction.

#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <pqxx/connection>

namespace yorisoi::storage::detail {

[[nodiscard]] op_result<search_page> run_search(pqxx::connection& conn, const keyring& keys, const actor& who,
                                                const search_request& request);

}  // namespace yorisoi::storage::detail
