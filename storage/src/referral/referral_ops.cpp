// referral_store's writes: each loads the referral under a lock, asks routing's machines, persists
// what they return with one referral_event row per change, and audits staff actions.
#include "referral/referral_ops.hpp"

#include "console/console_common.hpp"
#include "referral/referral_common.hpp"
#include "referral/referral_messages.hpp"
#include "referral/referral_state.hpp"

#include "yorisoi/routing/consent_request.hpp"

#include <pqxx/pqxx>

#include <array>
#include <cstdio>

namespace yorisoi::storage::detail {
namespace {

namespace rt = routing;

constexpr const char* lock_consultation_sql = R"sql(
SELECT state, resident_id::text FROM consultation WHERE tenant_id = $1 AND consultation_id = $2::uuid FOR UPDATE
)sql";
// Gap-free per tenant and year: the counter row stays locked until this transaction ends.
constexpr const char* next_number_sql = R"sql(
INSERT INTO referral_counter AS c (tenant_id, year, last_number) VALUES ($1, $2, 1)
ON CONFLICT (tenant_id, year) DO UPDATE SET last_number = c.last_number + 1
RETURNING last_number
)sql";
constexpr const char* insert_referral_sql = R"sql(
INSERT INTO referral (tenant_id, number, consultation_id, stage, hub_skipped, answers_through_hub, summary,
                      summary_key_id, reason, reason_key_id, created_by)
VALUES ($1, $2, $3::uuid, 'proposed', $4, $5, $6, $7, $8, $9, $10::uuid)
RETURNING referral_id::text
)sql";
constexpr const char* insert_suggested_sql = R"sql(
INSERT INTO referral_unit (tenant_id, referral_id, role, unit_id, unit_kind, position, added_by)
VALUES ($1, $2::uuid, 'suggested', $3, $4, $5, $6::uuid)
)sql";
constexpr const char* insert_category_sql = R"sql(
INSERT INTO referral_category (tenant_id, referral_id, category, position) VALUES ($1, $2::uuid, $3, $4)
ON CONFLICT DO NOTHING
)sql";
constexpr const char* first_event_sql = R"sql(
INSERT INTO referral_event (tenant_id, referral_id, actor_kind, actor_id, event, to_stage)
VALUES ($1, $2::uuid, 'staff', $3::uuid, 'propose', 'proposed')
)sql";
constexpr const char* insert_consent_sql = R"sql(
INSERT INTO referral_consent (tenant_id, referral_id, state, token_hash, requested_at, expires_at, requested_by,
                              outbox_id)
VALUES ($1, $2::uuid, 'requested', $3, to_timestamp($4), to_timestamp($4) + $5::bigint * interval '1 second',
        $6::uuid, $7::uuid)
)sql";
constexpr const char* consent_outbox_sql = R"sql(
INSERT INTO outbox (tenant_id, channel_key, resident_id, consultation_id, origin, kind, messages, messages_key_id)
SELECT tenant_id, channel_key, resident_id, $2::uuid, 'counsellor', 'consent_request', $4, $5
  FROM resident WHERE tenant_id = $1 AND resident_id = $3::uuid
RETURNING outbox_id::text
)sql";
constexpr const char* consent_message_sql = R"sql(
INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, body, body_key_id, sent_at,
                     outbox_id, author_id)
VALUES ($1, $2::uuid, $3::uuid, 'out', 'consent_request', $4, $5, now(), $6::uuid, $7::uuid)
)sql";
constexpr const char* emergency_sql = R"sql(
UPDATE referral SET legal_basis = $3, emergency_reason = $4, emergency_reason_key_id = $5,
                    emergency_by = $6::uuid, emergency_at = now()
 WHERE tenant_id = $1 AND referral_id = $2::uuid
)sql";
constexpr const char* resident_message_sql = R"sql(
SELECT floor(extract(epoch FROM sent_at))::bigint FROM message
 WHERE tenant_id = $1 AND message_id = $2::uuid AND consultation_id = $3::uuid AND direction = 'in'
)sql";
constexpr const char* store_answer_sql = R"sql(
UPDATE referral_unit SET answer = $4, answer_key_id = $5, answered_by = $6::uuid, answered_at = now()
 WHERE tenant_id = $1 AND referral_id = $2::uuid AND role = 'recipient' AND unit_id = $3
)sql";

// Codes of the input or of who acts (422); every other refusal is about the state (409).
constexpr std::array invalid_codes{
    "not_counsellor",
    "empty_summary",
    "empty_reason",
    "no_units",
    "unknown_unit",
    "duplicate_unit",
    "hub_skipped",
    "not_hub_officer",
    "not_recipient_officer",
    "emergency_needs_supervisor",
    "returned_by_system",
    "emergency_needs_basis",
    "emergency_needs_reason",
    "cannot_forward_to_hub",
    "empty_answer",
    "consent_needs_source",
    "postback_needs_resident",
    "consent_before_request",
    "message_not_found",
};

}  // namespace

bool is_input_error(std::string_view code) noexcept {
  for (const char* c : invalid_codes) {
    if (code == c) {
      return true;
    }
  }
  return false;
}

rt::instant now_instant() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

rt::referral_context context_of(const actor& who, const referral_tenant& t) {
  rt::referral_context ctx;
  ctx.who = routing_actor(who, t);
  ctx.options.hub_skipped = t.hub_skipped;
  ctx.options.answers_through_hub = t.answers_through_hub;
  for (const auto& u : t.units) {
    ctx.units.push_back(rt::unit_ref{u.id, u.kind});
  }
  return ctx;
}

namespace {

std::string number_text(int year, int n) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04d-%04d", year, n);
  return buffer.data();
}

int local_year(const referral_tenant& t) {
  const auto local = std::chrono::system_clock::now() + std::chrono::minutes(t.utc_offset_minutes);
  const std::chrono::year_month_day ymd{std::chrono::floor<std::chrono::days>(local)};
  return static_cast<int>(ymd.year());
}

std::string unit_name(const referral_tenant& t, const std::string& id) {
  for (const auto& u : t.units) {
    if (u.id == id) {
      return u.name;
    }
  }
  return id;
}

// The referral's loaded units are its own; the store's operations know every unit of the tenant.
void with_tenant_units(loaded_referral& r, const referral_tenant& t) {
  for (const auto& u : t.units) {
    bool known = false;
    for (const auto& x : r.units) {
      known = known || x.id == u.id;
    }
    if (!known) {
      r.units.push_back(rt::unit_ref{u.id, u.kind});
    }
  }
}

// Writes the consent request: the consent row, the LINE message in the outbox, the transcript row.
void request_consent(pqxx::work& tx, const referral_env& env, const actor& who,
                     const std::string& referral_id, const std::string& consultation_id,
                     const std::string& resident_id, const rt::referral& r, const std::string& summary,
                     const std::vector<std::string>& categories) {
  const std::string token = random_token(24);
  rt::consent_request_input input;
  input.summary = summary;
  const std::vector<std::string>& targets = r.suggested_units;
  for (const auto& id : targets) {
    input.unit_names.push_back(unit_name(*env.tenant, id));
  }
  input.category_labels = categories;
  input.token = token;
  input.valid_hours = static_cast<int>(env.tenant->consent_ttl.count());
  const rt::consent_request_message message = rt::build_consent_request(input);
  const sealed messages = env.keys.seal(consent_request_json(message), who.tenant_id + "/outbox");
  const std::string outbox_id =
      tx.exec_prepared1("referral_consent_outbox", who.tenant_id, consultation_id, resident_id,
                        pqxx::binarystring(messages.blob), static_cast<std::int32_t>(messages.key_id))[0]
          .as<std::string>();
  const sealed body = env.keys.seal(message.text, who.tenant_id + "/message");
  tx.exec_prepared0("referral_consent_message", who.tenant_id, consultation_id, resident_id,
                    pqxx::binarystring(body.blob), static_cast<std::int32_t>(body.key_id), outbox_id,
                    who.user_id);
  const long long ttl = std::chrono::duration_cast<std::chrono::seconds>(env.tenant->consent_ttl).count();
  tx.exec_prepared0(
      "referral_insert_consent", who.tenant_id, referral_id, pqxx::binarystring(token_hash(token)),
      static_cast<long long>(now_instant().time_since_epoch().count()), ttl, who.user_id, outbox_id);
}

std::optional<rt::rule_error> send_emergency(pqxx::work& tx, const referral_env& env, const actor& who,
                                             loaded_referral& r, const emergency_basis& basis) {
  const rt::referral_events::emergency_send event{rt::parse_legal_basis(basis.legal_basis), basis.reason};
  auto next = rt::transition(r.state, event, context_of(who, *env.tenant));
  if (const auto* e = std::get_if<rt::rule_error>(&next)) {
    return *e;
  }
  const sealed reason = env.keys.seal(basis.reason, who.tenant_id + "/referral");
  tx.exec_prepared0("referral_emergency", who.tenant_id, r.referral_id,
                    std::string(rt::to_string(event.basis)), pqxx::binarystring(reason.blob),
                    static_cast<std::int32_t>(reason.key_id), who.user_id);
  save_referral(tx, r, std::get<rt::referral>(next), "emergency_send",
                acting{routing_actor(who, *env.tenant), who.user_id}, {}, {},
                json_object({{"legal_basis", std::string(rt::to_string(event.basis))}}));
  audit(tx, who.tenant_id, who.user_id, "referral.emergency", "referral", r.referral_id,
        json_object({{"legal_basis", std::string(rt::to_string(event.basis))},
                     {"stage", std::string(rt::to_string(r.state.stage))}}));
  return std::nullopt;
}

}  // namespace

std::optional<loaded_referral> load_for_write(pqxx::work& tx, const referral_env& env, const actor& who,
                                              const std::string& referral_id) {
  auto r = load_referral(tx, who.tenant_id, referral_id);
  if (r) {
    expire_if_due(tx, *r, now_instant());
    with_tenant_units(*r, *env.tenant);
  }
  return r;
}

rt::actor routing_actor(const actor& who, const referral_tenant& tenant) {
  if (who.role != rt::staff_role::officer) {
    return rt::actor::staff(who.role);
  }
  rt::unit_kind kind = rt::unit_kind::department;
  for (const auto& u : tenant.units) {
    if (u.id == who.org_unit) {
      kind = u.kind;
    }
  }
  return rt::actor::officer(who.org_unit, kind);
}

void prepare_referral_statements(pqxx::connection& conn) {
  prepare_console_statements(conn);  // the audit log's statement among them
  prepare_referral_read_statements(conn);
  prepare_referral_state_statements(conn);
  conn.prepare("referral_lock_consultation", lock_consultation_sql);
  conn.prepare("referral_next_number", next_number_sql);
  conn.prepare("referral_insert", insert_referral_sql);
  conn.prepare("referral_insert_suggested", insert_suggested_sql);
  conn.prepare("referral_insert_category", insert_category_sql);
  conn.prepare("referral_first_event", first_event_sql);
  conn.prepare("referral_insert_consent", insert_consent_sql);
  conn.prepare("referral_consent_outbox", consent_outbox_sql);
  conn.prepare("referral_consent_message", consent_message_sql);
  conn.prepare("referral_emergency", emergency_sql);
  conn.prepare("referral_resident_message", resident_message_sql);
  conn.prepare("referral_store_answer", store_answer_sql);
}

op_result<referral_view> propose_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                          const referral_proposal& p) {
  if (env.tenant == nullptr || !is_uuid(p.consultation_id)) {
    return refuse<referral_view>(op_status::not_found);
  }
  pqxx::work tx(conn, "referral_propose");
  const pqxx::result c = tx.exec_prepared("referral_lock_consultation", who.tenant_id, p.consultation_id);
  if (c.empty()) {
    return refuse<referral_view>(op_status::not_found);
  }
  if (c[0][0].as<std::string>() == "closed") {
    return refuse<referral_view>(op_status::conflict, "consultation_closed");
  }
  const std::string resident_id = c[0][1].as<std::string>();
  const rt::referral_context ctx = context_of(who, *env.tenant);
  auto proposed = rt::propose(rt::proposal{p.summary, p.unit_ids, p.reason}, ctx);
  if (const auto* e = std::get_if<rt::rule_error>(&proposed)) {
    return refused<referral_view>(*e);
  }
  const rt::referral r = std::get<rt::referral>(proposed);
  // An emergency is checked before anything is written, so a refusal leaves no trace but the answer.
  if (p.emergency) {
    auto check = rt::transition(r,
                                rt::referral_events::emergency_send{
                                    rt::parse_legal_basis(p.emergency->legal_basis), p.emergency->reason},
                                ctx);
    if (const auto* e = std::get_if<rt::rule_error>(&check)) {
      return refused<referral_view>(*e);
    }
  }
  const int year = local_year(*env.tenant);
  const int n = tx.exec_prepared1("referral_next_number", who.tenant_id, year)[0].as<int>();
  const std::string context = who.tenant_id + "/referral";
  const sealed summary = env.keys.seal(p.summary, context);
  const sealed reason = env.keys.seal(p.reason, context);
  const std::string referral_id =
      tx.exec_prepared1("referral_insert", who.tenant_id, number_text(year, n), p.consultation_id,
                        env.tenant->hub_skipped, env.tenant->answers_through_hub,
                        pqxx::binarystring(summary.blob), static_cast<std::int32_t>(summary.key_id),
                        pqxx::binarystring(reason.blob), static_cast<std::int32_t>(reason.key_id),
                        who.user_id)[0]
          .as<std::string>();
  for (std::size_t i = 0; i < r.suggested_units.size(); ++i) {
    rt::unit_kind kind = rt::unit_kind::department;
    for (const auto& u : ctx.units) {
      if (u.id == r.suggested_units[i]) {
        kind = u.kind;
      }
    }
    tx.exec_prepared0("referral_insert_suggested", who.tenant_id, referral_id, r.suggested_units[i],
                      std::string(unit_kind_name(kind)), static_cast<int>(i), who.user_id);
  }
  for (std::size_t i = 0; i < p.categories.size(); ++i) {
    tx.exec_prepared0("referral_insert_category", who.tenant_id, referral_id, p.categories[i],
                      static_cast<int>(i));
  }
  tx.exec_prepared0("referral_first_event", who.tenant_id, referral_id, who.user_id);
  audit(tx, who.tenant_id, who.user_id, "referral.propose", "referral", referral_id,
        json_object({{"consultation_id", p.consultation_id}, {"emergency", p.emergency ? "true" : "false"}}));

  auto loaded = load_referral(tx, who.tenant_id, referral_id);
  with_tenant_units(*loaded, *env.tenant);
  if (p.emergency) {
    if (const auto e = send_emergency(tx, env, who, *loaded, *p.emergency)) {
      return refused<referral_view>(*e);  // checked above; the transaction is rolled back
    }
  } else {
    auto next = rt::transition(r, rt::referral_events::request_consent{}, ctx);
    if (const auto* e = std::get_if<rt::rule_error>(&next)) {
      return refused<referral_view>(*e);
    }
    request_consent(tx, env, who, referral_id, p.consultation_id, resident_id, r, p.summary, p.categories);
    save_referral(tx, *loaded, std::get<rt::referral>(next), "request_consent", acting{ctx.who, who.user_id},
                  "none", "requested");
  }
  referral_view view = read_referral_view(tx, env, who.tenant_id, referral_id);
  tx.commit();
  return ok(std::move(view));
}

op_result<referral_view> record_referral_consent(pqxx::connection& conn, const referral_env& env,
                                                 const actor& who, const std::string& referral_id, int kind,
                                                 const std::string& message_id) {
  if (env.tenant == nullptr) {
    return refuse<referral_view>(op_status::not_found);
  }
  pqxx::work tx(conn, "referral_consent");
  auto r = load_for_write(tx, env, who, referral_id);
  if (!r) {
    return refuse<referral_view>(op_status::not_found);
  }
  if (r->consent && r->consent->status.state == rt::consent_state::expired) {
    tx.commit();  // the expiry just recorded stays
    return refuse<referral_view>(op_status::conflict, "consent_expired");
  }
  if (!is_uuid(message_id)) {
    return refuse<referral_view>(op_status::invalid, "message_not_found");
  }
  const pqxx::result m =
      tx.exec_prepared("referral_resident_message", who.tenant_id, message_id, r->consultation_id);
  if (m.empty()) {
    return refuse<referral_view>(op_status::invalid, "message_not_found");
  }
  const rt::instant said{std::chrono::seconds{m[0][0].as<long long>()}};
  const auto event_kind = kind == 0   ? rt::consent_event_kind::grant
                          : kind == 1 ? rt::consent_event_kind::decline
                                      : rt::consent_event_kind::withdraw;
  const acting by{routing_actor(who, *env.tenant), who.user_id};
  const consent_change change{event_kind, rt::counsellor_record{message_id, said}, {}};
  if (const auto e = apply_consent(tx, *r, change, by, now_instant())) {
    return refused<referral_view>(*e);
  }
  audit(tx, who.tenant_id, who.user_id, "referral.consent_record", "referral", referral_id,
        json_object(
            {{"consent", std::string(rt::to_string(r->consent->status.state))}, {"message_id", message_id}}));
  referral_view view = read_referral_view(tx, env, who.tenant_id, referral_id);
  tx.commit();
  return ok(std::move(view));
}

op_result<referral_view> emergency_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                            const std::string& referral_id, const emergency_basis& basis) {
  if (env.tenant == nullptr) {
    return refuse<referral_view>(op_status::not_found);
  }
  pqxx::work tx(conn, "referral_emergency");
  auto r = load_for_write(tx, env, who, referral_id);
  if (!r) {
    return refuse<referral_view>(op_status::not_found);
  }
  if (const auto e = send_emergency(tx, env, who, *r, basis)) {
    tx.commit();  // keeps an expiry recorded on the way
    return refused<referral_view>(*e);
  }
  referral_view view = read_referral_view(tx, env, who.tenant_id, referral_id);
  tx.commit();
  return ok(std::move(view));
}

op_result<referral_view> close_referral(pqxx::connection& conn, const referral_env& env, const actor& who,
                                        const std::string& referral_id) {
  if (env.tenant == nullptr) {
    return refuse<referral_view>(op_status::not_found);
  }
  pqxx::work tx(conn, "referral_close");
  auto r = load_for_write(tx, env, who, referral_id);
  if (!r) {
    return refuse<referral_view>(op_status::not_found);
  }
  const auto ctx = context_of(who, *env.tenant);
  auto next = rt::transition(r->state, rt::referral_events::close{}, ctx);
  if (const auto* e = std::get_if<rt::rule_error>(&next)) {
    tx.commit();
    return refused<referral_view>(*e);
  }
  save_referral(tx, *r, std::get<rt::referral>(next), "close", acting{ctx.who, who.user_id});
  audit(tx, who.tenant_id, who.user_id, "referral.close", "referral", referral_id);
  referral_view view = read_referral_view(tx, env, who.tenant_id, referral_id);
  tx.commit();
  return ok(std::move(view));
}

}  // namespace yorisoi::storage::detail
