#pragma once
// Whether a resident's message pages the tenant's on-call person: an outgoing alert for urgent
// consultations (and, if the tenant asks, for every consultation opened) outside staffed hours. Pure:
// the caller passes the message's decision, the instant and what was alerted before.
//
// - Only off-hours by the rules' judgement (the decision's arrival), never in standby mode, and only
//   for a message that has a consultation (opened or continued).
// - `urgent`: the message marks the consultation urgent (a crisis expression). `any` adds every
//   consultation opened off-hours.
// - At most one alert per consultation per off-hours stretch (the stretch is named by the start of the
//   next staffed window), except that an urgent alert still follows an off-hours one in the same
//   stretch: a crisis is news to whoever was told only that someone wrote.

#include "yorisoi/routing/inbound.hpp"
#include "yorisoi/routing/schedule.hpp"

#include <optional>

namespace yorisoi::routing {

enum class alert_on { urgent, any };

struct alert_policy {
  alert_on on = alert_on::urgent;
};

enum class alert_kind { urgent, off_hours };

// The stretch of an alert: the start of the staffed window that ends it, or no_window_ahead when no
// staffed window follows in the service period (the stretch never ends).
inline constexpr instant no_window_ahead = instant::max();

// What was alerted for the consultation before: the stretch of its latest alert of each kind.
struct alert_history {
  std::optional<instant> urgent_for;
  std::optional<instant> off_hours_for;
};

struct alert_decision {
  alert_kind kind = alert_kind::urgent;
  instant stretch{};  // next staffed window's start, or no_window_ahead
};

// `decision` is decide_message's answer for the message written at `at`.
[[nodiscard]] std::optional<alert_decision> decide_alert(const alert_policy& policy,
                                                         const schedule_rules& schedule, instant at,
                                                         bool standby, const message_decision& decision,
                                                         const alert_history& history);

}  // namespace yorisoi::routing
