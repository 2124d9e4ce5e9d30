#include "referral/referral_state.hpp"

#include "console/console_common.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace yorisoi::storage::detail {
namespace {

namespace rt = routing;

constexpr const char* load_sql = R"sql(
SELECT r.consultation_id::text, r.stage, r.emergency, r.hub_involved, r.hub_skipped, r.answers_through_hub,
       r.cause, c.resident_id::text
  FROM referral r JOIN consultation c ON c.tenant_id = r.tenant_id AND c.consultation_id = r.consultation_id
 WHERE r.tenant_id = $1 AND r.referral_id = $2::uuid
   FOR UPDATE OF r
)sql";
// The same rows without locks, for reads that change nothing (the officers' inbox and detail).
constexpr const char* peek_sql = R"sql(
SELECT r.consultation_id::text, r.stage, r.emergency, r.hub_involved, r.hub_skipped, r.answers_through_hub,
       r.cause, c.resident_id::text
  FROM referral r JOIN consultation c ON c.tenant_id = r.tenant_id AND c.consultation_id = r.consultation_id
 WHERE r.tenant_id = $1 AND r.referral_id = $2::uuid
)sql";
constexpr const char* units_sql = R"sql(
SELECT role, unit_id, unit_kind, answered_at IS NOT NULL
  FROM referral_unit WHERE tenant_id = $1 AND referral_id = $2::uuid
 ORDER BY role, position
)sql";
constexpr const char* answered_sql = R"sql(
SELECT unit_id FROM referral_unit
 WHERE tenant_id = $1 AND referral_id = $2::uuid AND role = 'recipient' AND answered_at IS NOT NULL
 ORDER BY answered_at, position
)sql";
constexpr const char* consent_sql = R"sql(
SELECT consent_id::text, state, extract(epoch FROM requested_at)::bigint,
       extract(epoch FROM expires_at - requested_at)::bigint
  FROM referral_consent WHERE tenant_id = $1 AND referral_id = $2::uuid
 ORDER BY requested_at DESC LIMIT 1
   FOR UPDATE
)sql";
constexpr const char* peek_consent_sql = R"sql(
SELECT consent_id::text, state, extract(epoch FROM requested_at)::bigint,
       extract(epoch FROM expires_at - requested_at)::bigint
  FROM referral_consent WHERE tenant_id = $1 AND referral_id = $2::uuid
 ORDER BY requested_at DESC LIMIT 1
)sql";
constexpr const char* save_sql = R"sql(
UPDATE referral SET stage = $3, emergency = $4, hub_involved = $5, cause = $6, updated_at = now()
 WHERE tenant_id = $1 AND referral_id = $2::uuid
)sql";
constexpr const char* add_recipient_sql = R"sql(
INSERT INTO referral_unit (tenant_id, referral_id, role, unit_id, unit_kind, position, added_by)
VALUES ($1, $2::uuid, 'recipient', $3, $4, $5, NULLIF($6, '')::uuid)
)sql";
constexpr const char* event_sql = R"sql(
INSERT INTO referral_event (tenant_id, referral_id, actor_kind, actor_id, event, from_stage, to_stage,
                            consent_from, consent_to, detail)
VALUES ($1, $2::uuid, $3, NULLIF($4, '')::uuid, $5, NULLIF($6, ''), $7, NULLIF($8, ''), NULLIF($9, ''), $10::jsonb)
)sql";
// $3 state; $4 answered/withdrawn time (epoch s); $5 via; $6 inbox event; $7 webhook event id;
// $8 message id; $9 recorded by.
constexpr const char* consent_answer_sql = R"sql(
UPDATE referral_consent
   SET state = $3, answered_at = to_timestamp($4), answer_via = $5, answer_event_id = NULLIF($6, '')::uuid,
       answer_webhook_event_id = NULLIF($7, ''), answer_message_id = NULLIF($8, '')::uuid,
       answer_recorded_by = NULLIF($9, '')::uuid
 WHERE tenant_id = $1 AND consent_id = $2::uuid
)sql";
constexpr const char* consent_withdraw_sql = R"sql(
UPDATE referral_consent
   SET state = $3, withdrawn_at = to_timestamp($4), withdraw_via = $5, withdraw_event_id = NULLIF($6, '')::uuid,
       withdraw_webhook_event_id = NULLIF($7, ''), withdraw_message_id = NULLIF($8, '')::uuid,
       withdraw_recorded_by = NULLIF($9, '')::uuid
 WHERE tenant_id = $1 AND consent_id = $2::uuid
)sql";
constexpr const char* consent_expire_sql = R"sql(
UPDATE referral_consent SET state = 'expired', expired_at = now() WHERE tenant_id = $1 AND consent_id = $2::uuid
)sql";

std::string_view actor_kind_name(rt::actor_kind kind) noexcept {
  switch (kind) {
    case rt::actor_kind::resident:
      return "resident";
    case rt::actor_kind::staff:
      return "staff";
    case rt::actor_kind::system:
      return "system";
  }
  return "system";
}

rt::cancel_cause parse_cause(std::string_view text) noexcept {
  if (text == "consent_declined") {
    return rt::cancel_cause::consent_declined;
  }
  if (text == "consent_expired") {
    return rt::cancel_cause::consent_expired;
  }
  if (text == "consent_withdrawn") {
    return rt::cancel_cause::consent_withdrawn;
  }
  return rt::cancel_cause::none;
}

std::string_view consent_event_name(rt::consent_event_kind kind) noexcept {
  switch (kind) {
    case rt::consent_event_kind::request:
      return "consent.request";
    case rt::consent_event_kind::grant:
      return "consent.grant";
    case rt::consent_event_kind::decline:
      return "consent.decline";
    case rt::consent_event_kind::expire:
      return "consent.expire";
    case rt::consent_event_kind::withdraw:
      return "consent.withdraw";
  }
  return "consent";
}

std::optional<rt::referral_event> referral_event_for(rt::consent_event_kind kind) {
  switch (kind) {
    case rt::consent_event_kind::grant:
      return rt::referral_events::consent_granted{};
    case rt::consent_event_kind::decline:
      return rt::referral_events::consent_declined{};
    case rt::consent_event_kind::expire:
      return rt::referral_events::consent_expired{};
    case rt::consent_event_kind::withdraw:
      return rt::referral_events::consent_withdrawn{};
    case rt::consent_event_kind::request:
      return std::nullopt;
  }
  return std::nullopt;
}

void write_consent(pqxx::transaction_base& tx, const loaded_referral& r, const consent_change& change,
                   const rt::consent_status& next, const acting& by) {
  const std::string state{rt::to_string(next.state)};
  if (change.kind == rt::consent_event_kind::expire) {
    tx.exec_prepared0("referral_consent_expire", r.tenant_id, r.consent->consent_id);
    return;
  }
  std::string via;
  std::string webhook_event_id;
  std::string message_id;
  long long at = 0;
  if (change.source) {
    if (const auto* p = std::get_if<rt::postback_source>(&*change.source)) {
      via = "postback";
      webhook_event_id = p->event_id;
      at = p->at.time_since_epoch().count();
    } else {
      const auto& c = std::get<rt::counsellor_record>(*change.source);
      via = "counsellor";
      message_id = c.message_id;
      at = c.at.time_since_epoch().count();
    }
  }
  const char* statement = change.kind == rt::consent_event_kind::withdraw ? "referral_consent_withdraw"
                                                                          : "referral_consent_answer";
  tx.exec_prepared0(statement, r.tenant_id, r.consent->consent_id, state, at, via, change.inbox_event_id,
                    webhook_event_id, message_id, by.user_id);
}

}  // namespace

std::string_view cause_name(rt::cancel_cause cause) noexcept {
  switch (cause) {
    case rt::cancel_cause::none:
      return "none";
    case rt::cancel_cause::consent_declined:
      return "consent_declined";
    case rt::cancel_cause::consent_expired:
      return "consent_expired";
    case rt::cancel_cause::consent_withdrawn:
      return "consent_withdrawn";
  }
  return "none";
}

std::string_view unit_kind_name(rt::unit_kind kind) noexcept {
  switch (kind) {
    case rt::unit_kind::hub:
      return "hub";
    case rt::unit_kind::department:
      return "department";
    case rt::unit_kind::platform_group:
      return "platform_group";
  }
  return "department";
}

rt::unit_kind parse_unit_kind(std::string_view text) noexcept {
  if (text == "hub") {
    return rt::unit_kind::hub;
  }
  if (text == "platform_group") {
    return rt::unit_kind::platform_group;
  }
  return rt::unit_kind::department;
}

void prepare_referral_state_statements(pqxx::connection& conn) {
  conn.prepare("referral_load", load_sql);
  conn.prepare("referral_peek", peek_sql);
  conn.prepare("referral_peek_consent", peek_consent_sql);
  conn.prepare("referral_load_units", units_sql);
  conn.prepare("referral_load_answered", answered_sql);
  conn.prepare("referral_load_consent", consent_sql);
  conn.prepare("referral_save", save_sql);
  conn.prepare("referral_add_recipient", add_recipient_sql);
  conn.prepare("referral_event", event_sql);
  conn.prepare("referral_consent_answer", consent_answer_sql);
  conn.prepare("referral_consent_withdraw", consent_withdraw_sql);
  conn.prepare("referral_consent_expire", consent_expire_sql);
}

std::optional<loaded_referral> load_referral(pqxx::transaction_base& tx, const std::string& tenant_id,
                                             const std::string& referral_id, row_lock lock) {
  if (!is_uuid(referral_id)) {
    return std::nullopt;
  }
  const bool locked = lock == row_lock::update;
  const pqxx::result head =
      tx.exec_prepared(locked ? "referral_load" : "referral_peek", tenant_id, referral_id);
  if (head.empty()) {
    return std::nullopt;
  }
  loaded_referral r;
  r.tenant_id = tenant_id;
  r.referral_id = referral_id;
  r.consultation_id = head[0][0].as<std::string>();
  r.state.stage =
      rt::parse_referral_stage(head[0][1].as<std::string>()).value_or(rt::referral_stage::cancelled);
  r.state.emergency = head[0][2].as<bool>();
  r.state.hub_involved = head[0][3].as<bool>();
  r.options.hub_skipped = head[0][4].as<bool>();
  r.options.answers_through_hub = head[0][5].as<bool>();
  r.state.cause = parse_cause(head[0][6].as<std::string>());
  r.resident_id = head[0][7].as<std::string>();
  for (const pqxx::row& u : tx.exec_prepared("referral_load_units", tenant_id, referral_id)) {
    const std::string id = u[1].as<std::string>();
    if (u[0].as<std::string>() == "suggested") {
      r.state.suggested_units.push_back(id);
    } else {
      r.state.recipients.push_back(id);
    }
    const bool known =
        std::any_of(r.units.begin(), r.units.end(), [&](const rt::unit_ref& x) { return x.id == id; });
    if (!known) {
      r.units.push_back(rt::unit_ref{id, parse_unit_kind(u[2].as<std::string>())});
    }
  }
  for (const pqxx::row& u : tx.exec_prepared("referral_load_answered", tenant_id, referral_id)) {
    r.state.answered_by.push_back(u[0].as<std::string>());
  }
  const pqxx::result c =
      tx.exec_prepared(locked ? "referral_load_consent" : "referral_peek_consent", tenant_id, referral_id);
  if (!c.empty()) {
    loaded_consent lc;
    lc.consent_id = c[0][0].as<std::string>();
    lc.status.state = rt::parse_consent_state(c[0][1].as<std::string>()).value_or(rt::consent_state::none);
    lc.status.requested_at = rt::instant{std::chrono::seconds{c[0][2].as<long long>()}};
    lc.ttl = std::chrono::seconds{c[0][3].as<long long>()};
    r.consent = lc;
  }
  return r;
}

void log_referral_event(pqxx::transaction_base& tx, const loaded_referral& r, const std::string& event,
                        const acting& by, const std::string& consent_from, const std::string& consent_to,
                        const std::string& detail_json) {
  const std::string stage{rt::to_string(r.state.stage)};
  tx.exec_prepared0("referral_event", r.tenant_id, r.referral_id, std::string(actor_kind_name(by.who.kind)),
                    by.user_id, event, stage, stage, consent_from, consent_to, detail_json);
}

void save_referral(pqxx::transaction_base& tx, loaded_referral& current, const rt::referral& next,
                   const std::string& event, const acting& by, const std::string& consent_from,
                   const std::string& consent_to, const std::string& detail_json) {
  // New recipients first: the referral's update below announces it to every unit that can see it.
  for (std::size_t i = current.state.recipients.size(); i < next.recipients.size(); ++i) {
    const std::string& id = next.recipients[i];
    rt::unit_kind kind = rt::unit_kind::department;
    for (const rt::unit_ref& u : current.units) {
      if (u.id == id) {
        kind = u.kind;
      }
    }
    tx.exec_prepared0("referral_add_recipient", current.tenant_id, current.referral_id, id,
                      std::string(unit_kind_name(kind)), static_cast<int>(i), by.user_id);
  }
  tx.exec_prepared0("referral_save", current.tenant_id, current.referral_id,
                    std::string(rt::to_string(next.stage)), next.emergency, next.hub_involved,
                    std::string(cause_name(next.cause)));
  tx.exec_prepared0("referral_event", current.tenant_id, current.referral_id,
                    std::string(actor_kind_name(by.who.kind)), by.user_id, event,
                    std::string(rt::to_string(current.state.stage)), std::string(rt::to_string(next.stage)),
                    consent_from, consent_to, detail_json);
  current.state = next;
}

std::optional<rt::rule_error> apply_consent(pqxx::transaction_base& tx, loaded_referral& r,
                                            const consent_change& change, const acting& by, rt::instant now) {
  if (!r.consent) {
    return rt::rule_error{"consent_not_requested", "consent has not been requested for this referral"};
  }
  const rt::consent_context cctx{by.who, now, r.consent->ttl};
  auto consent_next = rt::transition(r.consent->status, rt::consent_event{change.kind, change.source}, cctx);
  if (const auto* error = std::get_if<rt::rule_error>(&consent_next)) {
    return *error;
  }
  const rt::consent_status next_status = std::get<rt::consent_status>(consent_next);
  const std::string from{rt::to_string(r.consent->status.state)};
  const std::string to{rt::to_string(next_status.state)};

  std::optional<rt::referral> referral_next;
  if (const auto event = referral_event_for(change.kind); event && !r.state.emergency) {
    const rt::referral_context rctx{by.who, r.options, r.units};
    auto result = rt::transition(r.state, *event, rctx);
    if (const auto* error = std::get_if<rt::rule_error>(&result)) {
      // A withdrawal is the resident's right whatever the referral's stage: it is recorded, and the
      // referral stands when it can no longer be cancelled (recipients then see only the notice).
      if (change.kind != rt::consent_event_kind::withdraw) {
        return *error;
      }
    } else {
      referral_next = std::get<rt::referral>(result);
    }
  }
  write_consent(tx, r, change, next_status, by);
  r.consent->status = next_status;
  const std::string name{consent_event_name(change.kind)};
  if (referral_next) {
    save_referral(tx, r, *referral_next, name, by, from, to);
  } else {
    log_referral_event(tx, r, name, by, from, to);
  }
  return std::nullopt;
}

bool expire_if_due(pqxx::transaction_base& tx, loaded_referral& r, rt::instant now) {
  if (!r.consent || r.consent->status.state != rt::consent_state::requested) {
    return false;
  }
  if (rt::state_at(r.consent->status, now, r.consent->ttl) != rt::consent_state::expired) {
    return false;
  }
  const acting system{rt::actor::system(), {}};
  return !apply_consent(tx, r, consent_change{rt::consent_event_kind::expire, std::nullopt, {}}, system, now);
}

}  // namespace yorisoi::storage::detail
