#pragma once
// Parked inbox events, for `yorisoi inbox parked` and `yorisoi inbox retry ID`.
//
// An event the database rejected options::inbox_max_attempts times is parked: left unapplied, out of
// the processor's way, counted in /metrics. These functions list them (ids, times and the SQLSTATE —
// never the content) and put one back in its partition's order, with its attempts counted from zero.
//
// Thread-safety: free functions; each call opens its own connection.

#include <cstddef>
#include <string>
#include <vector>

namespace yorisoi::storage {

struct parked_event {
  std::string tenant_id;
  std::string event_id;     // uuid
  std::string received_at;  // ISO-8601 UTC, e.g. 2026-12-07T12:40:00Z
  std::string parked_at;    // ISO-8601 UTC
  std::string sqlstate;     // of the last rejection
  unsigned attempts = 0;
};

// Every parked event, oldest received first. Throws storage_error when the database fails.
[[nodiscard]] std::vector<parked_event> list_parked_events(const std::string& url);

// Puts the parked event `event_id` back to be applied; false when no parked event has that id (it was
// never parked, or was retried already). Throws storage_error when the database fails.
[[nodiscard]] bool retry_parked_event(const std::string& url, const std::string& event_id);

// Whether `text` has the form of an event id (a uuid), so that a typo is told apart from an unknown id.
[[nodiscard]] bool valid_event_id(const std::string& text) noexcept;

}  // namespace yorisoi::storage
