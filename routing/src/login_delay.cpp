#include "yorisoi/routing/login_delay.hpp"

#include <algorithm>

namespace yorisoi::routing {

std::chrono::seconds delay_after(const login_delay_rule& rule, unsigned failures) noexcept {
  if (failures < rule.free_failures || rule.first_delay.count() <= 0) {
    return std::chrono::seconds{0};
  }
  // Doubling stops as soon as the cap is reached, so no count of failures overflows.
  std::chrono::seconds delay = rule.first_delay;
  for (unsigned extra = failures - rule.free_failures; extra > 0 && delay < rule.max_delay; --extra) {
    delay *= 2;
  }
  return std::min(delay, rule.max_delay);
}

std::chrono::seconds wait_before_attempt(const login_delay_rule& rule, unsigned failures,
                                         std::chrono::system_clock::time_point latest,
                                         std::chrono::system_clock::time_point now) noexcept {
  const std::chrono::seconds delay = delay_after(rule, failures);
  if (delay.count() == 0) {
    return delay;
  }
  const auto left = latest + delay - now;
  if (left <= std::chrono::system_clock::duration::zero()) {
    return std::chrono::seconds{0};
  }
  // A latest failure stamped after `now` (another clock) never makes the wait longer than the delay.
  return std::min(std::chrono::ceil<std::chrono::seconds>(left), delay);
}

}  // namespace yorisoi::routing
