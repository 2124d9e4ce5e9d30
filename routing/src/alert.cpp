#include "yorisoi/routing/alert.hpp"

namespace yorisoi::routing {

std::optional<alert_decision> decide_alert(const alert_policy& policy, const schedule_rules& schedule,
                                           instant at, bool standby, const message_decision& decision,
                                           const alert_history& history) {
  const bool has_consultation = decision.open_consultation || decision.attach_to_open;
  if (standby || !has_consultation) {
    return std::nullopt;
  }
  switch (decision.arrived) {
    case arrival::staffed:
      return std::nullopt;
    case arrival::off_hours:
      break;
  }
  const auto next = next_window(schedule, at);
  const instant stretch = next ? next->start : no_window_ahead;
  if (decision.mark_urgent) {
    if (history.urgent_for == stretch) {
      return std::nullopt;
    }
    return alert_decision{alert_kind::urgent, stretch};
  }
  bool opened_counts = false;
  switch (policy.on) {
    case alert_on::urgent:
      opened_counts = false;
      break;
    case alert_on::any:
      opened_counts = decision.open_consultation;
      break;
  }
  if (!opened_counts || history.off_hours_for == stretch || history.urgent_for == stretch) {
    return std::nullopt;
  }
  return alert_decision{alert_kind::off_hours, stretch};
}

}  // namespace yorisoi::routing
