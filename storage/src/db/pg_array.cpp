#include "db/pg_array.hpp"

namespace yorisoi::storage::detail {
namespace {

// Header: ndim, has-null flag, element oid, then (length, lower bound) per dimension.
constexpr std::size_t header_size = 5 * 4;
constexpr std::size_t flag_offset = 4;
constexpr std::size_t length_offset = 12;

void write32(char* at, std::uint32_t v) noexcept {
  at[0] = static_cast<char>(v >> 24);
  at[1] = static_cast<char>(v >> 16);
  at[2] = static_cast<char>(v >> 8);
  at[3] = static_cast<char>(v);
}

}  // namespace

void binary_array::clear() {
  buf_.assign(header_size, '\0');
  write32(buf_.data(), 1);
  write32(buf_.data() + 8, static_cast<std::uint32_t>(element_));
  write32(buf_.data() + 16, 1);  // lower bound
  count_ = 0;
  has_null_ = false;
}

void binary_array::put32(std::uint32_t v) {
  char b[4];
  write32(b, v);
  buf_.append(b, 4);
}

void binary_array::put64(std::uint64_t v) {
  put32(static_cast<std::uint32_t>(v >> 32));
  put32(static_cast<std::uint32_t>(v));
}

void binary_array::add(std::string_view value) {
  put32(static_cast<std::uint32_t>(value.size()));
  buf_.append(value);
  ++count_;
}

void binary_array::add(std::int64_t value) {
  put32(8);
  put64(static_cast<std::uint64_t>(value));
  ++count_;
}

void binary_array::add(std::int32_t value) {
  put32(4);
  put32(static_cast<std::uint32_t>(value));
  ++count_;
}

void binary_array::add(bool value) {
  put32(1);
  buf_.push_back(value ? '\1' : '\0');
  ++count_;
}

void binary_array::add_null() {
  put32(0xFFFFFFFFu);  // length -1
  has_null_ = true;
  ++count_;
}

const std::string& binary_array::bytes() {
  write32(buf_.data() + flag_offset, has_null_ ? 1 : 0);
  write32(buf_.data() + length_offset, count_);
  return buf_;
}

std::string id_array_literal(const std::vector<std::string>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    out += (i == 0 ? "" : ",") + ids[i];
  }
  return out + "}";
}

}  // namespace yorisoi::storage::detail
