#pragma once
// Whether a webhook event is too old to store. Redeliveries are recognised by webhookEventId only while
// the stored copy exists, and the retention purge deletes stored events after the tenant's retention
// period (received_at <= now - retention). An event whose own timestamp is that old may be a copy of
// one already stored and purged: storing it again would apply it twice, so it is dropped instead.
// Pure: times are parameters; no I/O, no exceptions.

#include "yorisoi/routing/line_event.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace yorisoi::routing {

// True when `event_ms` (LINE's timestamp, ms since the epoch) lies at or before `now_ms - window`.
// A timestamp in the future or within the window is not stale. A window of zero or less keeps nothing
// back: every event at or before now is stale.
[[nodiscard]] bool is_stale_event(std::int64_t event_ms, std::int64_t now_ms,
                                  std::chrono::milliseconds window) noexcept;

// Removes the stale events from `events`, keeping the others in their order; answers how many went.
std::size_t remove_stale_events(std::vector<line_event>& events, std::int64_t now_ms,
                                std::chrono::milliseconds window);

}  // namespace yorisoi::routing
