#pragma once
// How long a sign-in attempt (or a check of one's current password) must wait after failures. Pure:
// the caller counts the failures of one key (a login name from one client address, or one user's
// password checks) within the window, says when the latest was and what time it is now.
//
// - The first `free_failures` failures cost nothing.
// - From then on each further attempt waits, counted from the latest failure: first_delay after
//   free_failures failures, twice that after one more, and so on, never longer than max_delay.
// - Failures older than the window are not counted (the caller leaves them out), so a key that rests
//   for a window starts afresh.

#include <chrono>

namespace yorisoi::routing {

struct login_delay_rule {
  unsigned free_failures = 5;
  std::chrono::seconds first_delay{1};
  std::chrono::seconds max_delay{15 * 60};
};

// The delay owed after `failures` failures (0 while under free_failures).
[[nodiscard]] std::chrono::seconds delay_after(const login_delay_rule& rule, unsigned failures) noexcept;

// What is left of that delay at `now` when the latest of the `failures` was at `latest`, rounded up to
// whole seconds (0: the attempt may go ahead).
[[nodiscard]] std::chrono::seconds wait_before_attempt(const login_delay_rule& rule, unsigned failures,
                                                       std::chrono::system_clock::time_point latest,
                                                       std::chrono::system_clock::time_point now) noexcept;

}  // namespace yorisoi::routing
