// Migrations run as the owner; the service runs as a member of `yorisoi_runtime` that can do its work
// and cannot change the audit log or the referral history, nor the schema.
#include "storage_pg_support.hpp"

#include <random>

namespace yorisoi::storage::pgtest {
namespace {

// `url` connecting as `user` instead (URI or key=value form).
std::string with_user(const std::string& url, const std::string& user) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) {
    return url + " user=" + user;  // key=value form: a later key wins
  }
  const auto start = scheme + 3;
  const auto end = url.find_first_of("/?", start);
  const auto at = url.find('@', start);
  const auto host_from = (at != std::string::npos && (end == std::string::npos || at < end)) ? at + 1 : start;
  return url.substr(0, start) + user + "@" + url.substr(host_from);
}

std::string suffix() {
  std::random_device rd;
  return std::to_string(rd() % 1000000000U);
}

class runtime_role_pg : public storage_pg {
 protected:
  void SetUp() override {
    storage_pg::SetUp();
    if (IsSkipped()) {
      return;
    }
    admin_ = *test::scratch_database::admin_url();
    owner_ = "yorisoi_owner_" + suffix();
    app_ = "yorisoi_app_" + suffix();
    // The runtime role is cluster-wide and shared by every test of a run; created once.
    (void)sql(admin_, R"sql(
      DO $$ BEGIN CREATE ROLE yorisoi_runtime NOLOGIN;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$)sql");
    (void)sql(admin_, "CREATE ROLE " + owner_ + " LOGIN");
    (void)sql(admin_, "CREATE ROLE " + app_ + " LOGIN IN ROLE yorisoi_runtime");
    (void)sql(admin_, "ALTER DATABASE " + db_->name() + " OWNER TO " + owner_);
  }
  void TearDown() override {
    db_.reset();  // drops the database, which the owner role owns
    for (const auto& role : {app_, owner_}) {
      if (!role.empty()) {
        try {
          (void)sql(admin_, "DROP ROLE IF EXISTS " + role);
        } catch (const std::exception&) {
          // Left for the cluster's end.
        }
      }
    }
  }
  [[nodiscard]] std::string owner_url() const { return with_user(url(), owner_); }
  [[nodiscard]] std::string app_url() const { return with_user(url(), app_); }
  [[nodiscard]] options opts_as(const std::string& as_url) const {
    options o = opts(true);
    o.url = as_url;
    return o;
  }

  std::string admin_;
  std::string owner_;
  std::string app_;
};

// SQLSTATE 42501 from the privilege or ownership check (the runtime role never reaches the triggers).
void expect_no_privilege(const std::string& url, const std::string& statement) {
  try {
    (void)sql(url, statement);
    ADD_FAILURE() << "allowed: " << statement;
  } catch (const pqxx::insufficient_privilege& e) {
    const std::string what = e.what();
    EXPECT_TRUE(what.find("permission denied") != std::string::npos || what.find("must be owner") != std::string::npos)
        << statement << ": " << what;
  }
}

TEST_F(runtime_role_pg, the_service_works_as_the_runtime_role_and_cannot_change_the_record) {
  {
    service owner(opts_as(owner_url()), make_keys({1}));
    owner.migrate();
  }
  EXPECT_EQ(count(url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'audit_event' AND tableowner = '" +
                             owner_ + "'"),
            1);

  service svc(opts_as(app_url()), make_keys({1}));
  svc.migrate();  // nothing pending: a no-op the runtime role may run
  svc.start();
  const auto result = ingest_sync(svc, request_of({make_text("ev-role-1", "U-role-1", "m-role-1", "hello")}));
  EXPECT_EQ(result.outcome, ingest_outcome::stored);
  ASSERT_TRUE(eventually([&] { return count(app_url(), "SELECT count(*) FROM message") == 1; }));
  svc.stop();

  constexpr const char* audit_insert =
      "INSERT INTO audit_event (tenant_id, action, object_type, object_id, detail) "
      "VALUES ('yamagata', 'consultation.read', 'consultation', 'c-1', '{}') RETURNING audit_id";
  const auto id = std::to_string(sql(app_url(), audit_insert)[0][0].as<long long>());
  EXPECT_EQ(count(app_url(), "SELECT count(*) FROM audit_event"), 1);
  expect_no_privilege(app_url(), "UPDATE audit_event SET detail = '{}' WHERE audit_id = " + id);
  expect_no_privilege(app_url(), "DELETE FROM audit_event WHERE audit_id = " + id);
  expect_no_privilege(app_url(), "TRUNCATE audit_event");
  expect_no_privilege(app_url(), "DELETE FROM referral_event");
  expect_no_privilege(app_url(), "UPDATE referral_event SET detail = detail");
  expect_no_privilege(app_url(), "DELETE FROM schema_migrations");
  expect_no_privilege(app_url(), "CREATE TABLE intruder (x int)");
  expect_no_privilege(app_url(), "DROP TABLE message");
  expect_no_privilege(app_url(), "ALTER TABLE audit_event DISABLE TRIGGER USER");
}

TEST_F(runtime_role_pg, the_runtime_role_cannot_apply_migrations) {
  service app(opts_as(app_url()), make_keys({1}));
  EXPECT_THROW(app.migrate(), storage_error);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM pg_tables WHERE tablename = 'message'"), 0);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
