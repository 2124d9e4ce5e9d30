// referral_store's reads: the counsellors' view on a consultation, the officers' inbox and detail
// (only what routing/referral_disclosure.hpp allows). The officers' inbox is read page by page (keyset on
// created_at, referral_id, newest first) without row locks and without audit rows: it shows what a
// referral is, and opening one (the detail) is the audited read.
#include "referral/referral_ops.hpp"

#include "console/console_common.hpp"
#include "referral/referral_state.hpp"

#include "yorisoi/routing/referral_disclosure.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <utility>

namespace yorisoi::storage::detail {
namespace {

namespace rt = routing;

constexpr const char* view_sql = R"sql(
SELECT number, consultation_id::text, stage, cause, emergency, coalesce(legal_basis, ''), hub_involved,
       summary, summary_key_id, reason, reason_key_id, (extract(epoch FROM created_at) * 1000000)::bigint
  FROM referral WHERE tenant_id = $1 AND referral_id = $2::uuid
)sql";
constexpr const char* view_units_sql = R"sql(
SELECT role, unit_id, answer, answer_key_id, (extract(epoch FROM answered_at) * 1000000)::bigint
  FROM referral_unit WHERE tenant_id = $1 AND referral_id = $2::uuid ORDER BY role, position
)sql";
constexpr const char* view_categories_sql = R"sql(
SELECT category FROM referral_category WHERE tenant_id = $1 AND referral_id = $2::uuid ORDER BY position
)sql";
constexpr const char* view_consent_sql = R"sql(
SELECT state, (extract(epoch FROM requested_at) * 1000000)::bigint, (extract(epoch FROM expires_at) * 1000000)::bigint,
       (extract(epoch FROM answered_at) * 1000000)::bigint, coalesce(answer_via, ''),
       (extract(epoch FROM withdrawn_at) * 1000000)::bigint
  FROM referral_consent WHERE tenant_id = $1 AND referral_id = $2::uuid ORDER BY requested_at DESC LIMIT 1
)sql";
constexpr const char* by_consultation_sql = R"sql(
SELECT referral_id::text FROM referral WHERE tenant_id = $1 AND consultation_id = $2::uuid
 ORDER BY created_at DESC, number DESC
)sql";
constexpr const char* consultation_exists_sql =
    "SELECT 1 FROM consultation WHERE tenant_id = $1 AND consultation_id = $2::uuid";
// Candidates for an officer's inbox after the cursor ($4 id or "" from the start, $5 its created_at in
// µs), at most $6; disclosure decides what is really visible.
constexpr const char* inbox_sql = R"sql(
SELECT r.referral_id::text, (extract(epoch FROM r.created_at) * 1000000)::bigint FROM referral r
 WHERE r.tenant_id = $1
   AND (($3 AND r.hub_involved)
        OR EXISTS (SELECT 1 FROM referral_unit u WHERE u.tenant_id = r.tenant_id AND u.referral_id = r.referral_id
                      AND u.role = 'recipient' AND u.unit_id = $2))
   AND ($4 = '' OR (r.created_at, r.referral_id)
                   < (timestamptz 'epoch' + $5::bigint * interval '1 microsecond', NULLIF($4, '')::uuid))
 ORDER BY r.created_at DESC, r.referral_id DESC
 LIMIT $6
)sql";

// A page's place in the inbox: "<created_at in µs since the epoch, 20 digits>-<referral id>"; "" is the
// start (the id empty).
struct officer_cursor {
  long long created_us = 0;
  std::string id;
};

std::optional<officer_cursor> parse_officer_cursor(std::string_view text) {
  constexpr std::size_t digits = 20;
  if (text.empty()) {
    return officer_cursor{};
  }
  if (text.size() != digits + 1 + 36 || text[digits] != '-') {
    return std::nullopt;
  }
  officer_cursor out;
  const auto [end, error] = std::from_chars(text.data(), text.data() + digits, out.created_us);
  if (error != std::errc{} || end != text.data() + digits || out.created_us < 0) {
    return std::nullopt;
  }
  const std::string_view id = text.substr(digits + 1);
  for (char c : id) {
    if (c != '-' && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return std::nullopt;
    }
  }
  if (!is_uuid(id)) {
    return std::nullopt;
  }
  out.id = std::string(id);
  return out;
}

std::string officer_cursor_text(const officer_cursor& c) {
  std::array<char, 24> digits{};
  std::snprintf(digits.data(), digits.size(), "%020lld", c.created_us);
  return std::string(digits.data()) + "-" + c.id;
}

std::optional<time_point> micros(const pqxx::field& f) {
  if (f.is_null()) {
    return std::nullopt;
  }
  return from_micros(f.as<long long>());
}

std::string open_sealed(const keyring& keys, const pqxx::field& blob, const pqxx::field& key_id,
                        const std::string& context) {
  if (blob.is_null()) {
    return {};
  }
  return keys.open(sealed{key_id.as<std::uint32_t>(), pqxx::binarystring(blob).str()}, context);
}

std::string unit_name(const referral_env& env, const std::string& id) {
  if (env.tenant != nullptr) {
    for (const auto& u : env.tenant->units) {
      if (u.id == id) {
        return u.name;
      }
    }
  }
  return id;
}

}  // namespace

void prepare_referral_read_statements(pqxx::connection& conn) {
  conn.prepare("referral_view", view_sql);
  conn.prepare("referral_view_units", view_units_sql);
  conn.prepare("referral_view_categories", view_categories_sql);
  conn.prepare("referral_view_consent", view_consent_sql);
  conn.prepare("referral_by_consultation", by_consultation_sql);
  conn.prepare("referral_consultation_exists", consultation_exists_sql);
  conn.prepare("referral_inbox", inbox_sql);
}

referral_view read_referral_view(pqxx::transaction_base& tx, const referral_env& env,
                                 const std::string& tenant_id, const std::string& referral_id) {
  const std::string context = tenant_id + "/referral";
  const pqxx::row h = tx.exec_prepared1("referral_view", tenant_id, referral_id);
  referral_view v;
  v.referral_id = referral_id;
  v.number = h[0].as<std::string>();
  v.consultation_id = h[1].as<std::string>();
  v.stage = h[2].as<std::string>();
  v.cause = h[3].as<std::string>();
  v.emergency = h[4].as<bool>();
  v.legal_basis = h[5].as<std::string>();
  v.hub_involved = h[6].as<bool>();
  v.summary = open_sealed(env.keys, h[7], h[8], context);
  v.reason = open_sealed(env.keys, h[9], h[10], context);
  v.created_at = from_micros(h[11].as<long long>());
  for (const pqxx::row& u : tx.exec_prepared("referral_view_units", tenant_id, referral_id)) {
    const std::string id = u[1].as<std::string>();
    if (u[0].as<std::string>() == "suggested") {
      v.suggested_units.push_back(id);
      continue;
    }
    v.recipients.push_back(id);
    if (!u[2].is_null()) {
      v.answers.push_back(referral_answer{id, unit_name(env, id), open_sealed(env.keys, u[2], u[3], context),
                                          from_micros(u[4].as<long long>())});
    }
  }
  for (const pqxx::row& c : tx.exec_prepared("referral_view_categories", tenant_id, referral_id)) {
    v.categories.push_back(c[0].as<std::string>());
  }
  const pqxx::result c = tx.exec_prepared("referral_view_consent", tenant_id, referral_id);
  if (!c.empty()) {
    v.consent.state = c[0][0].as<std::string>();
    v.consent.requested_at = micros(c[0][1]);
    v.consent.expires_at = micros(c[0][2]);
    v.consent.answered_at = micros(c[0][3]);
    v.consent.answer_via = c[0][4].as<std::string>();
    v.consent.withdrawn_at = micros(c[0][5]);
  }
  return v;
}

std::optional<officer_referral> read_officer_view(pqxx::transaction_base& tx, const referral_env& env,
                                                  const actor& who, const std::string& referral_id) {
  if (env.tenant == nullptr || who.role != rt::staff_role::officer) {
    return std::nullopt;
  }
  const auto r = load_referral(tx, who.tenant_id, referral_id, row_lock::none);
  if (!r) {
    return std::nullopt;
  }
  const rt::consent_state consent =
      r->consent ? rt::state_at(r->consent->status,
                                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()),
                                r->consent->ttl)
                 : rt::consent_state::none;
  const rt::disclosure d = rt::disclose_to_officer(r->state, consent, routing_actor(who, *env.tenant));
  if (!d.visible) {
    return std::nullopt;
  }
  const referral_view full = read_referral_view(tx, env, who.tenant_id, referral_id);
  officer_referral o;
  o.referral_id = referral_id;
  o.number = full.number;
  o.stage = full.stage;
  o.created_at = full.created_at;
  o.consent_withdrawn = d.shows(rt::referral_field::consent_withdrawn_notice);
  o.emergency = d.shows(rt::referral_field::emergency_mark) && full.emergency;
  if (d.shows(rt::referral_field::summary)) {
    o.summary = full.summary;
  }
  if (d.shows(rt::referral_field::category_labels)) {
    o.categories = full.categories;
  }
  const bool hub = routing_actor(who, *env.tenant).unit == rt::unit_kind::hub;
  if (d.shows(rt::referral_field::suggested_units)) {
    o.suggested_units = full.suggested_units;
  }
  if (hub && !o.consent_withdrawn) {
    o.recipients = full.recipients;
  }
  for (const auto& a : full.answers) {
    if (a.unit_id == who.org_unit) {
      o.answered_by_my_unit = true;
    }
    if (d.shows(rt::referral_field::all_answers) ||
        (d.shows(rt::referral_field::own_unit_answer) && a.unit_id == who.org_unit)) {
      o.answers.push_back(a);
    }
  }
  return o;
}

op_result<std::vector<referral_view>> consultation_referrals(pqxx::connection& conn, const referral_env& env,
                                                             const actor& who,
                                                             const std::string& consultation_id) {
  if (env.tenant == nullptr || !is_uuid(consultation_id)) {
    return refuse<std::vector<referral_view>>(op_status::not_found);
  }
  pqxx::work tx(conn, "referral_list");
  if (tx.exec_prepared("referral_consultation_exists", who.tenant_id, consultation_id).empty()) {
    return refuse<std::vector<referral_view>>(op_status::not_found);
  }
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  std::vector<referral_view> out;
  for (const pqxx::row& row : tx.exec_prepared("referral_by_consultation", who.tenant_id, consultation_id)) {
    const std::string id = row[0].as<std::string>();
    // Looked at past its deadline: the request expires now (and its referral is cancelled).
    if (auto r = load_referral(tx, who.tenant_id, id)) {
      expire_if_due(tx, *r, now);
    }
    out.push_back(read_referral_view(tx, env, who.tenant_id, id));
    // Every view of a referral is audited, the counsellors' too.
    audit(tx, who.tenant_id, who.user_id, "referral.read", "referral", id,
          json_object({{"view", "consultation"}}));
  }
  tx.commit();
  return ok(std::move(out));
}

op_result<officer_inbox_page> officer_referrals(pqxx::connection& conn, const referral_env& env,
                                                const actor& who, const officer_inbox_request& page) {
  if (env.tenant == nullptr || who.role != rt::staff_role::officer) {
    return refuse<officer_inbox_page>(op_status::not_found);
  }
  const auto start = parse_officer_cursor(page.after);
  if (!start) {
    return refuse<officer_inbox_page>(op_status::invalid, "bad_cursor");
  }
  const std::size_t limit = std::clamp<std::size_t>(page.limit, 1, officer_inbox_max_limit);
  pqxx::read_transaction tx(conn, "referral_inbox");
  const bool hub = routing_actor(who, *env.tenant).unit == rt::unit_kind::hub;
  // One more visible row than the page says whether another page follows.
  std::vector<std::pair<officer_referral, officer_cursor>> rows;
  officer_cursor after = *start;
  const auto batch = static_cast<long long>(limit + 1);
  for (bool more = true; more && rows.size() <= limit;) {
    const pqxx::result candidates = tx.exec_prepared("referral_inbox", who.tenant_id, who.org_unit, hub,
                                                     after.id, after.created_us, batch);
    more = candidates.size() == static_cast<std::size_t>(batch);
    for (const pqxx::row& row : candidates) {
      after = officer_cursor{row[1].as<long long>(), row[0].as<std::string>()};
      if (rows.size() > limit) {
        break;
      }
      if (auto v = read_officer_view(tx, env, who, after.id)) {
        rows.emplace_back(std::move(*v), after);
      }
    }
  }
  officer_inbox_page out;
  if (rows.size() > limit) {
    rows.pop_back();
    out.next_cursor = officer_cursor_text(rows.back().second);
  }
  for (auto& [view, key] : rows) {
    out.items.push_back(std::move(view));
  }
  tx.commit();
  return ok(std::move(out));
}

op_result<officer_referral> officer_referral_detail(pqxx::connection& conn, const referral_env& env,
                                                    const actor& who, const std::string& referral_id,
                                                    bool audit_view) {
  pqxx::work tx(conn, "referral_detail");
  auto v = read_officer_view(tx, env, who, referral_id);
  if (!v) {
    return refuse<officer_referral>(op_status::not_found);
  }
  if (audit_view) {
    audit(tx, who.tenant_id, who.user_id, "referral.read", "referral", referral_id,
          json_object({{"view", "officer"}, {"unit", who.org_unit}}));
  }
  tx.commit();
  return ok(std::move(*v));
}

}  // namespace yorisoi::storage::detail

namespace yorisoi::storage {

bool valid_officer_inbox_cursor(std::string_view cursor) noexcept {
  try {
    return detail::parse_officer_cursor(cursor).has_value();
  } catch (...) {
    return false;  // allocation failure only
  }
}

}  // namespace yorisoi::storage
