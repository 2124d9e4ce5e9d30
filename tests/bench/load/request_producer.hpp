#pragma once

#include "load/line_payload.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace yorisoi::bench {

// A batch of pre-built, pre-signed requests, stored back to back in one string.
struct request_block {
  struct entry {
    std::uint32_t offset = 0;
    std::uint32_t size = 0;
    std::uint64_t first_event_id = 0;
  };
  std::string bytes;
  std::vector<entry> entries;

  [[nodiscard]] std::string_view request(std::size_t i) const {
    return std::string_view(bytes).substr(entries[i].offset, entries[i].size);
  }
};

// Builds and signs requests on its own thread, ahead of the senders. Before the timed phase it fills
// the queue up to `target_requests` or `budget_bytes`, whichever comes first; sized so that, normally,
// every request of the run is built before it starts. Only if the queue drains below an eighth of that
// does it build again, in the background (the summary shows how many were built during the run, and
// `underruns` if senders ever had to wait). Signing therefore never sits on a sender's path.
//
// Thread-safety: take() and the counters may be called from any thread; start/wait_prefilled/stop from
// the owning thread only.
class request_producer {
 public:
  // total_requests: 0 = unlimited (closed loop), else the run never needs more.
  request_producer(line_request_builder::settings settings, unsigned events_per_request,
                   std::size_t budget_bytes, std::uint64_t target_requests, std::uint64_t total_requests);
  ~request_producer();
  request_producer(const request_producer&) = delete;
  request_producer& operator=(const request_producer&) = delete;

  void start();
  // Blocks until the first fill is complete.
  void wait_prefilled();
  // The next block, or nullptr if none is ready (the caller counts an underrun and retries) or the
  // bounded run is used up (then finished() is true).
  [[nodiscard]] std::unique_ptr<request_block> take();
  [[nodiscard]] bool finished() const;
  void stop();

  [[nodiscard]] std::uint64_t built_requests() const;

  static constexpr std::size_t requests_per_block = 512;

 private:
  void run();
  [[nodiscard]] bool should_build_locked();
  [[nodiscard]] bool done_building_locked() const;

  line_request_builder builder_;
  unsigned events_per_request_;
  std::size_t budget_bytes_;
  std::uint64_t target_requests_;
  std::uint64_t total_requests_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<request_block>> ready_;
  std::size_t ready_bytes_ = 0;
  std::uint64_t ready_requests_ = 0;
  std::uint64_t built_ = 0;
  bool filling_ = true;  // between the low-water mark and full
  bool prefilled_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace yorisoi::bench
