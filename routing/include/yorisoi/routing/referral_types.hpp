#pragma once
// Values shared by the consent and referral state machines: who acts, the tenant's org units as the
// rules see them, and the refusal every transition may give. Plain values; safe to copy between threads.

#include "yorisoi/routing/access.hpp"

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace yorisoi::routing {

// Mirrors config::org_unit_kind; routing links nothing but the standard library, so the caller maps it.
enum class unit_kind { hub, department, platform_group };

struct unit_ref {
  std::string id;  // the tenant's stable unit id
  unit_kind kind = unit_kind::department;
};

enum class actor_kind {
  resident,  // the resident, through LINE (a postback)
  staff,     // a signed-in console user
  system,    // yorisoi itself (expiry, automatic steps)
};

struct actor {
  actor_kind kind = actor_kind::system;
  staff_role role = staff_role::counsellor;  // staff only
  std::string unit_id;                       // officers: their org unit; empty otherwise
  unit_kind unit = unit_kind::department;    // officers: the kind of their unit, from the tenant's config

  [[nodiscard]] static actor resident() {
    return actor{actor_kind::resident, staff_role::counsellor, {}, {}};
  }
  [[nodiscard]] static actor system() { return actor{actor_kind::system, staff_role::counsellor, {}, {}}; }
  [[nodiscard]] static actor staff(staff_role role) { return actor{actor_kind::staff, role, {}, {}}; }
  [[nodiscard]] static actor officer(std::string unit_id, unit_kind kind) {
    return actor{actor_kind::staff, staff_role::officer, std::move(unit_id), kind};
  }
};

// Counsellors and supervisors work consultations: they propose, record consent and reply.
[[nodiscard]] inline bool is_counsellor_or_supervisor(const actor& who) noexcept {
  return who.kind == actor_kind::staff &&
         (who.role == staff_role::counsellor || who.role == staff_role::supervisor);
}

[[nodiscard]] inline bool is_officer_of_kind(const actor& who, unit_kind kind) noexcept {
  return who.kind == actor_kind::staff && who.role == staff_role::officer && !who.unit_id.empty() &&
         who.unit == kind;
}

// A refused transition. `code` is stable (clients and tests switch on it); `message` is English for
// people and never contains resident data.
struct rule_error {
  std::string code;
  std::string message;

  friend bool operator==(const rule_error&, const rule_error&) = default;
};

template <class T>
using rule_result = std::variant<T, rule_error>;

}  // namespace yorisoi::routing
