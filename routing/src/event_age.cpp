#include "yorisoi/routing/event_age.hpp"

#include <algorithm>
#include <limits>

namespace yorisoi::routing {

bool is_stale_event(std::int64_t event_ms, std::int64_t now_ms, std::chrono::milliseconds window) noexcept {
  const std::int64_t span = window.count();
  // now_ms - span without overflow: a cutoff below the smallest timestamp means nothing is stale.
  if (span > 0 && now_ms < std::numeric_limits<std::int64_t>::min() + span) {
    return false;
  }
  if (span < 0 && now_ms > std::numeric_limits<std::int64_t>::max() + span) {
    return true;
  }
  return event_ms <= now_ms - span;
}

std::size_t remove_stale_events(std::vector<line_event>& events, std::int64_t now_ms,
                                std::chrono::milliseconds window) {
  const auto kept = std::remove_if(events.begin(), events.end(), [&](const line_event& event) {
    return is_stale_event(event.timestamp_ms, now_ms, window);
  });
  const auto removed = static_cast<std::size_t>(events.end() - kept);
  events.erase(kept, events.end());
  return removed;
}

}  // namespace yorisoi::routing
