#include "storage_pg_support.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace yorisoi::storage::pgtest {
namespace {

using migrate_pg = storage_pg;

TEST_F(migrate_pg, from_empty_database) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  EXPECT_GE(service::schema_version(), 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM schema_migrations"), service::schema_version());
  EXPECT_EQ(count(url(), "SELECT max(version) FROM schema_migrations"), service::schema_version());
  for (const char* table : {"inbox_event", "resident", "consultation", "message", "outbox"}) {
    EXPECT_EQ(count(url(), std::string("SELECT count(*) FROM pg_tables WHERE tablename = '") + table + "'"),
              1)
        << table;
  }
  // Tenant first: every primary key of a domain table starts with tenant_id.
  EXPECT_EQ(count(url(), R"sql(
    SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
     WHERE i.indisprimary AND c.relname IN ('inbox_event', 'resident', 'consultation', 'message', 'outbox')
       AND a.attname = 'tenant_id')sql"),
            5);
}

TEST_F(migrate_pg, twice_is_a_no_op) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  const auto before = sql(url(), "SELECT version, applied_at::text FROM schema_migrations ORDER BY version");
  svc.migrate();
  const auto after = sql(url(), "SELECT version, applied_at::text FROM schema_migrations ORDER BY version");
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i][1].as<std::string>(), after[i][1].as<std::string>());
  }
}

TEST_F(migrate_pg, concurrent_instances_apply_each_migration_once) {
  constexpr int instances = 4;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < instances; ++i) {
    threads.emplace_back([&] {
      try {
        service svc(opts(false), make_keys({1}));
        svc.migrate();
        ++ok;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), instances);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM schema_migrations"), service::schema_version());
  EXPECT_EQ(count(url(), "SELECT count(DISTINCT version) FROM schema_migrations"), service::schema_version());
}

TEST_F(migrate_pg, newer_database_is_refused) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  sql(url(), "INSERT INTO schema_migrations (version, name) VALUES (999, 'from_the_future')");
  try {
    svc.migrate();
    FAIL() << "migrate accepted a newer schema";
  } catch (const storage_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("999"), std::string::npos) << what;
    EXPECT_NE(what.find(std::to_string(service::schema_version())), std::string::npos) << what;
  }
}

TEST_F(migrate_pg, ready_only_after_migrate) {
  service svc(opts(false), make_keys({1}));
  svc.start();
  const readiness before = ready_sync(svc);
  EXPECT_TRUE(before.database_reachable);
  EXPECT_FALSE(before.migrations_applied);
  EXPECT_FALSE(before.ready());
  svc.migrate();
  EXPECT_TRUE(ready_sync(svc).ready());
  const pool_stats stats = svc.stats();
  EXPECT_EQ(stats.workers, 2u);
  EXPECT_EQ(stats.queued, 0u);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
