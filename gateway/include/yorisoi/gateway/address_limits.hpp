#pragma once
// Per-client-address limits of the HTTP server, kept in memory only (never stored, never logged):
//  - address_counter: connections open at once per client address (server.max_connections_per_address);
//  - click_window: at most one counted click per client address and tracked link per window, so that a
//    flood of GET /l/{code} from one address neither inflates the tally nor writes to the database.
// The address is the one the login throttle uses (client_address.hpp). Time is a parameter.
//
// Thread-safety: every member may be called from any thread (one mutex each).

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace yorisoi::gateway {

class address_counter {
 public:
  // Counts one more connection of `address` unless it already has `cap`; answers whether it did.
  [[nodiscard]] bool try_acquire(const std::string& address, std::size_t cap);
  // Gives back one connection counted by try_acquire.
  void release(const std::string& address);
  [[nodiscard]] std::size_t count(const std::string& address) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::size_t> open_;
};

class click_window {
 public:
  using clock = std::chrono::steady_clock;
  // `window`: how long one address's click on one code counts once; `max_entries`: how many (address,
  // code) pairs are remembered (beyond, expired ones are forgotten first, then the oldest).
  explicit click_window(clock::duration window = std::chrono::minutes(1), std::size_t max_entries = 100'000);

  // Whether a click of `address` on `code` at `now` is to be counted: true for the first one in the
  // window, false for repeats within it.
  [[nodiscard]] bool admit(std::string_view address, std::string_view code, clock::time_point now);
  [[nodiscard]] std::size_t size() const;

 private:
  void forget_expired(clock::time_point now);

  clock::duration window_;
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, clock::time_point> counted_at_;
};

}  // namespace yorisoi::gateway
