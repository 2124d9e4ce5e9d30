#include "db/pg_array.hpp"

#include <gtest/gtest.h>

namespace yorisoi::storage::detail {
namespace {

std::string hex(const std::string& s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0xF]);
  }
  return out;
}

TEST(binary_array, text_with_null) {
  binary_array a{pg_oid::text};
  a.add(std::string_view("ab"));
  a.add_null();
  EXPECT_EQ(a.size(), 2u);
  // ndim 1, has null, oid 25, length 2, lower bound 1; "ab"; NULL
  EXPECT_EQ(hex(a.bytes()),
            "00000001"
            "00000001"
            "00000019"
            "00000002"
            "00000001"
            "00000002"
            "6162"
            "ffffffff");
}

TEST(binary_array, scalars_and_reuse) {
  binary_array a{pg_oid::int8};
  a.add(std::int64_t{-2});
  EXPECT_EQ(hex(a.bytes()),
            "00000001"
            "00000000"
            "00000014"
            "00000001"
            "00000001"
            "00000008"
            "fffffffffffffffe");
  a.clear();
  EXPECT_EQ(a.size(), 0u);
  binary_array b{pg_oid::boolean};
  b.add(true);
  EXPECT_EQ(hex(b.bytes()).substr(40), "0000000101");
  binary_array c{pg_oid::int4};
  c.add(std::int32_t{258});
  EXPECT_EQ(hex(c.bytes()).substr(40), "0000000400000102");
}

}  // namespace
}  // namespace yorisoi::storage::detail
