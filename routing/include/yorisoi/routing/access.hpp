#pragma once
// Who may do what in the console: staff roles and the permissions each carries. Pure and constant;
// the gateway checks a route's permission before it touches any object, the storage layer then limits
// every object to the actor's tenant (and unit), so a foreign object is "not found", never "forbidden".

#include <optional>
#include <string_view>

namespace yorisoi::routing {

enum class staff_role { admin, supervisor, counsellor, officer, analyst };

enum class permission {
  own_account,         // read and change one's own session and password
  work_consultations,  // queue, transcript, claim/release, reply, tags, notes, close/reopen
  transfer,            // reassign a consultation to another counsellor
  manage_staff,        // staff accounts of the tenant
  read_reports,        // tallies and exports (reports issue)
  officer_inbox,       // referrals sent to one's own unit (referral issue)
  emergency_referral,  // send a referral without the resident's consent (APPI art. 27(1)(ii))
  supervise_shift,     // the shift: everyone's presence and load (the supervisor's board)
  set_capacity,        // a counsellor's own capacity (how many open consultations they may hold)
};

[[nodiscard]] bool allows(staff_role role, permission what) noexcept;

// Changes to one's own account through staff management: none that widen or remove one's access. An
// admin raising themselves to a role that reads conversations (or changing their unit, or disabling
// themselves) would turn an account manager into a reader; another admin must do it. The display
// name and the password may be changed.
struct own_account_change {
  bool role = false;      // a different role
  bool org_unit = false;  // a different unit
  bool disable = false;   // disabled = true
};
[[nodiscard]] bool allows_own_account_change(const own_account_change& change) noexcept;

[[nodiscard]] std::optional<staff_role> parse_role(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(staff_role role) noexcept;

}  // namespace yorisoi::routing
