#include "yorisoi/gateway/event_audience.hpp"

namespace yorisoi::gateway {

event_audience audience_of(const storage::actor& who) {
  event_audience out;
  out.consultation_events = routing::allows(who.role, routing::permission::work_consultations);
  out.staff_events = routing::allows(who.role, routing::permission::manage_staff);
  if (routing::allows(who.role, routing::permission::officer_inbox)) {
    out.officer_unit = who.org_unit;
  }
  return out;
}

storage::console_event_filter filter_of(const event_audience& audience) {
  return storage::console_event_filter{audience.consultation_events, audience.officer_unit,
                                       audience.staff_events};
}

std::optional<storage::console_event> event_for(const storage::console_event& event,
                                                const event_audience& audience) {
  if (event.kind == "staff") {
    if (!audience.staff_events) {
      return std::nullopt;
    }
    return event;
  }
  if (event.kind != "referral" || event.unit.empty()) {
    if (!audience.consultation_events) {
      return std::nullopt;
    }
    return event;
  }
  // A unit's row: its officers only, and only what identifies the referral.
  if (audience.officer_unit.empty() || audience.officer_unit != event.unit) {
    return std::nullopt;
  }
  storage::console_event out = event;
  out.consultation_id.clear();
  out.message_id.clear();
  out.resident_id.clear();
  return out;
}

}  // namespace yorisoi::gateway
