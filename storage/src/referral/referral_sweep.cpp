#include "referral/referral_sweep.hpp"

#include "db/connection.hpp"
#include "referral/referral_state.hpp"

#include "yorisoi/storage/referral.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <utility>

namespace yorisoi::storage::detail {
namespace {

// An arbitrary constant naming this job among the deployment's advisory locks.
constexpr long long sweep_lock_key = 0x79727366;  // "yrsf"

constexpr const char* due_sql = R"sql(
SELECT DISTINCT tenant_id, referral_id::text FROM referral_consent
 WHERE state = 'requested' AND expires_at <= now()
 LIMIT 500
)sql";

}  // namespace

std::size_t sweep_expired(pqxx::connection& conn) {
  pqxx::work tx(conn, "referral_sweep");
  if (!tx.exec_params1("SELECT pg_try_advisory_xact_lock($1)", sweep_lock_key)[0].as<bool>()) {
    return 0;
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::size_t expired = 0;
  for (const pqxx::row& row : tx.exec(due_sql)) {
    if (auto r = load_referral(tx, row[0].as<std::string>(), row[1].as<std::string>())) {
      expired += expire_if_due(tx, *r, now) ? 1 : 0;
    }
  }
  tx.commit();
  return expired;
}

periodic_job_spec referral_sweep_job(std::string conninfo, std::chrono::milliseconds every) {
  return periodic_job_spec{std::move(conninfo),
                           &prepare_referral_state_statements,
                           every,
                           "referral",
                           "consent expiry sweep",
                           [](pqxx::connection& conn) {
                             if (const std::size_t n = sweep_expired(conn); n > 0) {
                               spdlog::info("storage: expired {} consent requests", n);
                             }
                           }};
}

}  // namespace yorisoi::storage::detail

namespace yorisoi::storage {

std::size_t sweep_expired_consents(const std::string& url) {
  try {
    pqxx::connection conn(url);
    detail::prepare_referral_state_statements(conn);
    return detail::sweep_expired(conn);
  } catch (const pqxx::failure& e) {
    throw storage_error(std::string("consent expiry sweep: ") + e.what());
  }
}

}  // namespace yorisoi::storage
