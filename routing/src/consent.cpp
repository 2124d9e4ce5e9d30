#include "yorisoi/routing/consent.hpp"

#include <array>
#include <utility>

namespace yorisoi::routing {

namespace {

rule_error refuse(std::string code, std::string message) {
  return rule_error{std::move(code), std::move(message)};
}

// The refusal a final (or already answered) state gives to any event it cannot take.
rule_error refusal_for(consent_state state) {
  switch (state) {
    case consent_state::none:
      return refuse("consent_not_requested", "consent has not been requested");
    case consent_state::requested:
      return refuse("consent_already_requested", "consent has already been requested");
    case consent_state::granted:
      return refuse("consent_already_granted", "consent has already been granted");
    case consent_state::declined:
      return refuse("consent_declined", "the resident declined; a new request needs a new referral");
    case consent_state::expired:
      return refuse("consent_expired", "the consent request has expired");
    case consent_state::withdrawn:
      return refuse("consent_withdrawn", "the resident withdrew consent");
  }
  return refuse("consent_not_requested", "unknown consent state");
}

// Grant, decline and withdraw come from the resident (a postback) or from a counsellor recording the
// resident's own words; nobody else can speak for the resident.
std::optional<rule_error> check_source(const consent_event& event, const consent_status& current,
                                       const consent_context& ctx) {
  if (!event.source) {
    return refuse("consent_needs_source", "say how the resident answered: a postback or their message");
  }
  if (std::holds_alternative<postback_source>(*event.source)) {
    if (ctx.who.kind != actor_kind::resident) {
      return refuse("postback_needs_resident", "a postback answer can only come from the resident");
    }
    return std::nullopt;
  }
  if (!is_counsellor_or_supervisor(ctx.who)) {
    return refuse("not_counsellor", "only a counsellor or supervisor may record the resident's answer");
  }
  // Words written before the request cannot answer it: they could not know what would be shared.
  const auto& record = std::get<counsellor_record>(*event.source);
  if (current.requested_at && record.at < *current.requested_at) {
    return refuse("consent_before_request", "the message pointed to is older than the consent request");
  }
  return std::nullopt;
}

}  // namespace

consent_state state_at(const consent_status& status, instant now, std::chrono::seconds ttl) noexcept {
  if (status.state == consent_state::requested && status.requested_at && now - *status.requested_at >= ttl) {
    return consent_state::expired;
  }
  return status.state;
}

rule_result<consent_status> transition(const consent_status& current, const consent_event& event,
                                       const consent_context& ctx) {
  const consent_state state = state_at(current, ctx.now, ctx.ttl);
  switch (event.kind) {
    case consent_event_kind::request: {
      if (state != consent_state::none) {
        return refusal_for(state);
      }
      if (!is_counsellor_or_supervisor(ctx.who)) {
        return refuse("not_counsellor", "only a counsellor or supervisor may ask for consent");
      }
      return consent_status{consent_state::requested, ctx.now};
    }
    case consent_event_kind::grant:
    case consent_event_kind::decline: {
      if (state != consent_state::requested) {
        return refusal_for(state);
      }
      if (auto error = check_source(event, current, ctx)) {
        return *std::move(error);
      }
      const auto next =
          event.kind == consent_event_kind::grant ? consent_state::granted : consent_state::declined;
      return consent_status{next, current.requested_at};
    }
    case consent_event_kind::expire: {
      if (state == consent_state::requested) {
        return refuse("consent_not_expired", "the consent request is still valid");
      }
      if (state != consent_state::expired || current.state == consent_state::expired) {
        return refusal_for(state);
      }
      return consent_status{consent_state::expired, current.requested_at};
    }
    case consent_event_kind::withdraw: {
      if (state != consent_state::requested && state != consent_state::granted) {
        return refusal_for(state);
      }
      if (auto error = check_source(event, current, ctx)) {
        return *std::move(error);
      }
      return consent_status{consent_state::withdrawn, current.requested_at};
    }
  }
  return refuse("unknown_event", "unknown consent event");
}

consent_event_kind tapped_event(consent_event_kind tapped, consent_state state) noexcept {
  if (tapped == consent_event_kind::decline && state == consent_state::granted) {
    return consent_event_kind::withdraw;
  }
  return tapped;
}

namespace {
constexpr std::array<std::pair<consent_state, std::string_view>, 6> state_names{{
    {consent_state::none, "none"},
    {consent_state::requested, "requested"},
    {consent_state::granted, "granted"},
    {consent_state::declined, "declined"},
    {consent_state::expired, "expired"},
    {consent_state::withdrawn, "withdrawn"},
}};
}  // namespace

std::string_view to_string(consent_state state) noexcept {
  for (const auto& [s, name] : state_names) {
    if (s == state) {
      return name;
    }
  }
  return "unknown";
}

std::optional<consent_state> parse_consent_state(std::string_view text) noexcept {
  for (const auto& [s, name] : state_names) {
    if (name == text) {
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace yorisoi::routing
