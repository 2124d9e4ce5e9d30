#pragma once

#include <cstdint>
#include <vector>

namespace yorisoi::bench {

// A log-linear histogram of durations in nanoseconds, in the manner of HdrHistogram: every power of two
// is split into 128 linear sub-buckets, so any recorded value is reported within 1/128 (< 0.8%) of its
// true value, from 1 ns to hours, in a fixed ~60 KiB. Not thread-safe: one per thread, merged at the end.
class latency_histogram {
 public:
  latency_histogram();

  void record(std::uint64_t nanoseconds);
  void merge(const latency_histogram& other);

  [[nodiscard]] std::uint64_t count() const { return count_; }
  [[nodiscard]] std::uint64_t max() const { return max_; }
  [[nodiscard]] std::uint64_t min() const { return count_ == 0 ? 0 : min_; }
  [[nodiscard]] double mean() const {
    return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
  }
  // The smallest recorded-bucket upper bound at or below which `quantile` (0..1) of the values lie;
  // clamped to max(). 0 when empty.
  [[nodiscard]] std::uint64_t value_at(double quantile) const;

  // Bucket arithmetic, public for tests.
  [[nodiscard]] static std::size_t bucket_of(std::uint64_t value);
  [[nodiscard]] static std::uint64_t bucket_upper(std::size_t bucket);

 private:
  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t sum_ = 0;
};

}  // namespace yorisoi::bench
