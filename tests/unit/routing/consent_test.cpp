#include "yorisoi/routing/consent.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

using namespace std::chrono_literals;
using S = consent_state;
using E = consent_event_kind;

const instant t0 = instant{std::chrono::sys_days{std::chrono::year{2023} / 2 / 20}} + 10h;  // 19:00 JST
constexpr std::chrono::seconds ttl = 72h;

consent_status stored(S state) {
  if (state == S::none) {
    return {};
  }
  return {state, t0};
}

postback_source tap(instant at) {
  return {"01H0WEBHOOKEVENT", at};
}
counsellor_record words(instant at) {
  return {"m-123", at};
}

// The event with the actor who may legitimately send it.
struct sent {
  consent_event event;
  actor who;
};

sent legitimate(E kind, instant now) {
  switch (kind) {
    case E::request:
      return {{E::request, std::nullopt}, actor::staff(staff_role::counsellor)};
    case E::grant:
    case E::decline:
    case E::withdraw:
      return {{kind, tap(now)}, actor::resident()};
    case E::expire:
      return {{E::expire, std::nullopt}, actor::system()};
  }
  return {};
}

const char* name(E kind) {
  switch (kind) {
    case E::request:
      return "request";
    case E::grant:
      return "grant";
    case E::decline:
      return "decline";
    case E::expire:
      return "expire";
    case E::withdraw:
      return "withdraw";
  }
  return "?";
}

struct row {
  const char* what;
  S state;
  std::chrono::seconds since_request;  // now = t0 + this
  E event;
  std::string expected;  // a state name, or an error code
};

std::string outcome(const rule_result<consent_status>& result) {
  if (const auto* error = std::get_if<rule_error>(&result)) {
    return error->code;
  }
  return std::string{to_string(std::get<consent_status>(result).state)};
}

// Every stored state × every event, each event sent by someone allowed to send it.
TEST(consent_transition, every_state_and_event) {
  const std::vector<row> rows{
      {"none", S::none, 1h, E::request, "requested"},
      {"none", S::none, 1h, E::grant, "consent_not_requested"},
      {"none", S::none, 1h, E::decline, "consent_not_requested"},
      {"none", S::none, 1h, E::expire, "consent_not_requested"},
      {"none", S::none, 1h, E::withdraw, "consent_not_requested"},
      {"requested", S::requested, 1h, E::request, "consent_already_requested"},
      {"requested", S::requested, 1h, E::grant, "granted"},
      {"requested", S::requested, 1h, E::decline, "declined"},
      {"requested", S::requested, 1h, E::expire, "consent_not_expired"},
      {"requested", S::requested, 1h, E::withdraw, "withdrawn"},
      {"requested, past ttl", S::requested, ttl, E::request, "consent_expired"},
      {"requested, past ttl", S::requested, ttl, E::grant, "consent_expired"},
      {"requested, past ttl", S::requested, ttl, E::decline, "consent_expired"},
      {"requested, past ttl", S::requested, ttl, E::expire, "expired"},
      {"requested, past ttl", S::requested, ttl, E::withdraw, "consent_expired"},
      {"granted", S::granted, 1h, E::request, "consent_already_granted"},
      {"granted", S::granted, 1h, E::grant, "consent_already_granted"},
      {"granted", S::granted, 1h, E::decline, "consent_already_granted"},
      {"granted", S::granted, 1h, E::expire, "consent_already_granted"},
      {"granted", S::granted, 1h, E::withdraw, "withdrawn"},
      {"granted, long after ttl: a grant does not expire", S::granted, ttl * 10, E::withdraw, "withdrawn"},
      {"declined", S::declined, 1h, E::request, "consent_declined"},
      {"declined", S::declined, 1h, E::grant, "consent_declined"},
      {"declined", S::declined, 1h, E::decline, "consent_declined"},
      {"declined", S::declined, 1h, E::expire, "consent_declined"},
      {"declined", S::declined, 1h, E::withdraw, "consent_declined"},
      {"expired", S::expired, 1h, E::request, "consent_expired"},
      {"expired", S::expired, 1h, E::grant, "consent_expired"},
      {"expired", S::expired, 1h, E::decline, "consent_expired"},
      {"expired", S::expired, ttl, E::expire, "consent_expired"},
      {"expired", S::expired, 1h, E::withdraw, "consent_expired"},
      {"withdrawn", S::withdrawn, 1h, E::request, "consent_withdrawn"},
      {"withdrawn", S::withdrawn, 1h, E::grant, "consent_withdrawn"},
      {"withdrawn", S::withdrawn, 1h, E::decline, "consent_withdrawn"},
      {"withdrawn", S::withdrawn, 1h, E::expire, "consent_withdrawn"},
      {"withdrawn", S::withdrawn, 1h, E::withdraw, "consent_withdrawn"},
  };
  for (const auto& r : rows) {
    const instant now = t0 + r.since_request;
    const auto [event, who] = legitimate(r.event, now);
    const auto result = transition(stored(r.state), event, consent_context{who, now, ttl});
    EXPECT_EQ(outcome(result), r.expected) << r.what << " + " << name(r.event);
  }
}

TEST(consent_transition, a_request_records_when_and_later_states_keep_it) {
  const auto requested =
      transition({}, {E::request, std::nullopt}, {actor::staff(staff_role::supervisor), t0, ttl});
  ASSERT_TRUE(std::holds_alternative<consent_status>(requested));
  EXPECT_EQ(std::get<consent_status>(requested), (consent_status{S::requested, t0}));
  const auto granted = transition(std::get<consent_status>(requested), {E::grant, tap(t0 + 5min)},
                                  {actor::resident(), t0 + 5min, ttl});
  ASSERT_TRUE(std::holds_alternative<consent_status>(granted));
  EXPECT_EQ(std::get<consent_status>(granted), (consent_status{S::granted, t0}));
}

// Events are built by functions: GCC 12 reports a false -Wmaybe-uninitialized for an
// optional<variant> brace-initialised inside a table of aggregates.
consent_event bare(E kind) {
  consent_event event;
  event.kind = kind;
  return event;
}
consent_event with(E kind, consent_source source) {
  consent_event event;
  event.kind = kind;
  event.source = std::move(source);
  return event;
}

struct who_row {
  const char* what;
  S state;
  consent_event event;
  actor who;
  std::string expected;
};

TEST(consent_transition, who_may_speak_for_the_resident) {
  const instant now = t0 + 1h;
  const auto officer = actor::officer("seikatsu-fukushi", unit_kind::hub);
  const std::vector<who_row> rows{
      {"supervisor requests", S::none, bare(E::request), actor::staff(staff_role::supervisor), "requested"},
      {"officer cannot request", S::none, bare(E::request), officer, "not_counsellor"},
      {"admin cannot request", S::none, bare(E::request), actor::staff(staff_role::admin), "not_counsellor"},
      {"analyst cannot request", S::none, bare(E::request), actor::staff(staff_role::analyst),
       "not_counsellor"},
      {"resident cannot request", S::none, bare(E::request), actor::resident(), "not_counsellor"},
      {"counsellor records the resident's words", S::requested, with(E::grant, words(now)),
       actor::staff(staff_role::counsellor), "granted"},
      {"supervisor records a decline", S::requested, with(E::decline, words(now)),
       actor::staff(staff_role::supervisor), "declined"},
      {"counsellor records a withdrawal", S::granted, with(E::withdraw, words(now)),
       actor::staff(staff_role::counsellor), "withdrawn"},
      {"words written at the request's instant count", S::requested, with(E::grant, words(t0)),
       actor::staff(staff_role::counsellor), "granted"},
      {"words older than the request do not", S::requested, with(E::grant, words(t0 - 1s)),
       actor::staff(staff_role::counsellor), "consent_before_request"},
      {"a withdrawal pointing to words older than the request", S::granted, with(E::withdraw, words(t0 - 1h)),
       actor::staff(staff_role::counsellor), "consent_before_request"},
      {"officer cannot record", S::requested, with(E::grant, words(now)), officer, "not_counsellor"},
      {"admin cannot record", S::requested, with(E::grant, words(now)), actor::staff(staff_role::admin),
       "not_counsellor"},
      {"resident with a record source", S::requested, with(E::grant, words(now)), actor::resident(),
       "not_counsellor"},
      {"counsellor cannot tap for the resident", S::requested, with(E::grant, tap(now)),
       actor::staff(staff_role::counsellor), "postback_needs_resident"},
      {"system cannot tap", S::requested, with(E::decline, tap(now)), actor::system(),
       "postback_needs_resident"},
      {"grant without saying how", S::requested, bare(E::grant), actor::resident(), "consent_needs_source"},
      {"withdraw without saying how", S::granted, bare(E::withdraw), actor::resident(),
       "consent_needs_source"},
      {"an expiry not yet due, whoever records it", S::requested, bare(E::expire),
       actor::staff(staff_role::counsellor), "consent_not_expired"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(outcome(transition(stored(r.state), r.event, {r.who, now, ttl})), r.expected) << r.what;
  }
}

TEST(consent_expiry, valid_for_exactly_ttl) {
  const consent_status requested{S::requested, t0};
  EXPECT_EQ(state_at(requested, t0, ttl), S::requested);
  EXPECT_EQ(state_at(requested, t0 + ttl - 1s, ttl), S::requested);
  EXPECT_EQ(state_at(requested, t0 + ttl, ttl), S::expired);
  EXPECT_EQ(state_at(requested, t0 + ttl * 100, ttl), S::expired);
  // Only a pending request expires.
  EXPECT_EQ(state_at({S::granted, t0}, t0 + ttl * 100, ttl), S::granted);
  EXPECT_EQ(state_at({S::declined, t0}, t0 + ttl * 100, ttl), S::declined);
  EXPECT_EQ(state_at({}, t0 + ttl * 100, ttl), S::none);
}

TEST(consent_expiry, a_tap_in_the_last_second_counts_and_one_at_ttl_does_not) {
  const consent_status requested{S::requested, t0};
  const auto last = t0 + ttl - 1s;
  EXPECT_EQ(outcome(transition(requested, {E::grant, tap(last)}, {actor::resident(), last, ttl})), "granted");
  const auto late = t0 + ttl;
  EXPECT_EQ(outcome(transition(requested, {E::grant, tap(late)}, {actor::resident(), late, ttl})),
            "consent_expired");
  EXPECT_EQ(outcome(transition(requested, {E::expire, std::nullopt}, {actor::system(), last, ttl})),
            "consent_not_expired");
  EXPECT_EQ(outcome(transition(requested, {E::expire, std::nullopt}, {actor::system(), late, ttl})),
            "expired");
}

TEST(consent_transition, errors_carry_an_english_message) {
  const auto result = transition({}, {E::grant, tap(t0)}, {actor::resident(), t0, ttl});
  ASSERT_TRUE(std::holds_alternative<rule_error>(result));
  EXPECT_FALSE(std::get<rule_error>(result).message.empty());
}

TEST(consent_tap, a_decline_after_a_grant_is_a_withdrawal) {
  struct tap_case {
    E tapped;
    S state;
    E meant;
  };
  const tap_case cases[] = {
      {E::decline, S::granted, E::withdraw},    {E::decline, S::requested, E::decline},
      {E::decline, S::declined, E::decline},    {E::decline, S::withdrawn, E::decline},
      {E::decline, S::expired, E::decline},     {E::decline, S::none, E::decline},
      {E::grant, S::granted, E::grant},         {E::grant, S::requested, E::grant},
      {E::grant, S::declined, E::grant},        {E::withdraw, S::granted, E::withdraw},
      {E::withdraw, S::requested, E::withdraw}, {E::withdraw, S::withdrawn, E::withdraw},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(tapped_event(c.tapped, c.state), c.meant) << name(c.tapped) << " in " << to_string(c.state);
  }
  // The late decline then goes through the machine as a withdrawal, from the resident's tap.
  const auto meant = tapped_event(E::decline, S::granted);
  const auto r = transition(stored(S::granted), {meant, tap(t0 + 1h)}, {actor::resident(), t0 + 1h, ttl});
  ASSERT_TRUE(std::holds_alternative<consent_status>(r));
  EXPECT_EQ(std::get<consent_status>(r).state, S::withdrawn);
}

TEST(consent_state_names, round_trip_and_unknown_names_are_refused) {
  for (const S s : {S::none, S::requested, S::granted, S::declined, S::expired, S::withdrawn}) {
    EXPECT_EQ(parse_consent_state(to_string(s)), s);
  }
  EXPECT_FALSE(parse_consent_state("Granted").has_value());
  EXPECT_FALSE(parse_consent_state("").has_value());
}

}  // namespace
}  // namespace yorisoi::routing
