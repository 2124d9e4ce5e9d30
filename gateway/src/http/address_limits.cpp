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

click_window::click_window(clock::duration window, std::size_t max_entries)
    : window_(window), max_entries_(std::max<std::size_t>(max_entries, 1)) {}

bool click_window::admit(std::string_view address, std::string_view code, clock::time_point now) {
  std::string key;
  key.reserve(address.size() + 1 + code.size());
  key.append(address).append(1, '\n').append(code);
  std::lock_guard lock(mutex_);
  if (const auto found = counted_at_.find(key); found != counted_at_.end()) {
    if (now - found->second < window_) {
      return false;
    }
    found->second = now;
    return true;
  }
  if (counted_at_.size() >= max_entries_) {
    forget_expired(now);
  }
  if (counted_at_.size() >= max_entries_) {
    // Full of live entries: the oldest is forgotten (that pair may be counted again early).
    const auto oldest = std::min_element(counted_at_.begin(), counted_at_.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
    counted_at_.erase(oldest);
  }
  counted_at_.emplace(std::move(key), now);
  return true;
}

std::size_t click_window::size() const {
  std::lock_guard lock(mutex_);
  return counted_at_.size();
}

void click_window::forget_expired(clock::time_point now) {
  std::erase_if(counted_at_, [&](const auto& entry) { return now - entry.second >= window_; });
}

}  // namespace yorisoi::gateway
