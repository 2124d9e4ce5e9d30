#pragma once
// One group-commit transaction: many requests' events written by a single INSERT … SELECT FROM
// unnest(…) with every column bound as one binary array. Each event gets its lane here: 'crisis' for a
// text message whose folded text matches its tenant's risk expressions (routing::risk_matcher), so
// that the processor applies it ahead of the ordinary backlog.
//
// Not thread-safe: each writer thread owns one ingest_batch and reuses its buffers.

#include "db/pg_array.hpp"
#include "yorisoi/storage/crypto.hpp"
#include "yorisoi/storage/service.hpp"

#include <pqxx/connection>

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace yorisoi::storage::detail {

class ingest_batch {
 public:
  // `rules` (by tenant id) must outlive the batch; a tenant without rules has no crisis lane.
  ingest_batch(const keyring& keys, const std::map<std::string, routing::tenant_rules>& rules)
      : keys_(keys), rules_(rules) {}

  // Prepares the statement on a fresh connection.
  static void prepare(pqxx::connection& conn);

  // Seals and writes every event of `requests` in one autocommit statement, which is durable when it
  // returns (the session runs with synchronous_commit=on). Returns how many events of each request
  // were new; the rest were duplicates (already stored, or repeated within the batch). Throws on any
  // failure, in which case nothing of the batch is guaranteed stored.
  const std::vector<std::size_t>& write(pqxx::connection& conn,
                                        const std::vector<const ingest_request*>& requests);

 private:
  struct event_key {
    std::string_view tenant_id;
    std::string_view webhook_event_id;
    bool operator==(const event_key&) const = default;
  };
  struct event_key_hash {
    std::size_t operator()(const event_key& k) const noexcept {
      return std::hash<std::string_view>{}(k.webhook_event_id) * 31 +
             std::hash<std::string_view>{}(k.tenant_id);
    }
  };

  void clear();
  [[nodiscard]] std::string_view lane_of(const std::string& tenant_id, const routing::line_event& ev) const;

  const keyring& keys_;
  const std::map<std::string, routing::tenant_rules>& rules_;
  binary_array tenant_{pg_oid::text};
  binary_array webhook_event_id_{pg_oid::text};
  binary_array channel_key_{pg_oid::text};
  binary_array event_type_{pg_oid::text};
  binary_array mode_{pg_oid::text};
  binary_array timestamp_ms_{pg_oid::int8};
  binary_array redelivery_{pg_oid::boolean};
  binary_array pseudonym_{pg_oid::bytea};
  binary_array payload_{pg_oid::bytea};
  binary_array received_ms_{pg_oid::int8};
  binary_array key_id_{pg_oid::int4};
  binary_array lane_{pg_oid::text};
  // First request (index) carrying each event of the batch; later copies are duplicates.
  std::unordered_map<event_key, std::size_t, event_key_hash> first_;
  std::vector<std::size_t> inserted_;
  std::string context_;
};

}  // namespace yorisoi::storage::detail
