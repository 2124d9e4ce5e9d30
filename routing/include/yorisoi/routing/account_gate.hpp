#pragma once
// What a session may do while its account's set-up is unfinished: a password an admin chose is
// replaced first, then (where the tenant requires it) a second factor is enrolled. Until then the
// session may read itself, log out and take the pending step; every other route is refused with the
// pending step as the reason. Pure and constant; the gateway asks it right after the permission check.

#include "yorisoi/routing/access.hpp"

#include <optional>
#include <string_view>

namespace yorisoi::routing {

// What a route is to a session with a pending step.
enum class account_step {
  other,             // everything else: refused while a step is pending
  session,           // read one's own session, log out (here or everywhere)
  password_change,   // choose one's own password
  factor_enrolment,  // start and confirm a second factor
};

// The step an account must take before it may use the console.
enum class account_pending { nothing, password_change, factor_enrolment };

struct account_facts {
  bool must_change_password = false;  // an admin set the password (new account or reset)
  bool factor_required = false;       // the tenant requires a second factor of this role
  bool has_factor = false;            // a confirmed second factor
};

// Whether a tenant's rule requires a second factor of `role`: with `required_for_readers`, those who
// read conversations (counsellors and supervisors: work_consultations).
[[nodiscard]] bool second_factor_required(bool required_for_readers, staff_role role) noexcept;

// The password comes first: enrolling a factor under a password someone else knows protects nothing.
[[nodiscard]] account_pending pending_step(const account_facts& facts) noexcept;

// Whether a session with `pending` may use a route of kind `step`.
[[nodiscard]] bool gate_admits(account_pending pending, account_step step) noexcept;

// The refusal's machine-readable reason: "password_change_required" or
// "second_factor_enrolment_required"; nullopt for nothing.
[[nodiscard]] std::optional<std::string_view> gate_reason(account_pending pending) noexcept;

}  // namespace yorisoi::routing
