#include "search/search_indexer.hpp"

#include "db/pg_array.hpp"
#include "search/search_grams.hpp"

#include "yorisoi/routing/search_text.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <map>
#include <set>
#include <utility>
#include <vector>

namespace yorisoi::storage::detail {
namespace {

constexpr std::size_t batch_size = 500;
constexpr std::size_t batches_per_round = 20;

// The oldest queued rows with their sealed text (NULL when the row is gone or was unsent).
constexpr const char* take_sql = R"sql(
WITH b AS (
  SELECT backlog_id, tenant_id, kind, row_id FROM search_backlog
   ORDER BY backlog_id LIMIT $1 FOR UPDATE SKIP LOCKED)
SELECT b.backlog_id, b.tenant_id, b.kind, coalesce(m.consultation_id, n.consultation_id)::text,
       CASE WHEN m.withdrawn_at IS NULL THEN coalesce(m.body, n.body) END,
       coalesce(m.body_key_id, n.body_key_id)
  FROM b
  LEFT JOIN message m ON b.kind = 'message' AND m.tenant_id = b.tenant_id AND m.message_id = b.row_id
  LEFT JOIN consultation_note n ON b.kind = 'note' AND n.tenant_id = b.tenant_id AND n.note_id = b.row_id
 ORDER BY b.backlog_id
)sql";

// The tenant's consultations of this batch that are not purged, locked until commit: a purge (FOR
// UPDATE) waits for this round, or this round sees the purge. In one order, against deadlocks.
constexpr const char* live_sql = R"sql(
SELECT consultation_id::text FROM consultation
 WHERE tenant_id = $1 AND consultation_id = ANY($2::uuid[]) AND purged_at IS NULL
 ORDER BY consultation_id
   FOR KEY SHARE
)sql";

constexpr const char* insert_sql = R"sql(
INSERT INTO search_gram (tenant_id, gram, consultation_id)
SELECT $1, g, c::uuid FROM unnest($2::int8[], $3::text[]) AS u(g, c)
ON CONFLICT DO NOTHING
)sql";

constexpr const char* done_sql = "DELETE FROM search_backlog WHERE backlog_id = ANY($1::int8[])";

}  // namespace

index_counts index_backlog(pqxx::connection& conn, const keyring& keys, std::size_t batch) {
  index_counts counts;
  gram_hasher hasher(keys);
  pqxx::work tx(conn, "search_index");
  binary_array taken(pg_oid::int8);
  // (tenant, consultation) -> grams, in order so that locks are taken in one order.
  std::map<std::pair<std::string, std::string>, std::set<std::int64_t>> grams;
  for (const pqxx::row& r : tx.exec_params(take_sql, static_cast<long long>(batch))) {
    taken.add(r[0].as<std::int64_t>());
    ++counts.rows;
    if (r[3].is_null() || r[4].is_null()) {
      continue;
    }
    const auto tenant = r[1].as<std::string>();
    const auto kind = r[2].as<std::string>();
    std::string text;
    try {
      text = keys.open(sealed{r[5].as<std::uint32_t>(), pqxx::binarystring(r[4]).str()},
                       tenant + (kind == "note" ? "/note" : "/message"));
    } catch (const crypto_error&) {
      spdlog::error("search: sealed text of backlog row {} cannot be opened", r[0].as<std::int64_t>());
      ++counts.unreadable;
      continue;
    }
    auto& into = grams[{tenant, r[3].as<std::string>()}];
    for (const auto& bigram : routing::bigrams(routing::fold_with_spans(text).points)) {
      into.insert(hasher.gram(tenant, bigram));
    }
    ++counts.indexed;
  }
  if (counts.rows == 0) {
    return counts;
  }
  // One lock statement and one insert per tenant of the batch.
  for (auto tenant = grams.begin(); tenant != grams.end();) {
    const std::string& tenant_id = tenant->first.first;
    std::vector<std::string> ids;
    auto end = tenant;
    for (; end != grams.end() && end->first.first == tenant_id; ++end) {
      ids.push_back(end->first.second);
    }
    std::set<std::string> live;
    for (const pqxx::row& r : tx.exec_params(live_sql, tenant_id, id_array_literal(ids))) {
      live.insert(r[0].as<std::string>());
    }
    binary_array values(pg_oid::int8);
    binary_array owners(pg_oid::text);
    for (auto it = tenant; it != end; ++it) {
      if (live.count(it->first.second) == 0) {
        continue;
      }
      for (const auto g : it->second) {
        values.add(g);
        owners.add(it->first.second);
      }
    }
    if (values.size() > 0) {
      tx.exec_params0(insert_sql, tenant_id, pqxx::binarystring(values.bytes()), pqxx::binarystring(owners.bytes()));
    }
    tenant = end;
  }
  tx.exec_params0(done_sql, pqxx::binarystring(taken.bytes()));
  tx.commit();
  return counts;
}

index_counts index_all(pqxx::connection& conn, const keyring& keys, std::size_t batch, std::size_t max_batches) {
  index_counts total;
  for (std::size_t i = 0; i < max_batches; ++i) {
    const auto counts = index_backlog(conn, keys, batch);
    total.rows += counts.rows;
    total.indexed += counts.indexed;
    total.unreadable += counts.unreadable;
    if (counts.rows < batch) {
      break;
    }
  }
  return total;
}

periodic_job_spec search_index_job(const keyring& keys, std::string conninfo, std::chrono::milliseconds every) {
  return periodic_job_spec{std::move(conninfo), nullptr, every, "search", "index",
                           [&keys](pqxx::connection& conn) {
                             const auto counts = index_all(conn, keys, batch_size, batches_per_round);
                             if (counts.rows > 0) {
                               spdlog::debug("search: indexed {} texts ({} backlog rows)", counts.indexed,
                                             counts.rows);
                             }
                           }};
}

}  // namespace yorisoi::storage::detail
