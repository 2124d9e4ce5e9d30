#include "yorisoi/gateway/routes.hpp"

#include "api/api_handlers.hpp"
#include "http/handlers.hpp"
#include "http/route_handler.hpp"

#include <boost/json.hpp>

namespace yorisoi::gateway {
namespace {

// Splits at '/' and drops the leading empty segment; "/a//b" keeps its empty middle segment, which
// no placeholder matches.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool match_pattern(std::string_view pattern, std::string_view path,
                   std::vector<std::pair<std::string, std::string>>& params) {
  const auto want = segments(pattern);
  const auto have = segments(path);
  const bool has_rest = !want.empty() && want.back().ends_with("...}");
  if (has_rest ? have.size() < want.size() : want.size() != have.size()) {
    return false;
  }
  std::vector<std::pair<std::string, std::string>> captured;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& w = want[i];
    if (w.ends_with("...}") && i + 1 == want.size()) {
      // Rest placeholder: everything from this segment on, joined back with '/'.
      std::string rest;
      for (std::size_t j = i; j < have.size(); ++j) {
        if (j > i) {
          rest += '/';
        }
        rest += have[j];
      }
      captured.emplace_back(std::string(w.substr(1, w.size() - 5)), std::move(rest));
      params = std::move(captured);
      return true;
    }
    if (w.size() >= 2 && w.front() == '{' && w.back() == '}') {
      if (have[i].empty()) {
        return false;
      }
      captured.emplace_back(std::string(w.substr(1, w.size() - 2)), std::string(have[i]));
    } else if (w != have[i]) {
      return false;
    }
  }
  params = std::move(captured);
  return true;
}

// The handler a table entry names.
template <auto Handler>
constexpr const route_handler* bind = &handler_for<Handler>;

}  // namespace

const std::vector<route>& routes() {
  // Constant data, built once; not mutable state. A route is added here, with its handler (a public
  // one, or an API one that runs after admission: route_handler.hpp), and in gateway/api/openapi.json.
  using routing::permission;
  constexpr auto own = permission::own_account;
  constexpr auto work = permission::work_consultations;
  constexpr auto staff = permission::manage_staff;
  constexpr auto officer = permission::officer_inbox;
  constexpr auto session_step = routing::account_step::session;
  static const std::vector<route> table{
      {"GET", "/healthz", "healthz", bind<handle_healthz>, std::nullopt},
      {"GET", "/readyz", "readyz", bind<handle_readyz>, std::nullopt},
      {"GET", "/metrics", "metrics", bind<handle_metrics>, std::nullopt},
      {"POST", "/webhook/line/{channel_key}", "line_webhook", bind<handle_line_webhook>, std::nullopt},
      {"GET", "/", "root", bind<handle_root>, std::nullopt},
      {"GET", "/console", "console_redirect", bind<handle_console_redirect>, std::nullopt},
      {"GET", "/console/{path...}", "console_file", bind<handle_console_file>, std::nullopt},
      {"POST", "/api/v1/session", "login", bind<handle_login>, std::nullopt},
      {"GET", "/api/v1/session", "get_session", bind<handle_get_session>, own, session_step},
      {"DELETE", "/api/v1/session", "logout", bind<handle_logout>, own, session_step},
      {"POST", "/api/v1/session/logout-everywhere", "logout_everywhere", bind<handle_logout_everywhere>, own,
       session_step},
      {"POST", "/api/v1/me/password", "change_password", bind<handle_change_password>, own,
       routing::account_step::password_change},
      {"GET", "/api/v1/tenant", "get_tenant", bind<handle_get_tenant>, own},
      {"POST", "/api/v1/session/totp", "begin_totp", bind<handle_begin_totp>, own,
       routing::account_step::factor_enrolment},
      {"POST", "/api/v1/session/totp/confirmation", "confirm_totp", bind<handle_confirm_totp>, own,
       routing::account_step::factor_enrolment},
      {"POST", "/api/v1/session/totp/disable", "disable_totp", bind<handle_disable_totp>, own},
      {"DELETE", "/api/v1/staff/{user_id}/totp", "reset_totp", bind<handle_reset_totp>, staff},
      {"GET", "/api/v1/staff", "list_staff", bind<handle_list_staff>, staff},
      {"POST", "/api/v1/staff", "create_staff", bind<handle_create_staff>, staff},
      {"PATCH", "/api/v1/staff/{user_id}", "update_staff", bind<handle_update_staff>, staff},
      // A raise to a role that reads conversations: another admin confirms it, any admin cancels it.
      {"POST", "/api/v1/staff/{user_id}/role-confirmation", "confirm_role", bind<handle_confirm_role>, staff},
      {"DELETE", "/api/v1/staff/{user_id}/pending-role", "cancel_role", bind<handle_cancel_role>, staff},
      // Who a consultation may be handed to: what supervisors need for 担当替え without staff admin.
      {"GET", "/api/v1/assignees", "list_assignees", bind<handle_list_assignees>, permission::transfer},
      {"GET", "/api/v1/queue", "get_queue", bind<handle_get_queue>, work},
      // Before the row's pattern, which would take "counts" for an id.
      {"GET", "/api/v1/queue/counts", "get_queue_counts", bind<handle_get_queue_counts>, work},
      {"GET", "/api/v1/queue/{consultation_id}", "get_queue_row", bind<handle_get_queue_row>, work},
      // Before the consultation's patterns: "search" is no id.
      {"POST", "/api/v1/consultations/search", "search_consultations", bind<handle_search_consultations>, work},
      {"GET", "/api/v1/consultations/{consultation_id}", "get_consultation", bind<handle_get_consultation>,
       work},
      {"POST", "/api/v1/consultations/{consultation_id}/claim", "claim", bind<handle_claim>, work},
      {"POST", "/api/v1/consultations/{consultation_id}/release", "release", bind<handle_release>, work},
      {"POST", "/api/v1/consultations/{consultation_id}/transfer", "transfer", bind<handle_transfer>,
       permission::transfer},
      {"POST", "/api/v1/consultations/{consultation_id}/messages", "reply", bind<handle_reply>, work},
      {"PUT", "/api/v1/consultations/{consultation_id}/tags", "set_tags", bind<handle_set_tags>, work},
      {"POST", "/api/v1/consultations/{consultation_id}/notes", "add_note", bind<handle_add_note>, work},
      {"POST", "/api/v1/consultations/{consultation_id}/close", "close", bind<handle_close>, work},
      {"POST", "/api/v1/consultations/{consultation_id}/reopen", "reopen", bind<handle_reopen>, work},
      // The holder types a reply: LINE's loading animation (throttled) and, on_open, a read mark.
      {"POST", "/api/v1/consultations/{consultation_id}/typing", "typing", bind<handle_typing>, work},
      // The resident across consultations: history and the resident note (申し送り).
      {"GET", "/api/v1/residents/{resident_id}/consultations", "resident_history",
       bind<handle_resident_history>, work},
      {"GET", "/api/v1/residents/{resident_id}/notes", "resident_notes", bind<handle_resident_notes>, work},
      {"POST", "/api/v1/residents/{resident_id}/notes", "set_resident_note", bind<handle_set_resident_note>,
       work},
      // Risk levels (低 / 中 / 高 / 緊急) with their history.
      {"PUT", "/api/v1/consultations/{consultation_id}/risk", "set_risk", bind<handle_set_risk>, work},
      {"GET", "/api/v1/consultations/{consultation_id}/risk", "risk_history", bind<handle_risk_history>, work},
      // On shift: one's presence, the whole shift (the supervisor's board), a person's capacity.
      {"GET", "/api/v1/me/presence", "get_presence", bind<handle_get_presence>, work},
      {"PUT", "/api/v1/me/presence", "set_presence", bind<handle_set_presence>, work},
      {"GET", "/api/v1/shift", "get_shift", bind<handle_get_shift>, permission::supervise_shift},
      {"POST", "/api/v1/consultations/{consultation_id}/whisper", "whisper", bind<handle_whisper>,
       permission::supervise_shift},
      {"PUT", "/api/v1/staff/{user_id}/capacity", "set_capacity", bind<handle_set_capacity>,
       permission::set_capacity},
      {"GET", "/api/v1/events", "list_events", bind<handle_list_events>, own},
      {"GET", "/api/v1/stream", "stream", bind<handle_stream>, own},
      // Referrals. An emergency proposal also needs emergency_referral,
      // checked inside the handler because the body says whether it is one.
      {"GET", "/api/v1/consultations/{consultation_id}/referrals", "list_referrals",
       bind<handle_list_referrals>, work},
      {"POST", "/api/v1/consultations/{consultation_id}/referrals", "propose_referral",
       bind<handle_propose_referral>, work},
      {"POST", "/api/v1/referrals/{referral_id}/consent", "record_consent", bind<handle_record_consent>,
       work},
      {"POST", "/api/v1/referrals/{referral_id}/withdraw", "withdraw_consent", bind<handle_withdraw_consent>,
       work},
      {"POST", "/api/v1/referrals/{referral_id}/emergency", "emergency_referral",
       bind<handle_emergency_referral>, permission::emergency_referral},
      {"POST", "/api/v1/referrals/{referral_id}/close", "close_referral", bind<handle_close_referral>, work},
      {"GET", "/api/v1/officer/referrals", "officer_inbox", bind<handle_officer_inbox>, officer},
      {"GET", "/api/v1/officer/referrals/{referral_id}", "officer_referral", bind<handle_officer_referral>,
       officer},
      {"POST", "/api/v1/officer/referrals/{referral_id}/forward", "forward_referral",
       bind<handle_forward_referral>, officer},
      {"POST", "/api/v1/officer/referrals/{referral_id}/answer", "answer_referral",
       bind<handle_answer_referral>, officer},
      {"POST", "/api/v1/officer/referrals/{referral_id}/return", "return_referral",
       bind<handle_return_referral>, officer},
      // Reports.
      {"GET", "/api/v1/reports/summary", "report_summary", bind<handle_report_summary>,
       permission::read_reports},
      {"GET", "/api/v1/reports/summary.csv", "report_csv", bind<handle_report_csv>, permission::read_reports},
      // A tracked link of a promotion channel: public, counts a click and redirects to the add-friend URL.
      {"GET", "/l/{code}", "link_redirect", bind<handle_link_redirect>, std::nullopt},
  };
  return table;
}

std::string_view to_string(routing::permission what) noexcept {
  switch (what) {
    case routing::permission::own_account:
      return "own_account";
    case routing::permission::work_consultations:
      return "work_consultations";
    case routing::permission::transfer:
      return "transfer";
    case routing::permission::manage_staff:
      return "manage_staff";
    case routing::permission::read_reports:
      return "read_reports";
    case routing::permission::officer_inbox:
      return "officer_inbox";
    case routing::permission::emergency_referral:
      return "emergency_referral";
    case routing::permission::supervise_shift:
      return "supervise_shift";
    case routing::permission::set_capacity:
      return "set_capacity";
  }
  return "unknown";
}

std::string routes_json() {
  boost::json::array out;
  for (const auto& r : routes()) {
    boost::json::object entry;
    entry["method"] = r.method;
    entry["pattern"] = r.pattern;
    entry["name"] = r.name;
    if (r.permission) {
      entry["permission"] = to_string(*r.permission);
      boost::json::array roles;
      for (const auto role :
           {routing::staff_role::admin, routing::staff_role::supervisor, routing::staff_role::counsellor,
            routing::staff_role::officer, routing::staff_role::analyst}) {
        if (routing::allows(role, *r.permission)) {
          roles.emplace_back(routing::to_string(role));
        }
      }
      entry["roles"] = std::move(roles);
    } else {
      entry["permission"] = nullptr;
      entry["roles"] = nullptr;
    }
    out.push_back(std::move(entry));
  }
  return boost::json::serialize(out);
}

std::optional<std::string_view> route_match::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

route_match match_route(std::string_view method, std::string_view path) {
  route_match result;
  if (!path.starts_with('/')) {
    return result;
  }
  for (const auto& candidate : routes()) {
    std::vector<std::pair<std::string, std::string>> params;
    if (!match_pattern(candidate.pattern, path, params)) {
      continue;
    }
    if (candidate.method == method) {
      result.found = &candidate;
      result.params = std::move(params);
      result.allow.clear();
      return result;
    }
    if (!result.allow.empty()) {
      result.allow += ", ";
    }
    result.allow += candidate.method;
  }
  return result;
}

}  // namespace yorisoi::gateway
