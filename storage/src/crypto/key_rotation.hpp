#pragma once
// The sealed columns of the schema and the re-sealing of one of them (see key_rotation.hpp in include/
// for the job as a whole). Not thread-safe: one column_rotator per connection and column.

#include "yorisoi/storage/key_rotation.hpp"

#include <pqxx/connection>

#include <set>
#include <span>
#include <stop_token>
#include <string>
#include <utility>

namespace yorisoi::storage::detail {

// One sealed column: its table, the uuid half of the primary key (the other half is tenant_id), the
// blob and key id columns, and the context it is sealed with (tenant_id followed by the suffix).
// Every writer that seals must be listed here, or its rows are never rotated: see the writers named
// in key_rotation.cpp.
struct sealed_column {
  const char* name;  // "table.column", as reported
  const char* table;
  const char* id;
  const char* blob;
  const char* key_id;
  const char* context_suffix;
};

[[nodiscard]] std::span<const sealed_column> sealed_columns() noexcept;

class column_rotator {
 public:
  // `report` receives the counts and failures; it must outlive the rotator.
  column_rotator(pqxx::connection& conn, const keyring& keys, const sealed_column& column, std::size_t batch,
                 rotation_report& report);

  // Passes over the column in primary key order until nothing is left but failed rows, or max_passes,
  // or `stop`. Each batch is its own transaction. Returns the rows left under another key.
  std::size_t run(unsigned max_passes, std::stop_token stop);

 private:
  // One pass from the start of the table; returns false when `stop` was requested.
  bool pass(std::stop_token stop);
  // Locks, re-seals and updates the next batch after the cursor; returns the rows it locked.
  std::size_t next_batch();
  [[nodiscard]] std::size_t count_remaining();
  void fail(const std::string& tenant_id, const std::string& row_id, const char* reason);
  [[nodiscard]] column_rotation& totals() { return report_.columns[totals_index_]; }

  pqxx::connection& conn_;
  const keyring& keys_;
  const sealed_column& column_;
  std::size_t batch_;
  rotation_report& report_;
  std::size_t totals_index_;  // into report_.columns
  std::string select_sql_, update_sql_, count_sql_;
  // Keyset cursor: the last (tenant_id, id) of the previous batch of this pass.
  std::string after_tenant_, after_id_;
  // Rows that failed to open, so that a later pass does not report them again.
  std::set<std::pair<std::string, std::string>> failed_;
};

}  // namespace yorisoi::storage::detail
