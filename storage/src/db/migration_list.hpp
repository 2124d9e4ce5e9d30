#pragma once
// The schema migrations this binary carries, embedded at build time from storage/migrations/*.sql
// (see storage/cmake/embed_migrations.cmake). Versions are dense: 1, 2, 3, …

#include <span>
#include <string_view>

namespace yorisoi::storage::detail {

struct migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Ordered by version; never empty.
[[nodiscard]] std::span<const migration> all_migrations() noexcept;

}  // namespace yorisoi::storage::detail
