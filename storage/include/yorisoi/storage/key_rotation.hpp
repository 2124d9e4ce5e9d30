#pragma once
// Key rotation: re-seals every sealed column under the keyring's current (highest) key, so that an
// old key can then be removed from the configuration.
//
// The job runs beside a serving instance: it takes small batches of rows whose key id is not the
// current one (FOR UPDATE SKIP LOCKED, so it never waits for and never blocks a writer for longer than
// one batch), opens each value with its old key, seals it again with the current key and the same
// context, and commits each batch on its own. It can be stopped at any point and started again; a
// second run over a rotated database re-seals nothing. A value that cannot be opened (its key is not in
// the keyring, or it fails authentication) is reported by column and primary key, never by content,
// and left as it is.
//
// Instances still running with a keyring whose highest key is the old one keep writing under it: give
// every instance the new key first, then rotate.
//
// Thread-safety: free functions; each call opens its own connection. Concurrent runs are safe (they
// skip each other's locked rows) but pointless.

#include "yorisoi/storage/crypto.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

namespace yorisoi::storage {

struct rotation_options {
  std::string url;          // libpq connection string or URI
  std::size_t batch = 200;  // rows per transaction, >= 1
  std::chrono::milliseconds statement_timeout{10'000};
  // Rows locked by a writer are skipped and retried in a later pass over the column; after this many
  // passes they are reported as remaining.
  unsigned max_passes = 5;
};

// One row whose value could not be opened. Names the row only, never its content.
struct rotation_failure {
  std::string column;  // "table.column", e.g. "message.body"
  std::string tenant_id;
  std::string row_id;  // the row's uuid (second half of its primary key)
  std::string reason;  // e.g. "unknown key id 7", "sealed value failed authentication"
};

struct rotation_counts {
  std::size_t resealed = 0;
  std::size_t failed = 0;
};

struct column_rotation {
  std::string column;  // "table.column"
  rotation_counts counts;
  std::size_t remaining = 0;  // rows still under another key at the end (failed ones included)
};

struct rotation_report {
  std::uint32_t target_key_id = 0;
  std::vector<column_rotation> columns;  // every sealed column, in a fixed order
  std::vector<rotation_failure> failures;
  // tenant -> column -> counts, for the audit log (tenants with at least one row re-sealed or failed).
  std::map<std::string, std::map<std::string, rotation_counts>> by_tenant;
  bool stopped = false;  // `stop` was requested before the end

  // Nothing is left under an old key: the old keys may be removed.
  [[nodiscard]] bool complete() const noexcept;
};

// Re-seals every sealed column under keys.current_key_id(), then writes one audit_event (action
// keys.rotate, object keyring/<target id>, detail: counts per column) for each tenant touched.
// Throws storage_error when the database fails (the batches committed so far stay done).
[[nodiscard]] rotation_report rotate_keys(const rotation_options& opts, const keyring& keys,
                                          std::stop_token stop = {});

struct key_usage {
  std::string column;  // "table.column"
  std::uint32_t key_id = 0;
  std::size_t rows = 0;
};

// How many rows of each sealed column each key id seals (NULL values are not counted). Throws
// storage_error when the database fails.
[[nodiscard]] std::vector<key_usage> key_status(const rotation_options& opts);

}  // namespace yorisoi::storage
