#pragma once
// Applies the embedded migrations to one database.
//
// Holds a session advisory lock for the whole run, so several instances starting together apply
// each migration exactly once; each version is applied and recorded in its own transaction.

#include <string>

namespace yorisoi::storage::detail {

// Blocking. Throws storage_error when the database cannot be reached, a migration fails, or the
// database holds a schema version newer than this binary knows.
void run_migrations(const std::string& conninfo);

}  // namespace yorisoi::storage::detail
