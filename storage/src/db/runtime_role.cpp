#include "db/runtime_role.hpp"

#include <spdlog/spdlog.h>

namespace yorisoi::storage::detail {
namespace {

// Only the tables' owner (or a member of it) may grant; a runtime connection that finds nothing to
// migrate must not try.
constexpr const char* applies_sql = R"sql(
SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
   AND pg_has_role(current_user, c.relowner, 'MEMBER')
  FROM pg_class c
 WHERE c.oid = to_regclass('schema_migrations'))sql";

// The append-only tables keep their triggers too: privileges refuse first, the triggers refuse the
// owner. TRUNCATE and REFERENCES are never granted.
constexpr const char* grant_sql = R"sql(
GRANT USAGE ON SCHEMA public TO yorisoi_runtime;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO yorisoi_runtime;
REVOKE UPDATE, DELETE ON audit_event, referral_event FROM yorisoi_runtime;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM yorisoi_runtime;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO yorisoi_runtime;
)sql";

}  // namespace

void grant_runtime_role(pqxx::connection& conn) {
  pqxx::work tx(conn, "grant_runtime_role");
  const auto applies = tx.exec_params(applies_sql, runtime_role_name);
  if (applies.empty() || applies[0][0].is_null() || !applies[0][0].as<bool>()) {
    return;
  }
  tx.exec0(grant_sql);
  tx.commit();
  spdlog::info("storage: privileges granted to the runtime role {}", runtime_role_name);
}

}  // namespace yorisoi::storage::detail
