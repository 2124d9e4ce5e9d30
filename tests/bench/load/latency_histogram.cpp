#include "load/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace yorisoi::bench {
namespace {

// Values below 2^sub_bits get one bucket each; above, each power of two gets half_count buckets.
constexpr unsigned sub_bits = 8;
constexpr std::uint64_t sub_count = std::uint64_t{1} << sub_bits;  // 256
constexpr std::uint64_t half_count = sub_count / 2;                // 128
constexpr std::size_t bucket_total = (64 - sub_bits + 1) * half_count + half_count;

}  // namespace

latency_histogram::latency_histogram() : buckets_(bucket_total, 0) {}

std::size_t latency_histogram::bucket_of(std::uint64_t value) {
  if (value < sub_count) {
    return static_cast<std::size_t>(value);
  }
  // Keep the top sub_bits bits of the value: the mantissa lies in [half_count, sub_count).
  const unsigned msb = static_cast<unsigned>(std::bit_width(value)) - 1;
  const unsigned shift = msb - (sub_bits - 1);
  return static_cast<std::size_t>(shift * half_count + (value >> shift));
}

std::uint64_t latency_histogram::bucket_upper(std::size_t bucket) {
  if (bucket < sub_count) {
    return bucket;
  }
  const std::uint64_t shift = bucket / half_count - 1;
  const std::uint64_t mantissa = bucket % half_count + half_count;
  return ((mantissa + 1) << shift) - 1;
}

void latency_histogram::record(std::uint64_t nanoseconds) {
  ++buckets_[bucket_of(nanoseconds)];
  ++count_;
  sum_ += nanoseconds;
  max_ = std::max(max_, nanoseconds);
  min_ = std::min(min_, nanoseconds);
}

void latency_histogram::merge(const latency_histogram& other) {
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    buckets_[i] += other.buckets_[i];
  }
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  min_ = std::min(min_, other.min_);
}

std::uint64_t latency_histogram::value_at(double quantile) const {
  if (count_ == 0) {
    return 0;
  }
  quantile = std::clamp(quantile, 0.0, 1.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(quantile * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      return std::min(bucket_upper(i), max_);
    }
  }
  return max_;
}

}  // namespace yorisoi::bench
