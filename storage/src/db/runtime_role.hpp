#pragma once
// The runtime role: what the serving process may do, apart from the owner that runs migrations.
//
// Deployments that separate the two create a NOLOGIN role `yorisoi_runtime` and make the service's
// login role a member of it (deploy/OPERATIONS.md). After applying migrations as the owner, the
// migrator grants that role what the service needs on every table — and nothing that could change
// the record: SELECT and INSERT only on the audit log and the referral history, SELECT only on the
// list of applied migrations. Without such a role (development, tests) this does nothing.

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {

inline constexpr const char* runtime_role_name = "yorisoi_runtime";

// Grants on the current schema's tables and sequences when the role exists and the connected user
// owns the tables (is the migration owner); otherwise a no-op. Idempotent. Throws pqxx errors.
void grant_runtime_role(pqxx::connection& conn);

}  // namespace yorisoi::storage::detail
