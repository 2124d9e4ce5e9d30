#pragma once
// A referral from a consultation to the city, gated by the resident's consent. Pure, total, never
// throws; thread-safe. Storage persists every state this returns (nothing is deleted).
//
//   proposed ─request_consent→ awaiting_consent ─consent_granted→ at_hub ─forward→ forwarded
//      │                           │                  (hub skipped: straight to forwarded,
//      │                           │                   the proposal's units as recipients)
//      └──────emergency_send───────┴→ at_hub | forwarded, marked emergency (supervisor + basis + reason)
//   forwarded ─answer (one per recipient unit)→ … → answered (all recipients answered)
//   answered ─return_answers→ returned ─close→ closed
//   at_hub ─hub_answer→ returned (the hub answers itself: it becomes the one recipient, and its
//      answer goes back to the consultation at once, whatever the tenant's way back)
//   consent declined or expired (awaiting_consent), withdrawn (awaiting_consent, at_hub, forwarded)
//      → cancelled; recipients then see only "consent withdrawn".
//
// Who: counsellors and supervisors propose, request consent and close (after replying to the
// resident); the hub's officer forwards; a recipient unit's officer answers for that unit; only a
// supervisor sends an emergency referral. Answers go back through the hub (its officer returns them)
// when the tenant says so and the hub had the referral; otherwise yorisoi returns them (actor system).
// Consent events are applied by yorisoi after the consent machine (consent.hpp) accepted them, so
// they do not check the actor here.
//
// An emergency referral rests on 個人情報保護法 第27条第1項第2号, not on consent: consent events do not
// cancel it (a withdrawal is still recorded by the consent machine and shown to recipients).

#include "yorisoi/routing/referral_types.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace yorisoi::routing {

enum class referral_stage {
  proposed,
  awaiting_consent,
  at_hub,
  forwarded,
  answered,
  returned,
  closed,
  cancelled
};

enum class cancel_cause { none, consent_declined, consent_expired, consent_withdrawn };

// The legal basis for sharing without consent. Only one is accepted: 個人情報保護法 第27条第1項第2号
// (protection of a person's life, body or property when consent is hard to obtain).
enum class legal_basis { unstated, appi_27_1_2 };

struct referral {
  referral_stage stage = referral_stage::proposed;
  bool emergency = false;
  bool hub_involved = false;                 // the hub has had it (its officers may see it)
  std::vector<std::string> suggested_units;  // from the proposal
  std::vector<std::string> recipients;       // units it was forwarded to
  std::vector<std::string> answered_by;      // recipients that answered, in order; partial answers kept
  cancel_cause cause = cancel_cause::none;

  friend bool operator==(const referral&, const referral&) = default;
};

struct proposal {
  std::string summary;                // what will be shared, written for the recipient
  std::vector<std::string> unit_ids;  // suggested units; empty = the hub
  std::string reason;                 // why (for the consultation record, never disclosed)
};

struct referral_options {
  bool hub_skipped = false;          // consented referrals go straight to the suggested units
  bool answers_through_hub = false;  // the hub's officer returns the answers to the consultation
};

struct referral_context {
  actor who;
  referral_options options;
  std::vector<unit_ref> units;  // the tenant's org units
};

namespace referral_events {
struct request_consent {};
struct consent_granted {};
struct consent_declined {};
struct consent_expired {};
struct consent_withdrawn {};
struct emergency_send {
  legal_basis basis = legal_basis::unstated;
  std::string reason;
};
struct forward {
  std::vector<std::string> unit_ids;
};
struct answer {
  std::string text;  // 対応内容, stored by the caller; only checked for content here
};
// The hub's officer answers the referral itself instead of forwarding it.
struct hub_answer {
  std::string text;  // stored by the caller like a unit's answer; only checked for content here
};
struct return_answers {};
struct close {};
}  // namespace referral_events

using referral_event =
    std::variant<referral_events::request_consent, referral_events::consent_granted,
                 referral_events::consent_declined, referral_events::consent_expired,
                 referral_events::consent_withdrawn, referral_events::emergency_send,
                 referral_events::forward, referral_events::answer, referral_events::hub_answer,
                 referral_events::return_answers, referral_events::close>;

// Starts a referral. Error codes: not_counsellor, empty_summary, empty_reason, no_units, unknown_unit,
// duplicate_unit, hub_skipped (the hub was suggested but the tenant skips it).
[[nodiscard]] rule_result<referral> propose(const proposal& what, const referral_context& ctx);

// Applies `event`. The stage is checked first (already_closed, already_cancelled, consent_not_requested,
// not_awaiting_consent, already_sent, not_at_hub, already_forwarded, not_forwarded, already_answered,
// not_answered, already_returned, not_returned), then who acts (not_counsellor, not_hub_officer,
// not_recipient_officer, emergency_needs_supervisor, returned_by_system), then the content
// (emergency_needs_basis, emergency_needs_reason, no_units, unknown_unit, duplicate_unit,
// cannot_forward_to_hub, empty_answer, unit_already_answered). hub_answer is refused like forward
// (not_at_hub, already_forwarded, already_answered), then not_hub_officer, then empty_answer.
// Consent events on an emergency
// referral: emergency_referral.
[[nodiscard]] rule_result<referral> transition(const referral& current, const referral_event& event,
                                               const referral_context& ctx);

[[nodiscard]] std::string_view to_string(referral_stage stage) noexcept;
[[nodiscard]] std::optional<referral_stage> parse_referral_stage(std::string_view text) noexcept;
[[nodiscard]] std::string_view event_name(const referral_event& event) noexcept;

// "appi_27_1_2" ⇄ legal_basis::appi_27_1_2; anything else is unstated.
[[nodiscard]] legal_basis parse_legal_basis(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(legal_basis basis) noexcept;

}  // namespace yorisoi::routing
