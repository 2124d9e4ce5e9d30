#include "report/report_read.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace yorisoi::storage::detail {
namespace {

// Consultations opened in [$2, $3) (the range's local midnights as UTC epoch seconds), one row each.
// Times are cut to whole seconds with floor, never rounded: 23:59:59.7 stays on its own day and hour.
// Categories travel as one string joined by the unit separator (labels are the tenant's own, never it).
// Both lookups are set operations over the tenant's index ranges rather than one probe per consultation
// (twice as fast on a tenant-year of the benchmark): the residents with a consultation before the range
// (a hashed subplan), and the tenant's categories grouped by consultation (a hash join); the same for
// the highest risk level ever set (0 low … 3 critical, routing::risk_level's order).
constexpr const char* facts_sql = R"sql(
SELECT c.resident_id::text,
       floor(extract(epoch FROM c.opened_at))::bigint,
       floor(extract(epoch FROM c.first_answer_at))::bigint,
       coalesce(c.arrival, ''),
       c.priority = 'urgent',
       coalesce(c.age_band, ''),
       c.messages_in,
       c.messages_out,
       c.resident_id IN (SELECT p.resident_id FROM consultation p
                          WHERE p.tenant_id = $1 AND p.opened_at < to_timestamp($2::bigint)),
       k.categories,
       rk.top
  FROM consultation c
  LEFT JOIN (SELECT cc.consultation_id, string_agg(cc.category, chr(31) ORDER BY cc.category) AS categories
               FROM consultation_category cc WHERE cc.tenant_id = $1
              GROUP BY cc.consultation_id) k ON k.consultation_id = c.consultation_id
  LEFT JOIN (SELECT r.consultation_id,
                    max(CASE r.level WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2 ELSE 3 END) AS top
               FROM consultation_risk r WHERE r.tenant_id = $1
              GROUP BY r.consultation_id) rk ON rk.consultation_id = c.consultation_id
 WHERE c.tenant_id = $1 AND c.opened_at >= to_timestamp($2::bigint) AND c.opened_at < to_timestamp($3::bigint)
)sql";

// Referrals of those consultations, by stage, cause and emergency.
constexpr const char* referrals_sql = R"sql(
SELECT r.stage, r.cause, r.emergency, count(*)
  FROM consultation c
  JOIN referral r ON r.tenant_id = c.tenant_id AND r.consultation_id = c.consultation_id
 WHERE c.tenant_id = $1 AND c.opened_at >= to_timestamp($2::bigint) AND c.opened_at < to_timestamp($3::bigint)
 GROUP BY r.stage, r.cause, r.emergency
)sql";

constexpr const char* units_sql = R"sql(
SELECT u.unit_id,
       count(DISTINCT u.referral_id) FILTER (WHERE u.role = 'suggested'),
       count(DISTINCT u.referral_id) FILTER (WHERE u.role = 'recipient'),
       count(DISTINCT u.referral_id) FILTER (WHERE u.role = 'recipient' AND u.answered_at IS NOT NULL)
  FROM consultation c
  JOIN referral r ON r.tenant_id = c.tenant_id AND r.consultation_id = c.consultation_id
  JOIN referral_unit u ON u.tenant_id = r.tenant_id AND u.referral_id = r.referral_id
 WHERE c.tenant_id = $1 AND c.opened_at >= to_timestamp($2::bigint) AND c.opened_at < to_timestamp($3::bigint)
 GROUP BY u.unit_id
)sql";

// A withdrawal may follow a grant (answered_at set) or an unanswered request (answered_at empty).
constexpr const char* consents_sql = R"sql(
SELECT count(*),
       count(*) FILTER (WHERE k.state = 'granted' OR (k.state = 'withdrawn' AND k.answered_at IS NOT NULL)),
       count(*) FILTER (WHERE k.state = 'declined'),
       count(*) FILTER (WHERE k.state = 'expired'),
       count(*) FILTER (WHERE k.state = 'withdrawn'),
       count(*) FILTER (WHERE k.state = 'requested')
  FROM consultation c
  JOIN referral r ON r.tenant_id = c.tenant_id AND r.consultation_id = c.consultation_id
  JOIN referral_consent k ON k.tenant_id = r.tenant_id AND k.referral_id = r.referral_id
 WHERE c.tenant_id = $1 AND c.opened_at >= to_timestamp($2::bigint) AND c.opened_at < to_timestamp($3::bigint)
)sql";

constexpr const char* clicks_sql = R"sql(
SELECT code, sum(clicks)::bigint FROM link_click
 WHERE tenant_id = $1 AND day BETWEEN $2::date AND $3::date
 GROUP BY code
)sql";

std::string iso_date(routing::civil_date d) {
  std::string s(10, '\0');
  std::snprintf(s.data(), s.size() + 1, "%04d-%02d-%02d", d.year, d.month, d.day);
  return s;
}

std::vector<std::string> split_categories(std::string_view joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= joined.size()) {
    const std::size_t end = std::min(joined.find('\x1f', start), joined.size());
    out.emplace_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

routing::instant instant_of(long long epoch) {
  return routing::instant{std::chrono::seconds{epoch}};
}

std::vector<routing::consultation_fact> read_facts(pqxx::transaction_base& tx, const std::string& tenant_id,
                                                   long long from, long long until) {
  const pqxx::result rows = tx.exec_params(facts_sql, tenant_id, from, until);
  std::vector<routing::consultation_fact> facts;
  facts.reserve(rows.size());
  for (const pqxx::row& row : rows) {
    routing::consultation_fact f;
    f.resident_id = row[0].as<std::string>();
    f.opened_at = instant_of(row[1].as<long long>());
    if (!row[2].is_null()) {
      f.first_answer_at = instant_of(row[2].as<long long>());
    }
    f.arrival = row[3].as<std::string>();
    f.urgent = row[4].as<bool>();
    f.age_band = row[5].as<std::string>();
    f.messages_in = row[6].as<std::int64_t>();
    f.messages_out = row[7].as<std::int64_t>();
    f.resident_returning = row[8].as<bool>();
    if (!row[9].is_null()) {
      f.categories = split_categories(row[9].c_str());
    }
    if (!row[10].is_null()) {
      f.highest_risk_set = static_cast<routing::risk_level>(std::clamp(row[10].as<int>(), 0, 3));
    }
    facts.push_back(std::move(f));
  }
  return facts;
}

routing::referral_figures read_referrals(pqxx::transaction_base& tx, const std::string& tenant_id,
                                         long long from, long long until) {
  routing::referral_figures f;
  for (const pqxx::row& row : tx.exec_params(referrals_sql, tenant_id, from, until)) {
    const auto stage = row[0].as<std::string>();
    const auto cause = row[1].as<std::string>();
    const auto n = row[3].as<std::int64_t>();
    f.total += n;
    f.by_stage.push_back({stage, n});
    if (row[2].as<bool>()) {
      f.emergency += n;
    }
    if (stage == "cancelled" && cause != "none") {
      f.cancelled_by_cause.push_back({cause, n});
    }
  }
  for (const pqxx::row& row : tx.exec_params(units_sql, tenant_id, from, until)) {
    f.by_unit.push_back({row[0].as<std::string>(), "", row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
                         row[3].as<std::int64_t>()});
  }
  return f;
}

routing::consent_figures read_consents(pqxx::transaction_base& tx, const std::string& tenant_id,
                                       long long from, long long until) {
  const pqxx::row row = tx.exec_params1(consents_sql, tenant_id, from, until);
  return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
          row[3].as<std::int64_t>(), row[4].as<std::int64_t>(), row[5].as<std::int64_t>()};
}

}  // namespace

routing::report read_report(pqxx::connection& conn, const std::string& tenant_id,
                            const routing::report_settings& settings, const routing::report_range& range) {
  const auto from = routing::from_local(settings.schedule, range.from, 0);
  const auto until = routing::from_local(
      settings.schedule, routing::from_sys_days(routing::to_sys_days(range.to) + std::chrono::days{1}), 0);
  const long long from_s = from.time_since_epoch().count();
  const long long until_s = until.time_since_epoch().count();

  // One snapshot for every table, so that they agree with each other.
  pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx(conn,
                                                                                                  "report");
  routing::report r;
  r.range = range;
  routing::tally_consultations(settings, read_facts(tx, tenant_id, from_s, until_s), r);
  r.referrals = read_referrals(tx, tenant_id, from_s, until_s);
  routing::order_referral_figures(settings, r.referrals);
  r.consents = read_consents(tx, tenant_id, from_s, until_s);
  std::vector<routing::label_count> clicks;
  for (const pqxx::row& row :
       tx.exec_params(clicks_sql, tenant_id, iso_date(range.from), iso_date(range.to))) {
    clicks.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>()});
  }
  r.link_clicks = routing::link_table(settings, clicks);
  tx.commit();
  return r;
}

}  // namespace yorisoi::storage::detail
