#pragma once
// The city's tallies: the figures of one tenant for a range of local dates, and the pure
// functions that compute the consultation-based ones from per-consultation facts read from the database.
//
// Attribution: a consultation belongs to the local day its first message arrived (opened_at). Every
// consultation figure (consulters, categories, messages, waiting times, referrals and consents of the
// consultation) counts the consultations opened in [from, to]; link clicks count by the click's local day.
// Nothing here reads a clock: the range and the facts are parameters.

#include "yorisoi/routing/risk.hpp"
#include "yorisoi/routing/schedule.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yorisoi::routing {

// A tenant's settings the report needs (from config::tenant).
struct report_settings {
  schedule_rules schedule;              // staffed windows and the tenant's UTC offset
  std::vector<std::string> categories;  // the tenant's labels, in the order tables show them
  std::vector<std::string> age_bands;
  struct link {
    std::string code;
    std::string label;
  };
  std::vector<link> links;
  struct unit {
    std::string id;
    std::string name;
  };
  std::vector<unit> units;
};

// Local dates, both inclusive.
struct report_range {
  civil_date from;
  civil_date to;
};

// What the database says about one consultation opened in the range (message rows may be purged; the
// counters are kept on the consultation).
struct consultation_fact {
  std::string resident_id;
  instant opened_at{};
  std::optional<instant> first_answer_at;  // a counsellor's first answer
  std::string arrival;                     // staffed | off_hours | "" (unknown)
  bool urgent = false;
  std::string age_band;  // "" = unknown
  std::vector<std::string> categories;
  std::int64_t messages_in = 0;
  std::int64_t messages_out = 0;
  bool resident_returning = false;  // the resident had a consultation opened before `from`
  std::optional<risk_level> highest_risk_set;  // the highest level a counsellor ever set on it; none: never
};

struct label_count {
  std::string label;
  std::int64_t count = 0;
  friend bool operator==(const label_count&, const label_count&) = default;
};

// Waiting time from the first message to a counsellor's first answer, in minutes. Percentiles use the
// nearest rank (the smallest value with at least p% of the values at or below it), so every figure is
// one observed wait. Empty when nothing was answered.
struct wait_figures {
  std::int64_t answered = 0;
  std::int64_t unanswered = 0;  // never answered: counted apart, not in the percentiles
  std::optional<double> clock_median_minutes;
  std::optional<double> clock_p90_minutes;
  std::optional<double> staffed_median_minutes;
  std::optional<double> staffed_p90_minutes;
};

struct referral_unit_figures {
  std::string unit_id;
  std::string unit_name;       // the id when the unit is no longer configured
  std::int64_t suggested = 0;  // referrals proposing this unit
  std::int64_t received = 0;   // referrals forwarded to it (recipient)
  std::int64_t answered = 0;   // of those, answered by the unit
};

struct referral_figures {
  std::int64_t total = 0;
  std::int64_t emergency = 0;                   // sent without consent (APPI 27-1-2)
  std::vector<label_count> by_stage;            // every stage, in lifecycle order, zeros included
  std::vector<label_count> cancelled_by_cause;  // consent_declined | consent_expired | consent_withdrawn
  std::vector<referral_unit_figures> by_unit;   // configured units first, then others by id
};

// Consent requests (one per request; a repeated request is another one) by what became of them.
struct consent_figures {
  std::int64_t requested = 0;
  std::int64_t granted = 0;  // granted at some point (withdrawn ones included)
  std::int64_t declined = 0;
  std::int64_t expired = 0;
  std::int64_t withdrawn = 0;
  std::int64_t pending = 0;  // still unanswered
};

struct link_figures {
  std::string code;
  std::string label;
  std::int64_t clicks = 0;
};

struct report {
  report_range range;
  std::int64_t consultations = 0;
  std::int64_t consulters = 0;  // distinct residents
  std::int64_t new_consulters = 0;
  std::int64_t returning_consulters = 0;  // had a consultation before `from`
  // Each consulter once, in the band of their latest consultation in the range that has one; the
  // tenant's bands in order, then bands no longer configured, then 「不明」 (label "") last.
  std::vector<label_count> consulters_by_age_band;
  // Several categories per consultation: the sum exceeds `consultations`. Tenant's labels in order
  // (zeros included), then labels no longer configured.
  std::vector<label_count> consultations_by_category;
  std::int64_t consultations_without_category = 0;
  std::int64_t messages_in = 0;
  std::int64_t messages_out = 0;
  // [weekday 0 = Sunday … 6][local hour 0 … 23] of the first message.
  std::array<std::array<std::int64_t, 24>, 7> arrivals_by_weekday_hour{};
  std::int64_t arrivals_staffed = 0;
  std::int64_t arrivals_off_hours = 0;
  std::int64_t arrivals_unknown = 0;  // tenants without routing rules record none
  wait_figures waiting;
  std::int64_t urgent = 0;
  // Consultations by the highest risk level they reached (routing::highest_reached: urgency counts as
  // 高): always five rows, critical, high, medium, low, then "" (none reached).
  std::vector<label_count> consultations_by_risk;
  referral_figures referrals;
  consent_figures consents;
  std::vector<link_figures> link_clicks;  // the tenant's links in order (zeros included), then others
};

// Staffed time within [from, to): the part of the interval inside the schedule's staffed windows
// (holidays, closed days and the answering period respected). Zero when to <= from.
[[nodiscard]] std::chrono::seconds staffed_time_between(const schedule_rules& rules, instant from,
                                                        instant to) noexcept;

// The nearest-rank percentile (0 < p <= 100) of `values`, which it sorts; empty for no values.
[[nodiscard]] std::optional<double> nearest_rank(std::vector<double>& values, int p);

// True when `at` falls on a local date in the range.
[[nodiscard]] bool in_range(const schedule_rules& rules, const report_range& range, instant at) noexcept;

// Fills the consultation-based figures of `out` (consultations … urgent) from the facts of the
// consultations opened in the range. Facts outside the range are ignored.
void tally_consultations(const report_settings& settings, const std::vector<consultation_fact>& facts,
                         report& out);

// Puts `figures` in table order: every stage in lifecycle order and every cause (zeros included), the
// tenant's units first in config order (with their names; units without any referral left out), then
// others by id.
void order_referral_figures(const report_settings& settings, referral_figures& figures);

// The report's link table: the tenant's links in order with their clicks, then unknown codes by code.
[[nodiscard]] std::vector<link_figures> link_table(const report_settings& settings,
                                                   const std::vector<label_count>& clicks_by_code);

}  // namespace yorisoi::routing
