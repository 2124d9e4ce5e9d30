#pragma once
// Who receives which live event, for the WebSocket hub, its
// replay and GET /api/v1/events alike. Pure; thread-safe.
//
// - message, queue, delivery, assignment: roles that work consultations.
// - referral with no unit: the same roles (the consultation's counsellors refetch its referrals).
// - referral for unit U: officers whose org unit is U, without the consultation id (officers never
//   learn it) — they refetch their inbox.
// - staff (a raise to a role that reads conversations asked, confirmed or cancelled): admins.
// Events of other tenants are filtered by the callers (every source is already per tenant).

#include "yorisoi/storage/console.hpp"

#include <optional>
#include <string>

namespace yorisoi::gateway {

struct event_audience {
  bool consultation_events = false;  // the role may work consultations
  std::string officer_unit;          // an officer's org unit; "" for everyone else
  bool staff_events = false;         // the role manages staff accounts
};

[[nodiscard]] event_audience audience_of(const storage::actor& who);

// The rows `audience` may see, as the storage query selects them (event_for still trims each).
[[nodiscard]] storage::console_event_filter filter_of(const event_audience& audience);

// The event as `audience` may see it, or nullopt when it is not theirs.
[[nodiscard]] std::optional<storage::console_event> event_for(const storage::console_event& event,
                                                              const event_audience& audience);

}  // namespace yorisoi::gateway
