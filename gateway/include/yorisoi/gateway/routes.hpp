#pragma once
// The gateway's route table: data, enumerable, so that tests (and later the console's authorisation
// matrix) can walk every route. Matching is pure and thread-safe.
//
// A pattern is a path whose segments are literals or `{name}` placeholders, which match exactly one
// non-empty segment; a last segment `{name...}` matches the rest of the path (possibly empty, slashes
// included). Each route carries the permission its handler requires (none for health, metrics, the
// webhook, login and static files), so that the authorisation matrix is generated from this table.

#include "yorisoi/routing/access.hpp"
#include "yorisoi/routing/account_gate.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yorisoi::gateway {

// Which handler serves a route. A new handler adds a value here, and the dispatch switch (without a
// default) warns until it is handled.
enum class handler_id {
  healthz,
  readyz,
  metrics,
  line_webhook,
  root_redirect,
  console_redirect,
  console_file,
  api_login,
  api_session,
  api_logout,
  api_logout_everywhere,
  api_change_password,
  api_tenant,
  // The TOTP second factor: one's own enrolment, confirmation and disabling; an admin's reset.
  api_totp_begin,
  api_totp_confirm,
  api_totp_disable,
  api_staff_totp_reset,
  api_staff_list,
  api_staff_create,
  api_staff_update,
  api_staff_role_confirm,
  api_staff_role_cancel,
  api_assignees,
  api_queue,
  api_queue_counts,
  api_queue_row,
  api_consultation,
  api_claim,
  api_release,
  api_transfer,
  api_reply,
  api_tags,
  api_add_note,
  api_close,
  api_reopen,
  api_events,
  api_stream,
  // Referrals: the counsellors' side, then the officers'.
  api_referrals_list,
  api_referral_propose,
  api_referral_consent,
  api_referral_withdraw,
  api_referral_emergency,
  api_referral_close,
  api_officer_inbox,
  api_officer_referral,
  api_officer_forward,
  api_officer_answer,
  api_officer_return,
  // Reports: the tallies as JSON and CSV, and the public tracked links.
  api_report_summary,
  api_report_csv,
  link_redirect,
};

struct route {
  std::string_view method;   // "GET", "POST", …
  std::string_view pattern;  // "/webhook/line/{channel_key}"
  std::string_view name;     // stable, used as a metrics label
  handler_id handler;
  std::optional<routing::permission> permission;  // checked before the handler runs; none = public
  // What the route is to a session with an unfinished account set-up (routing/account_gate.hpp): most
  // routes are `other`, refused until the pending step is taken.
  routing::account_step account_step = routing::account_step::other;
};

[[nodiscard]] const std::vector<route>& routes();

struct route_match {
  const route* found = nullptr;                             // null: no route for this method
  std::vector<std::pair<std::string, std::string>> params;  // placeholder name -> segment
  std::string allow;  // when the path matched other methods only: "GET, POST" (answer 405)

  [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const;
};

// "own_account", "work_consultations", … (the names used by `yorisoi routes` and the OpenAPI file).
[[nodiscard]] std::string_view to_string(routing::permission what) noexcept;

// The table as JSON: [{"method","pattern","name","permission"(string|null)}], in table order.
[[nodiscard]] std::string routes_json();

// `path` is the request target without its query string.
[[nodiscard]] route_match match_route(std::string_view method, std::string_view path);

}  // namespace yorisoi::gateway
