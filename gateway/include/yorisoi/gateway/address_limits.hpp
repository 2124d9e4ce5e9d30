#pragma once
// Per-client-address limits of the HTTP server, kept in memory only (never stored, never logged):
//  - address_counter: connections open at once per client address (server.max_connections_per_address).
// The address is the one the login throttle uses (client_address.hpp).
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

}  // namespace yorisoi::gateway
