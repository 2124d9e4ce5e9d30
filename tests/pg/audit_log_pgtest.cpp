// The audit log is append-only: what the application recorded cannot be changed or removed through
// its connection (migration 005), while recording and reading go on as before.
#include "storage_pg_support.hpp"

namespace yorisoi::storage::pgtest {
namespace {

using audit_log_pg = storage_pg;

constexpr const char* insert_row =
    "INSERT INTO audit_event (tenant_id, action, object_type, object_id, detail) "
    "VALUES ('yamagata', 'consultation.read', 'consultation', 'c-1', '{\"n\": 1}') RETURNING audit_id";

// The statement fails with the trigger's refusal (SQLSTATE 42501, insufficient_privilege).
void expect_refused(const std::string& url, const std::string& statement) {
  try {
    (void)sql(url, statement);
    ADD_FAILURE() << "not refused: " << statement;
  } catch (const pqxx::insufficient_privilege& e) {
    EXPECT_NE(std::string(e.what()).find("append-only"), std::string::npos) << statement << ": " << e.what();
  }
}

TEST_F(audit_log_pg, update_delete_and_truncate_are_refused_and_the_row_stays) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  const auto id = std::to_string(sql(url(), insert_row)[0][0].as<long long>());

  expect_refused(url(), "UPDATE audit_event SET detail = '{}' WHERE audit_id = " + id);
  expect_refused(url(), "UPDATE audit_event SET actor_id = gen_random_uuid()");
  expect_refused(url(), "DELETE FROM audit_event WHERE audit_id = " + id);
  expect_refused(url(), "DELETE FROM audit_event");
  expect_refused(url(), "TRUNCATE audit_event");

  const auto rows = sql(url(), "SELECT action, detail::text FROM audit_event WHERE audit_id = " + id);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0][0].as<std::string>(), "consultation.read");
  EXPECT_EQ(rows[0][1].as<std::string>(), R"({"n": 1})");
  // Recording goes on.
  (void)sql(url(), insert_row);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event"), 2);
}

TEST_F(audit_log_pg, no_role_but_the_owner_holds_more_than_select_and_insert) {
  service svc(opts(false), make_keys({1}));
  svc.migrate();
  EXPECT_EQ(count(url(), R"sql(
    SELECT count(*) FROM information_schema.role_table_grants
     WHERE table_name = 'audit_event'
       AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')
       AND grantee <> (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_event'))sql"),
            0);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
