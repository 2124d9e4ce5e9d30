#include "db/migrator.hpp"

#include "db/migration_list.hpp"
#include "db/runtime_role.hpp"
#include "yorisoi/storage/service.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

namespace yorisoi::storage::detail {
namespace {

// Any fixed number; it only has to differ from the other advisory locks of this schema.
constexpr const char* lock_sql = "SELECT pg_advisory_lock(7212461001)";
constexpr const char* unlock_sql = "SELECT pg_advisory_unlock(7212461001)";

// Created only when missing: a runtime role without CREATE on the schema may still check the version.
constexpr const char* exists_sql = "SELECT to_regclass('schema_migrations') IS NOT NULL";
constexpr const char* create_table_sql = R"sql(
CREATE TABLE schema_migrations (
  version    integer     PRIMARY KEY,
  name       text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
))sql";

constexpr const char* newest_sql = "SELECT coalesce(max(version), 0) FROM schema_migrations";
constexpr const char* applied_sql = "SELECT 1 FROM schema_migrations WHERE version = $1";
constexpr const char* record_sql = "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)";

void apply_pending(pqxx::connection& conn) {
  {
    pqxx::nontransaction tx(conn);
    if (!tx.exec1(exists_sql)[0].as<bool>()) {
      tx.exec0(create_table_sql);
    }
    const int newest = tx.exec1(newest_sql)[0].as<int>();
    if (newest > service::schema_version()) {
      throw storage_error("database schema version " + std::to_string(newest) +
                          " is newer than this binary's schema version " +
                          std::to_string(service::schema_version()) + "; upgrade yorisoi");
    }
  }
  for (const migration& m : all_migrations()) {
    pqxx::work tx(conn, "migrate");
    if (!tx.exec_params(applied_sql, m.version).empty()) {
      continue;
    }
    tx.exec0(std::string(m.sql));
    tx.exec_params0(record_sql, m.version, std::string(m.name));
    tx.commit();
    spdlog::info("storage: applied migration {:03}_{}", m.version, m.name);
  }
  grant_runtime_role(conn);
}

}  // namespace

void run_migrations(const std::string& conninfo) {
  try {
    pqxx::connection conn(conninfo);
    {
      pqxx::nontransaction tx(conn);
      tx.exec1(lock_sql);
    }
    try {
      apply_pending(conn);
    } catch (...) {
      // Closing the connection would release the lock too; unlock explicitly when still possible.
      try {
        pqxx::nontransaction tx(conn);
        tx.exec(unlock_sql);
      } catch (const std::exception&) {
        // The connection is broken: the server has released the lock with the session.
      }
      throw;
    }
    pqxx::nontransaction tx(conn);
    tx.exec1(unlock_sql);
  } catch (const storage_error&) {
    throw;
  } catch (const pqxx::broken_connection&) {
    // The server's message names host and port only; the caller may serve from the spool and retry.
    throw database_unreachable("migration failed: the database cannot be reached");
  } catch (const pqxx::sql_error& e) {
    // The server's text may quote row values (a data migration's constraint violation), and this
    // message is logged: the SQLSTATE only (the "applied migration" lines name the last one that ran).
    throw storage_error("migration failed: SQLSTATE " + e.sqlstate());
  } catch (const std::exception& e) {
    throw storage_error(std::string("migration failed: ") + e.what());
  }
}

}  // namespace yorisoi::storage::detail
