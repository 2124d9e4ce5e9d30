#pragma once
// One-dimensional PostgreSQL arrays in the binary wire format, sent as a single bound parameter.
//
// Group commit writes hundreds of rows in one statement (INSERT … SELECT FROM unnest($1, $2, …)),
// so each column travels as one array. The binary format needs no quoting, escaping or hex, and
// the server does not parse text: bytea payloads are sent as they are. Not thread-safe; reusable
// (clear() keeps the buffer's capacity, so a writer thread allocates once).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace yorisoi::storage::detail {

// Element type oids (pg_type.oid), fixed since PostgreSQL 7.
enum class pg_oid : std::uint32_t { boolean = 16, bytea = 17, int8 = 20, int4 = 23, text = 25 };

class binary_array {
 public:
  explicit binary_array(pg_oid element) noexcept : element_(element) { clear(); }

  void clear();
  void add(std::string_view value);  // text or bytea
  void add(std::int64_t value);      // int8
  void add(std::int32_t value);      // int4
  void add(bool value);              // boolean
  void add_null();

  [[nodiscard]] std::size_t size() const noexcept { return count_; }
  // The finished array; valid until the next change.
  [[nodiscard]] const std::string& bytes();

 private:
  void put32(std::uint32_t v);
  void put64(std::uint64_t v);

  pg_oid element_;
  std::string buf_;
  std::uint32_t count_ = 0;
  bool has_null_ = false;
};

// A text array literal ("{a,b}") of ids the database handed out (uuids): they need no quoting. For the
// few statements that take a list of ids as one parameter ($1::uuid[]).
[[nodiscard]] std::string id_array_literal(const std::vector<std::string>& ids);

}  // namespace yorisoi::storage::detail
