#include "yorisoi/gateway/address_limits.hpp"

#include <algorithm>

namespace yorisoi::gateway {

bool address_counter::try_acquire(const std::string& address, std::size_t cap) {
  std::lock_guard lock(mutex_);
  auto& open = open_[address];
  if (open >= cap) {
    if (open == 0) {
      open_.erase(address);
    }
    return false;
  }
  ++open;
  return true;
}

void address_counter::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  const auto found = open_.find(address);
  if (found == open_.end()) {
    return;
  }
  if (--found->second == 0) {
    open_.erase(found);
  }
}

std::size_t address_counter::count(const std::string& address) const {
  std::lock_guard lock(mutex_);
  const auto found = open_.find(address);
  return found == open_.end() ? 0 : found->second;
}

}  // namespace yorisoi::gateway
