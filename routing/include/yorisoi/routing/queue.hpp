#pragma once
// The counsellors' queue order and the consultation lifecycle's time rules.

#include "yorisoi/routing/schedule.hpp"

#include <chrono>

namespace yorisoi::routing {

struct queue_entry {
  bool urgent = false;
  instant due_at{};          // off-hours arrivals are due at the next window's start
  instant waiting_since{};   // the resident's first unanswered message
};

// Urgent first; then the earliest due; then the longest waiting. A strict weak order.
[[nodiscard]] inline bool comes_before(const queue_entry& a, const queue_entry& b) noexcept {
  if (a.urgent != b.urgent) {
    return a.urgent;
  }
  if (a.due_at != b.due_at) {
    return a.due_at < b.due_at;
  }
  return a.waiting_since < b.waiting_since;
}

// An open consultation with no activity for `idle_after` closes by itself.
[[nodiscard]] inline bool idle_expired(instant last_activity, instant now, std::chrono::minutes idle_after) noexcept {
  return idle_after.count() > 0 && now - last_activity >= idle_after;
}

}  // namespace yorisoi::routing
