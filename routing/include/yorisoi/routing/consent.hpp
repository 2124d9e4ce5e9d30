#pragma once
// The resident's consent to one referral: none → requested → granted | declined | expired, and
// withdrawn after requested or granted. Declined, expired and withdrawn are final: a new request is a
// new consent (the old one is kept, nothing is deleted). Pure, total, never throws; thread-safe.
//
// Expiry is not an event anyone has to remember to send: a request made at T is valid for
// [T, T + ttl) and is expired when looked at from T + ttl on (`state_at`). The `expire` event only
// records what `state_at` already says, so storage can persist it.
//
// Who acts: counsellors and supervisors request; the resident answers with a postback; a counsellor
// or supervisor may record an answer (or a withdrawal) the resident gave in their own words, pointing
// to that message, which must not be older than the request.

#include "yorisoi/routing/referral_types.hpp"
#include "yorisoi/routing/schedule.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace yorisoi::routing {

enum class consent_state { none, requested, granted, declined, expired, withdrawn };

// The resident tapped a button: LINE's webhookEventId and the event's timestamp.
struct postback_source {
  std::string event_id;
  instant at{};
};

// A counsellor points to the resident's message that says it: its id and when it arrived.
struct counsellor_record {
  std::string message_id;
  instant at{};
};

using consent_source = std::variant<postback_source, counsellor_record>;

enum class consent_event_kind { request, grant, decline, expire, withdraw };

struct consent_event {
  consent_event_kind kind = consent_event_kind::request;
  std::optional<consent_source> source;  // required for grant, decline and withdraw; ignored otherwise
};

struct consent_status {
  consent_state state = consent_state::none;
  std::optional<instant> requested_at;  // set by `request`, kept afterwards

  friend bool operator==(const consent_status&, const consent_status&) = default;
};

struct consent_context {
  actor who;
  instant now{};
  std::chrono::seconds ttl{std::chrono::hours{72}};  // the tenant's consent_ttl; > 0
};

// Stored state as seen at `now`: a request older than `ttl` reads as expired.
[[nodiscard]] consent_state state_at(const consent_status& status, instant now,
                                     std::chrono::seconds ttl) noexcept;

// Applies `event`. Checks, in this order: the state (final states refuse everything), expiry at
// ctx.now, then who acts and with what source. Error codes: consent_not_requested,
// consent_already_requested, consent_already_granted, consent_declined, consent_expired,
// consent_withdrawn, consent_not_expired, consent_needs_source, not_counsellor, postback_needs_resident,
// consent_before_request.
[[nodiscard]] rule_result<consent_status> transition(const consent_status& current,
                                                     const consent_event& event, const consent_context& ctx);

// What the resident's tap means in the consent's state at the time of the tap (`state_at`): a 同意しない
// after 同意する is a withdrawal (the same rules, record and answer as the withdraw button); every other
// tap means what it says, and `transition` judges it. Only grant, decline and withdraw are taps.
[[nodiscard]] consent_event_kind tapped_event(consent_event_kind tapped, consent_state state) noexcept;

[[nodiscard]] std::string_view to_string(consent_state state) noexcept;
[[nodiscard]] std::optional<consent_state> parse_consent_state(std::string_view text) noexcept;

}  // namespace yorisoi::routing
