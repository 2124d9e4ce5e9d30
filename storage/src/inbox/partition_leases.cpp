#include "inbox/partition_leases.hpp"

#include "db/pg_array.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace yorisoi::storage::detail {
namespace {

// The "present" key (one bigint) and the partitions' keys (class, partition). The class is a number
// of our own; other advisory locks of yorisoi use single bigint keys, so the two spaces never meet.
constexpr long long present_key = 7212461002;
constexpr int partition_class = 72124610;

constexpr const char* present_sql = "SELECT pg_try_advisory_lock_shared(7212461002)";

// Backends holding the "present" lock in this database, this one included (advisory locks belong to
// their database, and other databases of the cluster may run other deployments; pg_locks splits a
// bigint key into its high and low 32 bits).
constexpr const char* workers_sql = R"sql(
SELECT count(DISTINCT pid) FROM pg_locks
 WHERE locktype = 'advisory' AND granted AND objsubid = 1
   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
   AND classid = (7212461002::bigint >> 32)::oid AND objid = (7212461002::bigint & 4294967295)::oid
)sql";

// Free partitions, tried in a worker's own rotation (so that workers starting together do not all
// contend for partition 0), until `need` are taken: the filter runs row by row under the LIMIT, so no
// lock beyond those is taken.
constexpr const char* take_sql = R"sql(
SELECT p FROM (SELECT (o + $2::int) % $1::int AS p FROM generate_series(0, $1::int - 1) AS o) AS r
 WHERE p <> ALL($3::int4[]) AND pg_try_advisory_lock(72124610, p)
 LIMIT $4
)sql";

constexpr const char* give_sql = "SELECT pg_advisory_unlock(72124610, $1::int)";

}  // namespace

void partition_leases::prepare(pqxx::connection& conn) {
  conn.prepare("leases_present", present_sql);
  conn.prepare("leases_workers", workers_sql);
  conn.prepare("leases_take", take_sql);
  conn.prepare("leases_give", give_sql);
}

void partition_leases::forget() noexcept {
  present_ = false;
  held_.clear();
}

void partition_leases::rebalance(pqxx::connection& conn) {
  static_assert(present_key == 7212461002 && partition_class == 72124610, "keys are spelled in the SQL");
  pqxx::nontransaction tx(conn, "leases");
  if (!present_) {
    // Refused only for a moment while a processor of an earlier version holds it for a batch.
    present_ = tx.exec_prepared1("leases_present")[0].as<bool>();
    if (!present_) {
      return;
    }
  }
  const auto workers = std::max<long long>(tx.exec_prepared1("leases_workers")[0].as<long long>(), 1);
  const auto share = static_cast<std::size_t>((count_ + workers - 1) / workers);
  if (held_.size() > share) {
    tx.exec_prepared1("leases_give", held_.back());
    held_.pop_back();
    return;
  }
  if (held_.size() == share) {
    return;
  }
  binary_array held{pg_oid::int4};
  for (const std::int32_t p : held_) {
    held.add(p);
  }
  const pqxx::result taken =
      tx.exec_prepared("leases_take", static_cast<int>(count_), static_cast<int>(seed_ % count_),
                       pqxx::binarystring(held.bytes()), static_cast<long long>(share - held_.size()));
  for (const auto& row : taken) {
    held_.push_back(row[0].as<std::int32_t>());
  }
  std::sort(held_.begin(), held_.end());
}

}  // namespace yorisoi::storage::detail
