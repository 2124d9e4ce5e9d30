// console_store against PostgreSQL: staff accounts, login and its throttling, session limits, and the
// ways sessions end (logout, logout everywhere, password, role, disable).
#include "storage_routing_support.hpp"

#include "console_pg_support.hpp"

namespace yorisoi::storage::pgtest {
namespace {

constexpr const char* good_password = "correct horse battery";

class console_accounts_pg : public routing_pg {
 protected:
  void SetUp() override {
    routing_pg::SetUp();
    if (IsSkipped()) {
      return;
    }
    session_policy policy;
    policy.delay = {3, std::chrono::seconds{60}, std::chrono::seconds{600}};
    policy.max_failures_per_address = 5;
    console_.emplace(*svc_, policy);
    admin_ = make_user("yamagata", "admin", routing::staff_role::admin);
  }

  void TearDown() override { console_.reset(); }

  [[nodiscard]] options routing_opts() const override { return opts(false); }

  template <typename T, typename Call>
  T call(Call start) {
    return await_store<T>(std::move(start), "console_store");
  }

  // The command line creates users (empty actor id).
  staff_user make_user(const std::string& tenant, const std::string& login, routing::staff_role role,
                       const std::string& unit = {}) {
    return add_staff(*console_, tenant, new_staff{login, login + " さん", role, unit, good_password});
  }

  login_result login(const std::string& login_name, const std::string& password,
                     const std::string& address = "192.0.2.1") {
    return call<login_result>([&](auto done) {
      console_->login(login_request{login_name, password, address}, done);
    });
  }

  op_result<session_info> auth(const std::string& token) {
    return call<op_result<session_info>>([&](auto done) { console_->authenticate(token, done); });
  }

  op_result<session_info> check(const std::string& token) {
    return call<op_result<session_info>>([&](auto done) { console_->check_session(token, done); });
  }

  static actor as_actor(const staff_user& u) { return actor{u.tenant_id, u.user_id, u.role, u.org_unit, ""}; }

  std::optional<console_store> console_;
  staff_user admin_;
};

TEST_F(console_accounts_pg, login_creates_a_session_that_authenticates) {
  const login_result r = login("ADMIN", good_password);  // login names are case-insensitive
  ASSERT_EQ(r.status, login_status::ok);
  EXPECT_EQ(r.token.size(), 43U);  // 32 bytes, base64url without padding
  EXPECT_EQ(r.session.csrf_token.size(), 43U);
  EXPECT_EQ(r.session.user.user_id, admin_.user_id);
  EXPECT_EQ(r.session.who.tenant_id, "yamagata");
  EXPECT_GT(r.session.expires_at, std::chrono::system_clock::now() + std::chrono::hours{11});
  // Only the token's SHA-256 is stored.
  EXPECT_EQ(
      count(url(), "SELECT count(*) FROM staff_session WHERE token_hash = sha256('" + r.token + "'::bytea)"),
      1);

  const auto s = auth(r.token);
  ASSERT_EQ(s.status, op_status::ok);
  EXPECT_EQ(s.value.user.login, "admin");
  EXPECT_EQ(s.value.csrf_token, r.session.csrf_token);
  EXPECT_EQ(s.value.who.role, routing::staff_role::admin);
  EXPECT_EQ(auth("not-a-token").status, op_status::not_found);
  EXPECT_EQ(auth("").status, op_status::not_found);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'login.succeeded'"), 1);
}

TEST_F(console_accounts_pg, wrong_password_unknown_login_and_disabled_account_answer_alike) {
  EXPECT_EQ(login("admin", "wrong password!").status, login_status::bad_credentials);
  EXPECT_EQ(login("nobody", good_password).status, login_status::bad_credentials);
  const staff_user c = make_user("yamagata", "kana", routing::staff_role::counsellor);
  staff_patch disable;
  disable.disabled = true;
  ASSERT_EQ(call<op_result<staff_user>>([&](auto d) {
              console_->update_staff(as_actor(admin_), c.user_id, disable, d);
            }).status,
            op_status::ok);
  EXPECT_EQ(login("kana", good_password).status, login_status::bad_credentials);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM login_failure"), 3);
  // Known logins are audited; the audit never holds a password.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'login.failed'"), 2);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE detail::text LIKE '%horse%'"), 0);
}

TEST_F(console_accounts_pg, failures_delay_the_name_from_that_address_only_and_the_delay_grows) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(login("admin", "wrong password!", "192.0.2.1").status, login_status::bad_credentials);
  }
  // From that address the right password must wait the first delay …
  const login_result first = login("admin", good_password, "192.0.2.1");
  EXPECT_EQ(first.status, login_status::throttled);
  EXPECT_GT(first.retry_after.count(), 50);
  EXPECT_LE(first.retry_after.count(), 60);
  // … while the name is not locked for any other address.
  EXPECT_EQ(login("admin", good_password, "198.51.100.7").status, login_status::ok);
  // That success forgets nothing of the other address's failures.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM login_failure WHERE address = '192.0.2.1'"), 3);

  // Once the delay has passed, one more failure doubles it.
  sql(url(), "UPDATE login_failure SET at = at - interval '61 seconds' WHERE address = '192.0.2.1'");
  EXPECT_EQ(login("admin", "wrong password!", "192.0.2.1").status, login_status::bad_credentials);
  const login_result second = login("admin", good_password, "192.0.2.1");
  EXPECT_EQ(second.status, login_status::throttled);
  EXPECT_GT(second.retry_after.count(), 110);
  EXPECT_LE(second.retry_after.count(), 120);

  // Failures older than the window are forgotten (and deleted by the login path itself).
  sql(url(), "UPDATE login_failure SET at = now() - interval '16 minutes' WHERE address = '192.0.2.1'");
  EXPECT_EQ(login("admin", good_password, "192.0.2.1").status, login_status::ok);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM login_failure WHERE at < now() - interval '15 minutes'"), 0);
}

TEST_F(console_accounts_pg, failures_from_one_address_lock_that_address) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(login("guess" + std::to_string(i), "wrong password!", "203.0.113.9").status,
              login_status::bad_credentials);
  }
  const login_result r = login("admin", good_password, "203.0.113.9");
  EXPECT_EQ(r.status, login_status::throttled);
  EXPECT_GT(r.retry_after.count(), 0);
  EXPECT_EQ(login("admin", good_password, "203.0.113.10").status, login_status::ok);
}

TEST_F(console_accounts_pg, idle_and_absolute_limits_end_a_session) {
  const login_result a = login("admin", good_password);
  const login_result b = login("admin", good_password);
  ASSERT_EQ(a.status, login_status::ok);
  ASSERT_EQ(b.status, login_status::ok);
  const std::string hash_a = "sha256('" + a.token + "'::bytea)";
  const std::string hash_b = "sha256('" + b.token + "'::bytea)";

  // Seen 59 minutes ago: still valid, and the use moves last_seen_at forward.
  sql(url(),
      "UPDATE staff_session SET last_seen_at = now() - interval '59 minutes' WHERE token_hash = " + hash_a);
  EXPECT_EQ(auth(a.token).status, op_status::ok);
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM staff_session WHERE last_seen_at > now() - interval '1 minute' AND "
                  "token_hash = " +
                      hash_a),
            1);
  // Seen 30 seconds ago: not rewritten (at most once a minute).
  sql(url(),
      "UPDATE staff_session SET last_seen_at = now() - interval '30 seconds' WHERE token_hash = " + hash_a);
  EXPECT_EQ(auth(a.token).status, op_status::ok);
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM staff_session WHERE last_seen_at < now() - interval '29 seconds' AND "
                  "token_hash = " +
                      hash_a),
            1);
  // Idle for 61 minutes: gone.
  sql(url(),
      "UPDATE staff_session SET last_seen_at = now() - interval '61 minutes' WHERE token_hash = " + hash_a);
  EXPECT_EQ(auth(a.token).status, op_status::not_found);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM staff_session WHERE token_hash = " + hash_a), 0);
  // Past the absolute limit however active.
  sql(url(),
      "UPDATE staff_session SET created_at = now() - interval '13 hours', expires_at = now() - interval '1 "
      "hour' WHERE token_hash = " +
          hash_b);
  EXPECT_EQ(auth(b.token).status, op_status::not_found);
}

TEST_F(console_accounts_pg, a_session_check_answers_like_authenticate_but_never_moves_last_seen) {
  const login_result a = login("admin", good_password);
  ASSERT_EQ(a.status, login_status::ok);
  const std::string hash_a = "sha256('" + a.token + "'::bytea)";
  sql(url(),
      "UPDATE staff_session SET last_seen_at = now() - interval '59 minutes' WHERE token_hash = " + hash_a);
  const auto checked = check(a.token);
  ASSERT_EQ(checked.status, op_status::ok);
  EXPECT_EQ(checked.value.user.login, "admin");
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM staff_session WHERE last_seen_at < now() - interval '58 minutes' AND "
                  "token_hash = " +
                      hash_a),
            1);
  // Idle past the limit: the check ends it too.
  sql(url(),
      "UPDATE staff_session SET last_seen_at = now() - interval '61 minutes' WHERE token_hash = " + hash_a);
  EXPECT_EQ(check(a.token).status, op_status::not_found);
  EXPECT_EQ(auth(a.token).status, op_status::not_found);
}

TEST_F(console_accounts_pg, logout_and_logout_everywhere_end_sessions) {
  const login_result a = login("admin", good_password);
  const login_result b = login("admin", good_password);
  const login_result c = login("admin", good_password);
  ASSERT_EQ(call<op_result<nothing>>([&](auto d) { console_->logout(a.token, d); }).status, op_status::ok);
  EXPECT_EQ(auth(a.token).status, op_status::not_found);
  EXPECT_EQ(auth(b.token).status, op_status::ok);
  ASSERT_EQ(call<op_result<nothing>>([&](auto d) { console_->logout_everywhere(b.session.who, d); }).status,
            op_status::ok);
  EXPECT_EQ(auth(b.token).status, op_status::not_found);
  EXPECT_EQ(auth(c.token).status, op_status::not_found);
}

TEST_F(console_accounts_pg, password_change_keeps_the_asking_session_only) {
  const login_result a = login("admin", good_password);
  const login_result b = login("admin", good_password);
  const actor who = auth(a.token).value.who;
  auto change = [&](const std::string& current, const std::string& next) {
    return call<op_result<nothing>>([&](auto d) { console_->change_password(who, current, next, d); });
  };
  EXPECT_EQ(change("wrong password!", "a brand new password").status, op_status::invalid);
  EXPECT_EQ(change(good_password, "short").status, op_status::invalid);
  EXPECT_EQ(change(good_password, "十二文字の日本語のパスワード").status, op_status::ok);  // 14 characters
  EXPECT_EQ(auth(a.token).status, op_status::ok);
  EXPECT_EQ(auth(b.token).status, op_status::not_found);
  EXPECT_EQ(login("admin", good_password).status, login_status::bad_credentials);
  EXPECT_EQ(login("admin", "十二文字の日本語のパスワード").status, login_status::ok);
  // Stored as an argon2id PHC string.
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM staff_user WHERE password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'"),
      1);
}

TEST_F(console_accounts_pg, role_change_disable_and_reset_end_the_users_sessions) {
  const staff_user kana = make_user("yamagata", "kana", routing::staff_role::counsellor);
  const actor admin = as_actor(admin_);
  auto update = [&](staff_patch p) {
    return call<op_result<staff_user>>([&](auto d) { console_->update_staff(admin, kana.user_id, p, d); });
  };
  // A new display name alone keeps the session.
  login_result s = login("kana", good_password);
  staff_patch name;
  name.display_name = "かな";
  EXPECT_EQ(update(name).value.display_name, "かな");
  EXPECT_EQ(auth(s.token).status, op_status::ok);

  staff_patch role;
  role.role = routing::staff_role::supervisor;
  EXPECT_EQ(update(role).value.role, routing::staff_role::supervisor);
  EXPECT_EQ(auth(s.token).status, op_status::not_found);

  s = login("kana", good_password);
  staff_patch reset;
  reset.password = "reset by the admin";
  EXPECT_EQ(update(reset).status, op_status::ok);
  EXPECT_EQ(auth(s.token).status, op_status::not_found);

  s = login("kana", "reset by the admin");
  ASSERT_EQ(s.status, login_status::ok);
  staff_patch disable;
  disable.disabled = true;
  EXPECT_TRUE(update(disable).value.disabled);
  EXPECT_EQ(auth(s.token).status, op_status::not_found);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'staff.update'"), 4);
}

TEST_F(console_accounts_pg, staff_rules_and_tenant_limits) {
  const actor admin = as_actor(admin_);
  auto create = [&](new_staff n) {
    return call<op_result<staff_user>>([&](auto d) { console_->create_staff(admin, n, d); });
  };
  EXPECT_EQ(create({"Admin", "dup", routing::staff_role::counsellor, "", good_password}).status,
            op_status::invalid);
  EXPECT_EQ(create({"short", "pw", routing::staff_role::counsellor, "", "elevenchars"}).status,
            op_status::invalid);
  EXPECT_EQ(create({"off", "officer", routing::staff_role::officer, "", good_password}).status,
            op_status::invalid);
  EXPECT_EQ(create({"cou", "c", routing::staff_role::counsellor, "hub", good_password}).status,
            op_status::invalid);
  EXPECT_EQ(create({"with space", "x", routing::staff_role::counsellor, "", good_password}).status,
            op_status::invalid);
  const auto officer = create({"officer1", "職員", routing::staff_role::officer, "hub", good_password});
  ASSERT_EQ(officer.status, op_status::ok);
  EXPECT_EQ(officer.value.org_unit, "hub");

  // Officer -> counsellor drops the unit; counsellor -> officer needs one.
  staff_patch to_counsellor;
  to_counsellor.role = routing::staff_role::counsellor;
  auto u = call<op_result<staff_user>>(
      [&](auto d) { console_->update_staff(admin, officer.value.user_id, to_counsellor, d); });
  EXPECT_EQ(u.value.org_unit, "");
  staff_patch to_officer;
  to_officer.role = routing::staff_role::officer;
  EXPECT_EQ(call<op_result<staff_user>>([&](auto d) {
              console_->update_staff(admin, officer.value.user_id, to_officer, d);
            }).status,
            op_status::invalid);

  // Another tenant's staff: invisible and untouchable.
  const staff_user sendai = make_user("sendai", "sendai-admin", routing::staff_role::admin);
  const auto listed =
      call<op_result<std::vector<staff_user>>>([&](auto d) { console_->list_staff(admin, d); });
  ASSERT_EQ(listed.status, op_status::ok);
  EXPECT_EQ(listed.value.size(), 2U);
  for (const staff_user& s : listed.value) {
    EXPECT_EQ(s.tenant_id, "yamagata");
  }
  staff_patch disable;
  disable.disabled = true;
  EXPECT_EQ(call<op_result<staff_user>>([&](auto d) {
              console_->update_staff(admin, sendai.user_id, disable, d);
            }).status,
            op_status::not_found);
  EXPECT_EQ(call<op_result<staff_user>>([&](auto d) {
              console_->update_staff(admin, "not-a-uuid", disable, d);
            }).status,
            op_status::not_found);
  EXPECT_EQ(
      count(url(), "SELECT count(*) FROM audit_event WHERE action = 'staff.create' AND actor_id IS NULL"), 2);
}

TEST_F(console_accounts_pg, a_stopped_service_answers_unavailable) {
  svc_->stop();
  EXPECT_EQ(login("admin", good_password).status, login_status::unavailable);
  EXPECT_EQ(auth("whatever").status, op_status::unavailable);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
