// Login (with throttling), session lookup, logout, and the user's own password.
#include "console/console_accounts.hpp"
#include "console/console_common.hpp"
#include "console/console_consultations.hpp"
#include "console/console_totp.hpp"
#include "console/password.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>

namespace yorisoi::storage::detail {
namespace {

constexpr const char* prune_failures_sql =
    "DELETE FROM login_failure WHERE at < now() - $1::bigint * interval '1 second'";

// The failures of one login name from one address within the window, the latest of them and the
// database's now (microseconds since the epoch), for the delay rule (routing/login_delay.hpp).
constexpr const char* throttle_name_address_sql = R"sql(
SELECT count(*)::bigint, coalesce((extract(epoch FROM max(at)) * 1000000)::bigint, 0),
       (extract(epoch FROM now()) * 1000000)::bigint
  FROM login_failure
 WHERE lower(login) = lower($1) AND address = $2 AND at > now() - $3::bigint * interval '1 second'
)sql";
// The failure whose leaving the window brings the address's count under the limit ($3 = limit - 1
// newer ones): none means not throttled; else the seconds until it leaves.
constexpr const char* throttle_address_sql = R"sql(
SELECT greatest(1, ceil(extract(epoch FROM at + $2::bigint * interval '1 second' - now())))::bigint
  FROM login_failure
 WHERE address = $1 AND at > now() - $2::bigint * interval '1 second'
 ORDER BY at DESC OFFSET $3 LIMIT 1
)sql";

constexpr const char* record_failure_sql = "INSERT INTO login_failure (login, address) VALUES ($1, $2)";
// Longer names than any account can have (and passwords over max_password_bytes) are refused before
// anything is hashed or looked up; the name is kept to this length when the failure is counted (the
// index on lower(login) takes at most a few kilobytes a row).
constexpr std::size_t max_login_bytes = 256;
// A success forgets the failures of that name from that address only: an outsider's failures for the
// name stay counted against the outsider.
constexpr const char* clear_failures_sql =
    "DELETE FROM login_failure WHERE lower(login) = lower($1) AND address = $2";

constexpr const char* session_insert_sql = R"sql(
INSERT INTO staff_session (token_hash, tenant_id, user_id, csrf_token, expires_at)
VALUES ($1, $2, $3::uuid, $4, now() + $5::bigint * interval '1 second')
RETURNING (extract(epoch FROM expires_at) * 1000000)::bigint
)sql";

constexpr const char* session_touch_sql =
    "UPDATE staff_session SET last_seen_at = now() WHERE token_hash = $1";
constexpr const char* session_delete_sql =
    "DELETE FROM staff_session WHERE token_hash = $1 RETURNING tenant_id, user_id::text";
constexpr const char* sessions_end_sql = R"sql(
DELETE FROM staff_session WHERE tenant_id = $1 AND user_id = $2::uuid AND token_hash <> decode($3, 'hex')
)sql";

// A user's wrong current passwords, as the login's failures (password_check_failure).
constexpr const char* prune_password_failures_sql =
    "DELETE FROM password_check_failure WHERE at < now() - $1::bigint * interval '1 second'";
constexpr const char* throttle_password_sql = R"sql(
SELECT count(*)::bigint, coalesce((extract(epoch FROM max(at)) * 1000000)::bigint, 0),
       (extract(epoch FROM now()) * 1000000)::bigint
  FROM password_check_failure
 WHERE user_id = $1::uuid AND at > now() - $2::bigint * interval '1 second'
)sql";
constexpr const char* record_password_failure_sql =
    "INSERT INTO password_check_failure (user_id) VALUES ($1::uuid)";
constexpr const char* clear_password_failures_sql =
    "DELETE FROM password_check_failure WHERE user_id = $1::uuid";

constexpr const char* password_update_sql = R"sql(
UPDATE staff_user SET password_hash = $3, password_changed_at = now(), must_change_password = false
 WHERE tenant_id = $1 AND user_id = $2::uuid
)sql";

std::string user_by_login_sql() {
  return std::string("SELECT ") + staff_user_columns +
         ", u.password_hash, u.must_change_password FROM staff_user u WHERE lower(u.login) = lower($1) AND "
         "u.activated";
}

std::string user_by_id_sql() {
  return std::string("SELECT ") + staff_user_columns +
         ", u.password_hash FROM staff_user u WHERE u.tenant_id = $1 AND u.user_id = $2::uuid";
}

// A session is valid while under both limits and its user is enabled. last_seen_at moves at most once
// per $3 seconds (a minute, less for short idle limits), so most requests are a read only.
std::string session_lookup_sql() {
  return std::string("SELECT ") + staff_user_columns + R"sql(,
       s.csrf_token, (extract(epoch FROM s.expires_at) * 1000000)::bigint,
       s.last_seen_at < now() - $3::bigint * interval '1 second', u.must_change_password,
       EXISTS (SELECT 1 FROM staff_totp t WHERE t.tenant_id = u.tenant_id AND t.user_id = u.user_id
                                            AND t.confirmed_at IS NOT NULL)
  FROM staff_session s JOIN staff_user u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id
 WHERE s.token_hash = $1 AND s.expires_at > now() AND s.last_seen_at > now() - $2::bigint * interval '1 second'
   AND NOT u.disabled
)sql";
}

// The first `max` bytes of a UTF-8 string, cut at a character boundary.
std::string utf8_prefix(const std::string& s, std::size_t max) {
  if (s.size() <= max) {
    return s;
  }
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) {
    --end;
  }
  return s.substr(0, end);
}

long long seconds_of(std::chrono::seconds s) {
  return static_cast<long long>(s.count());
}

// Longest remaining wait of the login name from this address (the growing delay) and of the address
// (0: not throttled).
std::chrono::seconds throttle_wait(pqxx::connection& conn, const session_policy& policy,
                                   const std::string& login, const std::string& address) {
  const long long window = seconds_of(policy.failure_window);
  pqxx::work tx(conn, "login_throttle");
  tx.exec_prepared0("console_prune_failures", window);
  const pqxx::row pair = tx.exec_prepared1("console_throttle_name_address", login, address, window);
  long long wait =
      routing::wait_before_attempt(policy.delay, pair[0].as<unsigned>(), from_micros(pair[1].as<long long>()),
                                   from_micros(pair[2].as<long long>()))
          .count();
  const pqxx::result by_address =
      tx.exec_prepared("console_throttle_address", address, window,
                       static_cast<long long>(policy.max_failures_per_address - 1));
  if (!by_address.empty()) {
    wait = std::max(wait, by_address[0][0].as<long long>());
  }
  tx.commit();
  return std::chrono::seconds{wait};
}

}  // namespace

void prepare_console_session_statements(pqxx::connection& conn) {
  conn.prepare("console_prune_failures", prune_failures_sql);
  conn.prepare("console_throttle_name_address", throttle_name_address_sql);
  conn.prepare("console_throttle_address", throttle_address_sql);
  conn.prepare("console_record_failure", record_failure_sql);
  conn.prepare("console_clear_failures", clear_failures_sql);
  conn.prepare("console_session_insert", session_insert_sql);
  conn.prepare("console_session_touch", session_touch_sql);
  conn.prepare("console_session_delete", session_delete_sql);
  conn.prepare("console_sessions_end", sessions_end_sql);
  conn.prepare("console_password_update", password_update_sql);
  conn.prepare("console_prune_password_failures", prune_password_failures_sql);
  conn.prepare("console_throttle_password", throttle_password_sql);
  conn.prepare("console_record_password_failure", record_password_failure_sql);
  conn.prepare("console_clear_password_failures", clear_password_failures_sql);
  conn.prepare("console_user_by_login", user_by_login_sql());
  conn.prepare("console_user_by_id", user_by_id_sql());
  conn.prepare("console_session_lookup", session_lookup_sql());
}

login_result login(pqxx::connection& conn, const session_policy& policy, const keyring& keys,
                   const login_request& request) {
  login_result out;
  // Names are counted (and looked up for throttling) by their first max_login_bytes.
  const std::string counted_login = utf8_prefix(request.login, max_login_bytes);
  out.retry_after = throttle_wait(conn, policy, counted_login, request.address);
  if (out.retry_after.count() > 0) {
    out.status = login_status::throttled;
    return out;
  }
  // Every attempt counts as a failure, committed before the costly hash runs, so that a flood is
  // throttled however many attempts are in flight at once; a success removes it again below.
  {
    pqxx::work tx(conn, "login_attempt");
    tx.exec_prepared0("console_record_failure", counted_login, request.address);
    tx.commit();
  }
  if (request.login.size() > max_login_bytes || request.password.size() > max_password_bytes) {
    out.status = login_status::bad_credentials;
    return out;
  }
  std::optional<staff_user> user;
  std::string hash;
  bool must_change_password = false;
  {
    pqxx::nontransaction tx(conn, "login_user");
    const pqxx::result rows = tx.exec_prepared("console_user_by_login", request.login);
    if (!rows.empty()) {
      user = staff_user_from(rows[0]);
      hash = rows[0][8].as<std::string>();
      must_change_password = rows[0][9].as<bool>();
    }
  }
  // Always one argon2 verification (a dummy one for an unknown login): the answer's timing must not
  // tell whether the login exists.
  const bool matches = verify_password(hash, request.password);
  if (!matches || !user || user->disabled) {
    pqxx::work tx(conn, "login_failed");
    if (user) {
      audit(tx, user->tenant_id, user->user_id, "login.failed", "staff_user", user->user_id,
            json_object({{"login", request.login}, {"reason", user->disabled ? "disabled" : "password"}}));
    }
    tx.commit();
    out.status = login_status::bad_credentials;
    return out;
  }
  // The password is right: an account with a second factor needs its code too. Until it comes right
  // the attempt stays counted as a failure.
  const auto unix_now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const factor_check factor = check_second_factor(conn, keys, *user, request.code, unix_now);
  switch (factor) {
    case factor_check::not_enrolled:
    case factor_check::accepted:
      break;
    case factor_check::missing:
      out.status = login_status::second_factor_required;
      return out;
    case factor_check::wrong: {
      pqxx::work tx(conn, "login_failed");
      audit(tx, user->tenant_id, user->user_id, "login.failed", "staff_user", user->user_id,
            json_object({{"login", request.login}, {"reason", "second_factor"}}));
      tx.commit();
      out.status = login_status::bad_credentials;
      return out;
    }
  }
  const std::string token = random_token();
  const std::string digest = token_hash(token);
  session_info session;
  session.user = *user;
  session.who = actor{user->tenant_id, user->user_id, user->role, user->org_unit, hex(digest)};
  session.csrf_token = random_token();
  session.must_change_password = must_change_password;
  session.has_second_factor = factor == factor_check::accepted;
  pqxx::work tx(conn, "login");
  const pqxx::row r = tx.exec_prepared1(
      "console_session_insert", pqxx::binarystring(digest), user->tenant_id, user->user_id,
      session.csrf_token,
      static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(policy.absolute).count()));
  session.expires_at = from_micros(r[0].as<long long>());
  tx.exec_prepared0("console_clear_failures", counted_login, request.address);
  audit(tx, user->tenant_id, user->user_id, "login.succeeded", "staff_user", user->user_id,
        json_object({{"login", user->login}}));
  tx.commit();
  out.status = login_status::ok;
  out.token = token;
  out.session = std::move(session);
  return out;
}

op_result<session_info> authenticate(pqxx::connection& conn, const session_policy& policy, bool touch,
                                     const std::string& token) {
  // A real token is 43 characters; anything much longer is not worth hashing.
  if (token.empty() || token.size() > 128) {
    return refuse<session_info>(op_status::not_found);
  }
  const std::string digest = token_hash(token);
  const long long idle = std::chrono::duration_cast<std::chrono::seconds>(policy.idle).count();
  // How stale last_seen_at may get before a request moves it: a quarter of the idle limit, 1–60 s.
  const long long touch_after = std::clamp(idle / 4, 1LL, 60LL);
  pqxx::work tx(conn, "authenticate");
  const pqxx::result rows =
      tx.exec_prepared("console_session_lookup", pqxx::binarystring(digest), idle, touch_after);
  if (rows.empty()) {
    // Expired or idle sessions are of no further use: forget them as they are met.
    tx.exec_prepared("console_session_delete", pqxx::binarystring(digest));
    tx.commit();
    return refuse<session_info>(op_status::not_found);
  }
  session_info s;
  s.user = staff_user_from(rows[0]);
  s.who = actor{s.user.tenant_id, s.user.user_id, s.user.role, s.user.org_unit, hex(digest)};
  s.csrf_token = rows[0][8].as<std::string>();
  s.expires_at = from_micros(rows[0][9].as<long long>());
  s.must_change_password = rows[0][11].as<bool>();
  s.has_second_factor = rows[0][12].as<bool>();
  if (touch && rows[0][10].as<bool>()) {
    tx.exec_prepared0("console_session_touch", pqxx::binarystring(digest));
  }
  tx.commit();
  return ok(std::move(s));
}

op_result<nothing> logout(pqxx::connection& conn, const std::string& token) {
  if (token.empty() || token.size() > 128) {
    return ok(nothing{});
  }
  pqxx::work tx(conn, "logout");
  const pqxx::result rows = tx.exec_prepared("console_session_delete", pqxx::binarystring(token_hash(token)));
  if (!rows.empty()) {
    const std::string tenant_id = rows[0][0].as<std::string>();
    const std::string user_id = rows[0][1].as<std::string>();
    notify_session_ended(tx, user_id);
    presence_off(tx, tenant_id, user_id);
    audit(tx, tenant_id, user_id, "session.logout", "staff_user", user_id);
  }
  tx.commit();
  return ok(nothing{});
}

op_result<nothing> logout_everywhere(pqxx::connection& conn, const actor& who) {
  if (!is_uuid(who.user_id)) {
    return refuse<nothing>(op_status::not_found);
  }
  pqxx::work tx(conn, "logout_everywhere");
  tx.exec_prepared0("console_sessions_end", who.tenant_id, who.user_id, std::string());
  notify_session_ended(tx, who.user_id);
  audit(tx, who.tenant_id, who.user_id, "session.logout_everywhere", "staff_user", who.user_id);
  tx.commit();
  return ok(nothing{});
}

op_result<nothing> change_password(pqxx::connection& conn, const session_policy& policy, const actor& who,
                                   const std::string& current_password, const std::string& new_password) {
  if (!is_uuid(who.user_id)) {
    return refuse<nothing>(op_status::not_found);
  }
  if (!password_acceptable(new_password)) {
    return refuse<nothing>(op_status::invalid, "password_too_short");
  }
  // Like a login: the wait after this user's recent wrong current passwords, then this check counted
  // as one more, committed before the hash runs (a success removes them below).
  {
    const long long window = seconds_of(policy.failure_window);
    pqxx::work tx(conn, "password_check_throttle");
    tx.exec_prepared0("console_prune_password_failures", window);
    const pqxx::row seen = tx.exec_prepared1("console_throttle_password", who.user_id, window);
    const std::chrono::seconds wait = routing::wait_before_attempt(policy.delay, seen[0].as<unsigned>(),
                                                                   from_micros(seen[1].as<long long>()),
                                                                   from_micros(seen[2].as<long long>()));
    if (wait.count() > 0) {
      op_result<nothing> out = refuse<nothing>(op_status::throttled);
      out.retry_after = wait;
      return out;
    }
    tx.exec_prepared0("console_record_password_failure", who.user_id);
    tx.commit();
  }
  std::string hash;
  {
    pqxx::nontransaction tx(conn, "password_user");
    const pqxx::result rows = tx.exec_prepared("console_user_by_id", who.tenant_id, who.user_id);
    if (rows.empty() || rows[0][6].as<bool>()) {
      return refuse<nothing>(op_status::not_found);
    }
    hash = rows[0][8].as<std::string>();
  }
  if (!verify_password(hash, current_password)) {
    return refuse<nothing>(op_status::invalid, "wrong_password");
  }
  const std::string new_hash = hash_password(new_password);
  pqxx::work tx(conn, "change_password");
  tx.exec_prepared0("console_clear_password_failures", who.user_id);
  tx.exec_prepared0("console_password_update", who.tenant_id, who.user_id, new_hash);
  // The session that asked stays (who.session_id); every other one ends.
  tx.exec_prepared0("console_sessions_end", who.tenant_id, who.user_id, who.session_id);
  notify_session_ended(tx, who.user_id);
  audit(tx, who.tenant_id, who.user_id, "account.password", "staff_user", who.user_id);
  tx.commit();
  return ok(nothing{});
}

}  // namespace yorisoi::storage::detail
