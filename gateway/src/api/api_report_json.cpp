// Serialisation of the tallies (the `Report` schema), the range of a report request, the CSV file name
// and the lookup of tracked links.
#include "yorisoi/gateway/api_report_json.hpp"

#include "yorisoi/gateway/tenant_rules.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

namespace yorisoi::gateway {
namespace json = boost::json;

namespace {

json::array label_counts(const std::vector<routing::label_count>& rows) {
  json::array out;
  for (const auto& row : rows) {
    out.push_back(json::object{{"label", row.label}, {"count", row.count}});
  }
  return out;
}

// Whole minutes as integers (Boost.JSON would write 10.0 as 1E1), others as they are.
json::value minutes(const std::optional<double>& value) {
  if (!value) {
    return nullptr;
  }
  if (std::trunc(*value) == *value && std::fabs(*value) < 9.0e15) {
    return static_cast<std::int64_t>(*value);
  }
  return *value;
}

json::object waiting_object(const routing::wait_figures& w) {
  return json::object{{"answered", w.answered},
                      {"unanswered", w.unanswered},
                      {"clock_median_minutes", minutes(w.clock_median_minutes)},
                      {"clock_p90_minutes", minutes(w.clock_p90_minutes)},
                      {"staffed_median_minutes", minutes(w.staffed_median_minutes)},
                      {"staffed_p90_minutes", minutes(w.staffed_p90_minutes)}};
}

json::object referrals_object(const routing::referral_figures& r) {
  json::array units;
  for (const auto& u : r.by_unit) {
    units.push_back(json::object{{"unit_id", u.unit_id},
                                 {"unit_name", u.unit_name},
                                 {"suggested", u.suggested},
                                 {"received", u.received},
                                 {"answered", u.answered}});
  }
  return json::object{{"total", r.total},
                      {"emergency", r.emergency},
                      {"by_stage", label_counts(r.by_stage)},
                      {"cancelled_by_cause", label_counts(r.cancelled_by_cause)},
                      {"by_unit", std::move(units)}};
}

json::object consents_object(const routing::consent_figures& c) {
  return json::object{{"requested", c.requested}, {"granted", c.granted},     {"declined", c.declined},
                      {"expired", c.expired},     {"withdrawn", c.withdrawn}, {"pending", c.pending}};
}

bool all_digits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return !text.empty();
}

int number_of(std::string_view digits) {
  int value = 0;
  for (const char c : digits) {
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string iso_date(routing::civil_date date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year, date.month, date.day);
  return text;
}

std::optional<routing::civil_date> parse_iso_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !all_digits(text.substr(0, 4)) ||
      !all_digits(text.substr(5, 2)) || !all_digits(text.substr(8, 2))) {
    return std::nullopt;
  }
  const routing::civil_date date{number_of(text.substr(0, 4)), number_of(text.substr(5, 2)),
                                 number_of(text.substr(8, 2))};
  if (!routing::is_valid(date)) {
    return std::nullopt;
  }
  return date;
}

parsed<storage::report_query> parse_report_range(std::string_view query) {
  parsed<storage::report_query> out;
  const auto from = query_param(query, "from");
  const auto to = query_param(query, "to");
  const auto from_date = from ? parse_iso_date(*from) : std::nullopt;
  const auto to_date = to ? parse_iso_date(*to) : std::nullopt;
  if (!from_date || !to_date) {
    out.error = make_api_error("bad_request");
    return out;
  }
  out.value = storage::report_query{*from_date, *to_date};
  return out;
}

std::string report_json(const routing::report& r, const config::tenant& tenant) {
  json::object out;
  out["tenant"] = json::object{{"id", tenant.id}, {"name", tenant.name}};
  out["range"] = json::object{{"from", iso_date(r.range.from)}, {"to", iso_date(r.range.to)}};
  out["time_zone"] = tenant.time_zone;
  out["consultations"] = r.consultations;
  out["consulters"] = r.consulters;
  out["new_consulters"] = r.new_consulters;
  out["returning_consulters"] = r.returning_consulters;
  out["consulters_by_age_band"] = label_counts(r.consulters_by_age_band);
  out["consultations_by_category"] = label_counts(r.consultations_by_category);
  // Several categories per consultation: said in the output, as the issue asks.
  out["categories_multi_valued"] = true;
  out["consultations_without_category"] = r.consultations_without_category;
  out["messages_in"] = r.messages_in;
  out["messages_out"] = r.messages_out;
  json::array weekdays;
  for (const auto& hours : r.arrivals_by_weekday_hour) {
    json::array row;
    for (const auto n : hours) {
      row.emplace_back(n);
    }
    weekdays.emplace_back(std::move(row));
  }
  out["arrivals_by_weekday_hour"] = std::move(weekdays);
  out["arrivals_staffed"] = r.arrivals_staffed;
  out["arrivals_off_hours"] = r.arrivals_off_hours;
  out["arrivals_unknown"] = r.arrivals_unknown;
  out["waiting"] = waiting_object(r.waiting);
  out["urgent"] = r.urgent;
  json::array risks;
  for (const auto& row : r.consultations_by_risk) {
    risks.push_back(json::object{{"label", row.label}, {"count", row.count}});
  }
  out["consultations_by_risk"] = std::move(risks);
  out["referrals"] = referrals_object(r.referrals);
  out["consents"] = consents_object(r.consents);
  json::array links;
  for (const auto& l : r.link_clicks) {
    links.push_back(json::object{{"code", l.code}, {"label", l.label}, {"clicks", l.clicks}});
  }
  out["link_clicks"] = std::move(links);
  return json::serialize(out);
}

std::string report_csv_file_name(std::string_view tenant_id, const storage::report_query& range) {
  return "yorisoi-" + std::string(tenant_id) + "-" + iso_date(range.from) + "-" + iso_date(range.to) + ".csv";
}

std::optional<link_target> find_link(const config::settings& settings, std::string_view code) {
  for (const auto& tenant : settings.tenants) {
    for (const auto& link : tenant.links) {
      if (link.code != code) {
        continue;
      }
      for (const auto& channel : tenant.channels) {
        if (channel.key == link.channel_key) {
          return link_target{&tenant, &link, channel.add_friend_url};
        }
      }
      return std::nullopt;  // config validation makes this unreachable: a link names a channel of its tenant
    }
  }
  return std::nullopt;
}

routing::report_settings make_report_settings(const config::tenant& tenant) {
  routing::report_settings out;
  out.schedule = make_tenant_rules(tenant).schedule;
  out.categories = tenant.categories;
  out.age_bands = tenant.age_bands;
  for (const auto& link : tenant.links) {
    out.links.push_back({link.code, link.label});
  }
  for (const auto& unit : tenant.org_units) {
    out.units.push_back({unit.id, unit.name});
  }
  return out;
}

}  // namespace yorisoi::gateway
