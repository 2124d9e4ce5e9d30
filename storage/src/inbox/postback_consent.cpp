#include "inbox/postback_consent.hpp"

#include "console/console_common.hpp"
#include "referral/referral_messages.hpp"
#include "referral/referral_state.hpp"
#include "inbox/resident_tap.hpp"

#include "yorisoi/routing/consent_request.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

namespace yorisoi::storage::detail {
namespace {

namespace rt = routing;

constexpr const char* consent_by_token_sql = R"sql(
SELECT referral_id::text, consent_id::text FROM referral_consent WHERE tenant_id = $1 AND token_hash = $2
)sql";

rt::consent_answer answer_of(rt::consent_event_kind kind) noexcept {
  switch (kind) {
    case rt::consent_event_kind::grant:
      return rt::consent_answer::grant;
    case rt::consent_event_kind::withdraw:
      return rt::consent_answer::withdraw;
    case rt::consent_event_kind::decline:
    case rt::consent_event_kind::request:
    case rt::consent_event_kind::expire:
      return rt::consent_answer::decline;
  }
  return rt::consent_answer::decline;
}

rt::consent_event_kind kind_of(rt::consent_answer answer) noexcept {
  switch (answer) {
    case rt::consent_answer::grant:
      return rt::consent_event_kind::grant;
    case rt::consent_answer::decline:
      return rt::consent_event_kind::decline;
    case rt::consent_answer::withdraw:
      return rt::consent_event_kind::withdraw;
  }
  return rt::consent_event_kind::decline;
}

bool acknowledge(pqxx::transaction_base& tx, const apply_context& ctx, const inbox_row& row,
                 const routing::line_event& ev, const loaded_referral& r, rt::consent_answer meant,
                 const std::string& consent_token) {
  const std::string context = row.tenant_id + "/outbox";
  const sealed messages = ctx.keys.seal(consent_ack_json(meant, consent_token), context);
  std::string outbox_id;
  if (ev.reply_token.empty()) {
    outbox_id =
        tx.exec_prepared1("outbox_insert", row.tenant_id, row.channel_key, r.resident_id, r.consultation_id,
                          std::string("consent_ack"), pqxx::binarystring(messages.blob),
                          static_cast<std::int32_t>(messages.key_id), nullptr, nullptr, row.received_at,
                          static_cast<long long>(ctx.reply_token_usable.count()), row.event_id)[0]
            .as<std::string>();
  } else {
    const sealed token = ctx.keys.seal(ev.reply_token, context);
    outbox_id =
        tx.exec_prepared1("outbox_insert", row.tenant_id, row.channel_key, r.resident_id, r.consultation_id,
                          std::string("consent_ack"), pqxx::binarystring(messages.blob),
                          static_cast<std::int32_t>(messages.key_id), pqxx::binarystring(token.blob),
                          static_cast<std::int32_t>(token.key_id), row.received_at,
                          static_cast<long long>(ctx.reply_token_usable.count()), row.event_id)[0]
            .as<std::string>();
  }
  const sealed body = ctx.keys.seal(consent_ack_text(meant), row.tenant_id + "/message");
  tx.exec_prepared0("message_out", row.tenant_id, r.consultation_id, r.resident_id,
                    pqxx::binarystring(body.blob), static_cast<std::int32_t>(body.key_id), row.occurred_at,
                    row.event_id, outbox_id, std::string("consent_ack"), 0);
  return true;
}

}  // namespace

void prepare_postback_consent_statements(pqxx::connection& conn) {
  conn.prepare("consent_by_token", consent_by_token_sql);
  prepare_referral_state_statements(conn);
}

std::optional<bool> apply_consent_postback(pqxx::transaction_base& tx, const apply_context& ctx,
                                           const inbox_row& row, const routing::line_event& ev) {
  const auto answer = rt::parse_consent_postback(ev.postback_data);
  if (!answer) {
    return std::nullopt;
  }
  if (ev.source_type != "user" || ev.source_user_id.empty()) {
    spdlog::info("storage: consent postback {} ignored: not from a user", row.event_id);
    return false;
  }
  const pqxx::result found =
      tx.exec_prepared("consent_by_token", row.tenant_id, pqxx::binarystring(token_hash(answer->token)));
  if (found.empty()) {
    spdlog::info("storage: consent postback {} ignored: unknown token", row.event_id);
    return false;
  }
  const std::string resident_id = upsert_resident(tx, ctx.keys, row, ev, "seen");
  std::optional<loaded_referral> r = load_referral(tx, row.tenant_id, found[0][0].as<std::string>());
  if (!r || r->resident_id != resident_id) {
    spdlog::info("storage: consent postback {} ignored: not the referral's resident", row.event_id);
    return false;
  }
  // The counsellor sees every tap of the resident's on their referral, whatever it changes.
  record_tap(tx, ctx.keys, row, r->consultation_id, resident_id, consent_tap_label(answer->answer));
  // Only the latest request answers: an old message's buttons name a consent that was replaced.
  if (!r->consent || r->consent->consent_id != found[0][1].as<std::string>()) {
    spdlog::info("storage: consent postback {} ignored: superseded request", row.event_id);
    return false;
  }
  // The tap counts when it was made (LINE's timestamp), not when the processor got to it; what it
  // means depends on the consent's state then (同意しない after 同意する withdraws).
  const rt::instant at{
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::milliseconds{ev.timestamp_ms})};
  const rt::consent_event_kind meant =
      rt::tapped_event(kind_of(answer->answer), rt::state_at(r->consent->status, at, r->consent->ttl));
  const acting resident{rt::actor::resident(), {}};
  const consent_change change{meant, rt::postback_source{ev.webhook_event_id, at}, row.event_id};
  if (const auto refused = apply_consent(tx, *r, change, resident, at)) {
    spdlog::info("storage: consent postback {} for referral {} refused: {}", row.event_id, r->referral_id,
                 refused->code);
    return false;
  }
  spdlog::info("storage: consent postback {} applied to referral {}", row.event_id, r->referral_id);
  return acknowledge(tx, ctx, row, ev, *r, answer_of(meant), answer->token);
}

}  // namespace yorisoi::storage::detail
