#include "yorisoi/gateway/tenant_rules.hpp"

#include <optional>

namespace yorisoi::gateway {
namespace {

routing::civil_date to_civil(const config::local_date& date) {
  return routing::civil_date{date.year, date.month, date.day};
}

std::optional<routing::civil_date> to_civil(const std::optional<config::local_date>& date) {
  if (!date) {
    return std::nullopt;
  }
  return to_civil(*date);
}

}  // namespace

routing::schedule_rules make_schedule_rules(const config::tenant& tenant) {
  routing::schedule_rules rules;
  rules.utc_offset_minutes = tenant.utc_offset_minutes;
  for (const auto& window : tenant.staffed.windows) {
    rules.windows.push_back(routing::weekly_window{window.weekdays, window.start_minute, window.end_minute});
  }
  rules.closed_on_national_holidays = tenant.staffed.closed_on_national_holidays;
  for (const auto& day : tenant.staffed.closed_every_year) {
    rules.closed_every_year.push_back(routing::month_day{day.month, day.day});
  }
  for (const auto& date : tenant.staffed.closed_dates) {
    rules.closed_dates.push_back(to_civil(date));
  }
  rules.intake_start = to_civil(tenant.service.intake_start);
  rules.intake_end = to_civil(tenant.service.intake_end);
  rules.answers_until = to_civil(tenant.service.answers_until);
  return rules;
}

namespace {

routing::answer_texts make_texts(const config::tenant& tenant) {
  routing::answer_texts texts;
  texts.greeting = tenant.texts.greeting;
  texts.off_hours = tenant.texts.off_hours;
  texts.out_of_service = tenant.texts.out_of_service;
  texts.crisis = tenant.texts.crisis;
  texts.age_question = tenant.texts.age_question;
  texts.other_contacts = tenant.texts.other_contacts;
  texts.age_bands = tenant.age_bands;
  return texts;
}

}  // namespace

routing::tenant_rules make_tenant_rules(const config::tenant& tenant) {
  routing::tenant_rules rules;
  rules.schedule = make_schedule_rules(tenant);
  rules.texts = make_texts(tenant);
  rules.risk = routing::risk_matcher(tenant.risk_keywords);
  return rules;
}

std::map<std::string, routing::tenant_rules> make_all_tenant_rules(const config::settings& settings) {
  std::map<std::string, routing::tenant_rules> out;
  for (const auto& tenant : settings.tenants) {
    out.emplace(tenant.id, make_tenant_rules(tenant));
  }
  return out;
}

}  // namespace yorisoi::gateway
