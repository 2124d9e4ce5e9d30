#pragma once
// The console API's handlers, one per route of the table (routes.cpp), each named after its route
// (`handle_<name>`). Each runs after admission (run_api, api_common.cpp): the caller has a live
// session that the route's permission admits. No Beast here.

#include "http/route_handler.hpp"

namespace yorisoi::gateway {

using api_answer = boost::asio::awaitable<http_response>;

// One's own session and account (api_session.cpp).
[[nodiscard]] api_answer handle_get_session(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_logout(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_logout_everywhere(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_change_password(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_get_tenant(handler_context& context, const api_call& call);

// The TOTP second factor (api_totp.cpp): one's own, and an admin's reset of another's.
[[nodiscard]] api_answer handle_begin_totp(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_confirm_totp(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_disable_totp(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_reset_totp(handler_context& context, const api_call& call);

// Staff administration (api_staff.cpp).
[[nodiscard]] api_answer handle_list_staff(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_create_staff(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_update_staff(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_confirm_role(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_cancel_role(handler_context& context, const api_call& call);

// GET /api/v1/assignees (api_assignees.cpp): the people a consultation may be handed to (担当替え).
// Supervisors hold `transfer` but not `manage_staff`, so they cannot read the staff list; this answers
// only what the transfer choice needs: 200 `{items:[{user_id, display_name, role}]}`, the caller's
// tenant's enabled counsellors and supervisors, sorted by display name (then user id).
[[nodiscard]] api_answer handle_list_assignees(handler_context& context, const api_call& call);

// The counsellors' work (api_consultations.cpp).
[[nodiscard]] api_answer handle_get_queue(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_get_queue_counts(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_get_queue_row(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_get_consultation(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_claim(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_release(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_transfer(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_reply(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_set_tags(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_add_note(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_whisper(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_close(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_reopen(handler_context& context, const api_call& call);
// POST /consultations/{id}/typing: its holder is typing a reply. 204; LINE's loading animation starts
// (at most once per 20 s per consultation) and, on read_marks = "on_open" channels, the newest message
// is marked read. Refused like a reply (404 another tenant, 409 not_holder / consultation_closed).
[[nodiscard]] api_answer handle_typing(handler_context& context, const api_call& call);

// Risk levels (api_risk.cpp): PUT sets one with a reason (200 the consultation row), GET the history.
[[nodiscard]] api_answer handle_set_risk(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_risk_history(handler_context& context, const api_call& call);

// On shift (api_shift.cpp): one's own presence (対応可 / 離席 / 終了), the whole shift, a person's capacity.
[[nodiscard]] api_answer handle_get_presence(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_set_presence(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_get_shift(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_set_capacity(handler_context& context, const api_call& call);

// The resident across consultations (api_residents.cpp): history, and the resident note's versions.
[[nodiscard]] api_answer handle_resident_history(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_resident_notes(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_set_resident_note(handler_context& context, const api_call& call);

// POST /api/v1/consultations/search (api_search.cpp): criteria and words in a JSON body.
[[nodiscard]] api_answer handle_search_consultations(handler_context& context, const api_call& call);

// GET /api/v1/events (api_events.cpp): what a console missed.
[[nodiscard]] api_answer handle_list_events(handler_context& context, const api_call& call);

// Referrals (api_referrals.cpp): the counsellors' routes, then the officers'.
[[nodiscard]] api_answer handle_list_referrals(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_propose_referral(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_record_consent(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_withdraw_consent(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_emergency_referral(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_close_referral(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_officer_inbox(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_officer_referral(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_forward_referral(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_answer_referral(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_return_referral(handler_context& context, const api_call& call);

// Reports (api_reports.cpp): the summary as JSON or CSV.
[[nodiscard]] api_answer handle_report_summary(handler_context& context, const api_call& call);
[[nodiscard]] api_answer handle_report_csv(handler_context& context, const api_call& call);

}  // namespace yorisoi::gateway
