#include "yorisoi/routing/report.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace yorisoi::routing {
namespace {

using namespace std::chrono;

constexpr std::array<const char*, 8> stage_order{"proposed", "awaiting_consent", "at_hub", "forwarded",
                                                 "answered", "returned",         "closed", "cancelled"};
constexpr std::array<const char*, 3> cause_order{"consent_declined", "consent_expired", "consent_withdrawn"};

// Labels in the tenant's order (zeros included), then labels the config no longer has, by label.
std::vector<label_count> in_config_order(const std::vector<std::string>& configured,
                                         const std::map<std::string, std::int64_t>& counts) {
  std::vector<label_count> rows;
  std::set<std::string> seen;
  for (const std::string& label : configured) {
    const auto it = counts.find(label);
    rows.push_back({label, it == counts.end() ? 0 : it->second});
    seen.insert(label);
  }
  for (const auto& [label, n] : counts) {
    if (!seen.contains(label)) {
      rows.push_back({label, n});
    }
  }
  return rows;
}

double minutes_of(seconds s) {
  return static_cast<double>(s.count()) / 60.0;
}

}  // namespace

seconds staffed_time_between(const schedule_rules& rules, instant from, instant to) noexcept {
  seconds total{0};
  instant t = from;
  while (t < to) {
    if (const auto w = window_at(rules, t)) {
      total += std::min(w->end, to) - t;
      t = w->end;
      continue;
    }
    const auto next = next_window(rules, t);
    if (!next || next->start >= to) {
      break;
    }
    t = next->start;
  }
  return total;
}

std::optional<double> nearest_rank(std::vector<double>& values, int p) {
  if (values.empty() || p <= 0 || p > 100) {
    return std::nullopt;
  }
  std::sort(values.begin(), values.end());
  // Rank ceil(p/100 · n), 1-based, in integers so that 90 % of 10 is exactly rank 9.
  const std::size_t n = values.size();
  const std::size_t rank = (static_cast<std::size_t>(p) * n + 99) / 100;
  return values[std::max<std::size_t>(rank, 1) - 1];
}

bool in_range(const schedule_rules& rules, const report_range& range, instant at) noexcept {
  const civil_date d = to_local(rules, at).date;
  return !(d < range.from) && !(range.to < d);
}

void tally_consultations(const report_settings& settings, const std::vector<consultation_fact>& facts,
                         report& out) {
  const schedule_rules& rules = settings.schedule;
  std::map<std::string, std::int64_t> categories;
  // Per resident: returning or not, and the age band of the latest consultation that has one.
  struct resident_state {
    bool returning = false;
    std::optional<instant> band_at;
    std::string band;
  };
  std::unordered_map<std::string, resident_state> residents;
  std::vector<double> clock_waits;
  std::vector<double> staffed_waits;
  std::array<std::int64_t, 5> by_risk{};  // critical, high, medium, low, none

  for (const consultation_fact& f : facts) {
    if (!in_range(rules, out.range, f.opened_at)) {
      continue;
    }
    ++out.consultations;
    resident_state& r = residents[f.resident_id];
    r.returning = r.returning || f.resident_returning;
    if (!f.age_band.empty() && (!r.band_at || *r.band_at <= f.opened_at)) {
      r.band_at = f.opened_at;
      r.band = f.age_band;
    }
    if (f.categories.empty()) {
      ++out.consultations_without_category;
    }
    for (const std::string& c : f.categories) {
      ++categories[c];
    }
    out.messages_in += f.messages_in;
    out.messages_out += f.messages_out;
    const local_time local = to_local(rules, f.opened_at);
    ++out.arrivals_by_weekday_hour[static_cast<std::size_t>(weekday_of(local.date))]
                                  [static_cast<std::size_t>(local.minute_of_day / 60)];
    if (f.arrival == "staffed") {
      ++out.arrivals_staffed;
    } else if (f.arrival == "off_hours") {
      ++out.arrivals_off_hours;
    } else {
      ++out.arrivals_unknown;
    }
    if (f.urgent) {
      ++out.urgent;
    }
    const std::optional<risk_level> reached = highest_reached(f.highest_risk_set, f.urgent);
    ++by_risk[reached ? 3 - static_cast<std::size_t>(*reached) : 4];
    if (f.first_answer_at) {
      const instant answered = std::max(*f.first_answer_at, f.opened_at);
      ++out.waiting.answered;
      clock_waits.push_back(minutes_of(answered - f.opened_at));
      staffed_waits.push_back(minutes_of(staffed_time_between(rules, f.opened_at, answered)));
    } else {
      ++out.waiting.unanswered;
    }
  }

  out.consulters = static_cast<std::int64_t>(residents.size());
  std::map<std::string, std::int64_t> bands;
  std::int64_t unknown_band = 0;
  for (const auto& [id, r] : residents) {
    if (r.returning) {
      ++out.returning_consulters;
    }
    if (r.band_at) {
      ++bands[r.band];
    } else {
      ++unknown_band;
    }
  }
  out.new_consulters = out.consulters - out.returning_consulters;
  out.consulters_by_age_band = in_config_order(settings.age_bands, bands);
  out.consulters_by_age_band.push_back({"", unknown_band});
  out.consultations_by_category = in_config_order(settings.categories, categories);
  out.consultations_by_risk.clear();
  for (const risk_level level : {risk_level::critical, risk_level::high, risk_level::medium, risk_level::low}) {
    out.consultations_by_risk.push_back({std::string(to_string(level)), by_risk[3 - static_cast<std::size_t>(level)]});
  }
  out.consultations_by_risk.push_back({"", by_risk[4]});
  out.waiting.clock_median_minutes = nearest_rank(clock_waits, 50);
  out.waiting.clock_p90_minutes = nearest_rank(clock_waits, 90);
  out.waiting.staffed_median_minutes = nearest_rank(staffed_waits, 50);
  out.waiting.staffed_p90_minutes = nearest_rank(staffed_waits, 90);
}

void order_referral_figures(const report_settings& settings, referral_figures& figures) {
  std::map<std::string, std::int64_t> stages;
  for (const label_count& s : figures.by_stage) {
    stages[s.label] += s.count;
  }
  figures.by_stage.clear();
  for (const char* stage : stage_order) {
    const auto it = stages.find(stage);
    figures.by_stage.push_back({stage, it == stages.end() ? 0 : it->second});
    if (it != stages.end()) {
      stages.erase(it);
    }
  }
  for (const auto& [stage, n] : stages) {
    figures.by_stage.push_back({stage, n});
  }

  std::map<std::string, std::int64_t> causes;
  for (const label_count& c : figures.cancelled_by_cause) {
    causes[c.label] += c.count;
  }
  figures.cancelled_by_cause.clear();
  for (const char* cause : cause_order) {
    const auto it = causes.find(cause);
    figures.cancelled_by_cause.push_back({cause, it == causes.end() ? 0 : it->second});
  }

  std::map<std::string, referral_unit_figures> units;
  for (referral_unit_figures& u : figures.by_unit) {
    units[u.unit_id] = std::move(u);
  }
  figures.by_unit.clear();
  for (const report_settings::unit& configured : settings.units) {
    const auto it = units.find(configured.id);
    if (it == units.end()) {
      continue;
    }
    it->second.unit_name = configured.name;
    figures.by_unit.push_back(std::move(it->second));
    units.erase(it);
  }
  for (auto& [id, u] : units) {
    if (u.unit_name.empty()) {
      u.unit_name = id;
    }
    figures.by_unit.push_back(std::move(u));
  }
}

std::vector<link_figures> link_table(const report_settings& settings,
                                     const std::vector<label_count>& clicks_by_code) {
  std::map<std::string, std::int64_t> clicks;
  for (const label_count& c : clicks_by_code) {
    clicks[c.label] += c.count;
  }
  std::vector<link_figures> rows;
  for (const report_settings::link& l : settings.links) {
    const auto it = clicks.find(l.code);
    rows.push_back({l.code, l.label, it == clicks.end() ? 0 : it->second});
    if (it != clicks.end()) {
      clicks.erase(it);
    }
  }
  for (const auto& [code, n] : clicks) {
    rows.push_back({code, "", n});
  }
  return rows;
}

}  // namespace yorisoi::routing
