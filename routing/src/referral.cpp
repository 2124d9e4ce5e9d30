#include "yorisoi/routing/referral.hpp"

#include <algorithm>
#include <utility>

namespace yorisoi::routing {

namespace {

namespace ev = referral_events;
using stage = referral_stage;

rule_error refuse(std::string code, std::string message) {
  return rule_error{std::move(code), std::move(message)};
}

bool is_blank(std::string_view text) noexcept {
  // ASCII and ideographic (U+3000) spaces only: a summary of nothing but spaces says nothing.
  while (!text.empty()) {
    if (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' || text.front() == '\r') {
      text.remove_prefix(1);
    } else if (text.starts_with("\u3000")) {
      text.remove_prefix(3);
    } else {
      return false;
    }
  }
  return true;
}

bool contains(const std::vector<std::string>& ids, std::string_view id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

const unit_ref* find_unit(const referral_context& ctx, std::string_view id) {
  for (const auto& unit : ctx.units) {
    if (unit.id == id) {
      return &unit;
    }
  }
  return nullptr;
}

const unit_ref* find_hub(const referral_context& ctx) {
  for (const auto& unit : ctx.units) {
    if (unit.kind == unit_kind::hub) {
      return &unit;
    }
  }
  return nullptr;
}

// Units chosen for a referral: known to the tenant, each once; `allow_hub` for suggestions only.
std::optional<rule_error> check_units(const std::vector<std::string>& ids, const referral_context& ctx,
                                      bool allow_hub) {
  if (ids.empty()) {
    return refuse("no_units", "choose at least one department or platform group");
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const unit_ref* unit = find_unit(ctx, ids[i]);
    if (unit == nullptr) {
      return refuse("unknown_unit", "a chosen unit is not one of the tenant's units");
    }
    if (std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(i), ids[i]) !=
        ids.begin() + static_cast<std::ptrdiff_t>(i)) {
      return refuse("duplicate_unit", "a unit is chosen twice");
    }
    if (unit->kind == unit_kind::hub && !allow_hub) {
      return refuse("cannot_forward_to_hub",
                    "the hub forwards to departments or platform groups, not to itself");
    }
    if (unit->kind == unit_kind::hub && ctx.options.hub_skipped) {
      return refuse("hub_skipped", "this tenant sends referrals straight to the units, not to the hub");
    }
  }
  return std::nullopt;
}

bool is_hub_officer(const actor& who) noexcept {
  return is_officer_of_kind(who, unit_kind::hub);
}

// Where a referral goes once it may be shared: the hub, or the suggested units when the tenant skips it.
referral dispatched(referral r, const referral_context& ctx) {
  if (ctx.options.hub_skipped) {
    r.stage = stage::forwarded;
    r.recipients = r.suggested_units;
  } else {
    r.stage = stage::at_hub;
    r.hub_involved = true;
  }
  return r;
}

rule_error final_refusal(stage s) {
  if (s == stage::closed) {
    return refuse("already_closed", "the referral is closed");
  }
  return refuse("already_cancelled", "the referral was cancelled");
}

bool is_final(stage s) noexcept {
  return s == stage::closed || s == stage::cancelled;
}

rule_result<referral> on_consent(const referral& r, cancel_cause cause) {
  if (r.stage == stage::proposed) {
    return refuse("consent_not_requested", "consent has not been requested for this referral");
  }
  if (r.emergency) {
    return refuse("emergency_referral", "an emergency referral does not rest on consent");
  }
  const bool withdrawable =
      r.stage == stage::awaiting_consent || r.stage == stage::at_hub || r.stage == stage::forwarded;
  if (cause == cancel_cause::consent_withdrawn ? !withdrawable : r.stage != stage::awaiting_consent) {
    // Consent withdrawn after the answers came back: the referral stands (the consent machine keeps
    // the withdrawal, and recipients see only the notice from then on).
    if (cause == cancel_cause::consent_withdrawn) {
      return refuse("already_answered", "the referral has been answered");
    }
    return refuse("not_awaiting_consent", "the referral is not waiting for consent");
  }
  referral next = r;
  next.stage = stage::cancelled;
  next.cause = cause;
  return next;
}

struct step {
  const referral& r;
  const referral_context& ctx;

  rule_result<referral> operator()(const ev::request_consent&) const {
    if (r.stage != stage::proposed) {
      return refuse("already_sent", "consent has already been requested or the referral sent");
    }
    if (!is_counsellor_or_supervisor(ctx.who)) {
      return refuse("not_counsellor", "only a counsellor or supervisor may ask for consent");
    }
    referral next = r;
    next.stage = stage::awaiting_consent;
    return next;
  }

  rule_result<referral> operator()(const ev::consent_granted&) const {
    if (r.stage == stage::proposed) {
      return refuse("consent_not_requested", "consent has not been requested for this referral");
    }
    if (r.stage != stage::awaiting_consent) {
      return refuse("not_awaiting_consent", "the referral is not waiting for consent");
    }
    return dispatched(r, ctx);
  }

  rule_result<referral> operator()(const ev::consent_declined&) const {
    return on_consent(r, cancel_cause::consent_declined);
  }
  rule_result<referral> operator()(const ev::consent_expired&) const {
    return on_consent(r, cancel_cause::consent_expired);
  }
  rule_result<referral> operator()(const ev::consent_withdrawn&) const {
    return on_consent(r, cancel_cause::consent_withdrawn);
  }

  rule_result<referral> operator()(const ev::emergency_send& e) const {
    if (r.stage != stage::proposed && r.stage != stage::awaiting_consent) {
      return refuse("already_sent", "the referral has already been sent");
    }
    if (ctx.who.kind != actor_kind::staff || ctx.who.role != staff_role::supervisor) {
      return refuse("emergency_needs_supervisor", "only a supervisor may send a referral without consent");
    }
    if (e.basis != legal_basis::appi_27_1_2) {
      return refuse("emergency_needs_basis",
                    "a referral without consent needs the legal basis: APPI art. 27(1)(ii), protection of "
                    "life or body");
    }
    if (is_blank(e.reason)) {
      return refuse("emergency_needs_reason", "a referral without consent needs a stated reason");
    }
    referral next = dispatched(r, ctx);
    next.emergency = true;
    return next;
  }

  // Forwarding and the hub's own answer both act on a referral waiting at the hub.
  std::optional<rule_error> unless_at_hub() const {
    switch (r.stage) {
      case stage::proposed:
      case stage::awaiting_consent:
        return refuse("not_at_hub", "the referral has not reached the hub");
      case stage::forwarded:
        return refuse("already_forwarded", "the referral has already been forwarded");
      case stage::answered:
      case stage::returned:
        return refuse("already_answered", "the referral has been answered");
      case stage::closed:
      case stage::cancelled:
        return final_refusal(r.stage);
      case stage::at_hub:
        break;
    }
    return std::nullopt;
  }

  rule_result<referral> operator()(const ev::forward& e) const {
    if (auto error = unless_at_hub()) {
      return *std::move(error);
    }
    if (!is_hub_officer(ctx.who)) {
      return refuse("not_hub_officer", "only the hub's officers forward referrals");
    }
    if (auto error = check_units(e.unit_ids, ctx, false)) {
      return *std::move(error);
    }
    referral next = r;
    next.stage = stage::forwarded;
    next.recipients = e.unit_ids;
    return next;
  }

  rule_result<referral> operator()(const ev::answer& e) const {
    switch (r.stage) {
      case stage::proposed:
      case stage::awaiting_consent:
      case stage::at_hub:
        return refuse("not_forwarded", "the referral has not been forwarded to any unit");
      case stage::answered:
      case stage::returned:
        return refuse("already_answered", "the referral has been answered");
      case stage::closed:
      case stage::cancelled:
        return final_refusal(r.stage);
      case stage::forwarded:
        break;
    }
    const bool officer = ctx.who.kind == actor_kind::staff && ctx.who.role == staff_role::officer;
    if (!officer || !contains(r.recipients, ctx.who.unit_id)) {
      return refuse("not_recipient_officer", "only an officer of a unit the referral was sent to may answer");
    }
    if (contains(r.answered_by, ctx.who.unit_id)) {
      return refuse("unit_already_answered", "this unit has already answered");
    }
    if (is_blank(e.text)) {
      return refuse("empty_answer", "an answer needs what the unit can do");
    }
    referral next = r;
    next.answered_by.push_back(ctx.who.unit_id);
    if (next.answered_by.size() == next.recipients.size()) {
      next.stage = stage::answered;
    }
    return next;
  }

  rule_result<referral> operator()(const ev::hub_answer& e) const {
    if (auto error = unless_at_hub()) {
      return *std::move(error);
    }
    if (!is_hub_officer(ctx.who)) {
      return refuse("not_hub_officer", "only the hub's officers answer a referral at the hub");
    }
    if (is_blank(e.text)) {
      return refuse("empty_answer", "an answer needs what the unit can do");
    }
    // The hub is then the one recipient and has answered; nobody stands between it and the consultation.
    referral next = r;
    next.recipients = {ctx.who.unit_id};
    next.answered_by = {ctx.who.unit_id};
    next.stage = stage::returned;
    return next;
  }

  rule_result<referral> operator()(const ev::return_answers&) const {
    switch (r.stage) {
      case stage::proposed:
      case stage::awaiting_consent:
      case stage::at_hub:
      case stage::forwarded:
        return refuse("not_answered", "not every unit has answered yet");
      case stage::returned:
        return refuse("already_returned", "the answers have already been returned");
      case stage::closed:
      case stage::cancelled:
        return final_refusal(r.stage);
      case stage::answered:
        break;
    }
    const bool through_hub = ctx.options.answers_through_hub && r.hub_involved;
    if (through_hub && !is_hub_officer(ctx.who)) {
      return refuse("not_hub_officer", "this tenant's answers go back through the hub's officers");
    }
    if (!through_hub && ctx.who.kind != actor_kind::system) {
      return refuse("returned_by_system", "this tenant's answers go back to the consultation directly");
    }
    referral next = r;
    next.stage = stage::returned;
    return next;
  }

  rule_result<referral> operator()(const ev::close&) const {
    if (is_final(r.stage)) {
      return final_refusal(r.stage);
    }
    if (r.stage != stage::returned) {
      return refuse("not_returned", "the answers have not come back yet");
    }
    if (!is_counsellor_or_supervisor(ctx.who)) {
      return refuse("not_counsellor", "only a counsellor or supervisor closes a referral, after replying");
    }
    referral next = r;
    next.stage = stage::closed;
    return next;
  }
};

}  // namespace

rule_result<referral> propose(const proposal& what, const referral_context& ctx) {
  if (!is_counsellor_or_supervisor(ctx.who)) {
    return refuse("not_counsellor", "only a counsellor or supervisor may propose a referral");
  }
  if (is_blank(what.summary)) {
    return refuse("empty_summary", "a referral needs the summary to be shared");
  }
  if (is_blank(what.reason)) {
    return refuse("empty_reason", "a referral needs the reason it is proposed");
  }
  std::vector<std::string> units = what.unit_ids;
  // The hub is the default recipient; a tenant without one (or skipping it) must name the units.
  if (units.empty() && !ctx.options.hub_skipped) {
    if (const unit_ref* hub = find_hub(ctx)) {
      units.push_back(hub->id);
    }
  }
  if (auto error = check_units(units, ctx, true)) {
    return *std::move(error);
  }
  referral r;
  r.suggested_units = std::move(units);
  return r;
}

rule_result<referral> transition(const referral& current, const referral_event& event,
                                 const referral_context& ctx) {
  // Final stages refuse everything the same way, whatever the event.
  if (is_final(current.stage)) {
    return final_refusal(current.stage);
  }
  return std::visit(step{current, ctx}, event);
}

}  // namespace yorisoi::routing
