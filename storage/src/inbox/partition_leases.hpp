#pragma once
// Which inbox partitions one worker applies: session advisory locks on the worker's own connection.
//
// The inbox is split by resident into `count` partitions (inbox_partition.hpp). A worker applies only
// the partitions whose lock it holds, so two workers — on one instance or on several — never apply
// one resident's events at once, and a resident's events are applied in order. Every worker also
// holds a shared "present" lock; the number of backends holding it is the number of live workers,
// and each aims at its fair share, ceil(count / workers): it takes free partitions up to that share
// and gives back one above it per round (between transactions, after its last commit), so a new
// instance gets its share within a few rounds. A dead instance's connections end with it, PostgreSQL
// drops their locks, and the others take the partitions over at their next round.
//
// The "present" lock is the key the single processor of earlier versions locked exclusively for each
// batch: while any worker of this version runs, such a processor finds it taken and stands aside.
//
// Not thread-safe: one per worker, used on the worker's thread.

#include <pqxx/connection>

#include <cstdint>
#include <vector>

namespace yorisoi::storage::detail {

class partition_leases {
 public:
  partition_leases(unsigned count, unsigned seed) : count_(count == 0 ? 1 : count), seed_(seed) {}

  static void prepare(pqxx::connection& conn);

  // Takes or gives back partitions towards the fair share; outside any transaction. Throws on
  // database errors (the caller resets the connection and calls forget()).
  void rebalance(pqxx::connection& conn);
  // The connection was lost or replaced: its locks went with it.
  void forget() noexcept;

  [[nodiscard]] const std::vector<std::int32_t>& held() const noexcept { return held_; }
  [[nodiscard]] unsigned count() const noexcept { return count_; }

 private:
  unsigned count_;
  unsigned seed_;
  bool present_ = false;
  std::vector<std::int32_t> held_;
};

}  // namespace yorisoi::storage::detail
