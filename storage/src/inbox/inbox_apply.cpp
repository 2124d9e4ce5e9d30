#include "inbox/inbox_apply.hpp"

#include "inbox/alert_write.hpp"
#include "inbox/apply_message.hpp"
#include "inbox/line_messages.hpp"
#include "inbox/outbox_write.hpp"
#include "inbox/postback_consent.hpp"
#include "inbox/resident_tap.hpp"
#include "inbox/stored_event.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

// One upsert for every event that names a resident; $7 says what the event does to following:
// 'follow' (friend added or unblocked), 'unfollow' (blocked), 'seen' (a message: leave it as it is; a
// resident first seen writing follows us). Last seen moves forward, and a newer key re-seals the LINE
// user id on the way (key rotation without a rewrite of every row at once).
constexpr const char* resident_upsert_sql = R"sql(
INSERT INTO resident AS r (tenant_id, pseudonym, channel_key, line_user_id, line_user_key_id, followed,
                           unfollowed_at, first_seen_at, last_seen_at)
VALUES ($1, $2, $3, $4, $5, $7::text <> 'unfollow',
        CASE WHEN $7::text = 'unfollow' THEN $6::timestamptz END, $6, $6)
ON CONFLICT (tenant_id, pseudonym) DO UPDATE
   SET followed = CASE $7::text WHEN 'follow' THEN true WHEN 'unfollow' THEN false ELSE r.followed END,
       unfollowed_at = CASE $7::text WHEN 'follow' THEN NULL WHEN 'unfollow' THEN EXCLUDED.unfollowed_at
                                     ELSE r.unfollowed_at END,
       last_seen_at = greatest(r.last_seen_at, EXCLUDED.last_seen_at),
       line_user_id = CASE WHEN r.line_user_key_id < EXCLUDED.line_user_key_id
                           THEN EXCLUDED.line_user_id ELSE r.line_user_id END,
       line_user_key_id = greatest(r.line_user_key_id, EXCLUDED.line_user_key_id)
RETURNING resident_id::text
)sql";

// The resident withdrew a message: its text is erased, the fact that it existed stays.
constexpr const char* message_withdraw_sql = R"sql(
UPDATE message SET withdrawn_at = $3::timestamptz, body = NULL, body_key_id = NULL
 WHERE tenant_id = $1 AND line_message_id = $2 AND direction = 'in'
)sql";

bool answer_follow(pqxx::transaction_base& tx, const apply_context& ctx, const inbox_row& row,
                   const routing::line_event& ev, const std::string& resident_id) {
  if (ctx.rules == nullptr) {
    return false;
  }
  const auto answers = routing::decide_follow(*ctx.rules, ev.mode == routing::line_event_mode::standby);
  const answer_target target{row.tenant_id, row.channel_key, resident_id,     {},
                             row.event_id,  ev.reply_token,  row.received_at, row.occurred_at};
  return write_answers(tx, ctx.keys, target, answers, ctx.reply_token_usable);
}

bool apply_follow(pqxx::transaction_base& tx, const apply_context& ctx, const inbox_row& row,
                  const routing::line_event& ev) {
  if (ev.source_user_id.empty()) {
    return false;
  }
  const std::string resident_id = upsert_resident(tx, ctx.keys, row, ev, "follow");
  return answer_follow(tx, ctx, row, ev, resident_id);
}

void apply_unfollow(pqxx::transaction_base& tx, const apply_context& ctx, const inbox_row& row,
                    const routing::line_event& ev) {
  if (ev.source_user_id.empty()) {
    return;
  }
  const std::string resident_id = upsert_resident(tx, ctx.keys, row, ev, "unfollow");
  // Blocked: automatic answers not yet sent would fail anyway, and must not arrive after a re-follow.
  cancel_pending_auto(tx, row.tenant_id, resident_id);
}

// A consent answer (postback_consent.hpp), or the age-band quick reply (resident_tap.hpp): only a band
// the tenant offers is recorded; other postbacks are stored for the record. Returns whether outbox rows
// were written.
bool apply_postback(pqxx::transaction_base& tx, const apply_context& ctx, const inbox_row& row,
                    const routing::line_event& ev) {
  if (const auto consent = apply_consent_postback(tx, ctx, row, ev)) {
    return *consent;
  }
  if (ctx.rules == nullptr || ev.source_type != "user" || ev.source_user_id.empty()) {
    return false;
  }
  const auto band = age_band_of_postback(ev.postback_data, ctx.rules->texts.age_bands);
  if (!band) {
    return false;
  }
  const std::string resident_id = upsert_resident(tx, ctx.keys, row, ev, "seen");
  apply_age_band_tap(tx, ctx.keys, row, resident_id, *band);
  return false;
}

void apply_unsend(pqxx::transaction_base& tx, const inbox_row& row, const routing::line_event& ev) {
  if (!ev.message_id.empty()) {
    tx.exec_prepared0("message_withdraw", row.tenant_id, ev.message_id, row.occurred_at);
  }
}

}  // namespace

std::string upsert_resident(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                            const routing::line_event& ev, const char* following) {
  const std::string pseudonym = keys.pseudonym(row.channel_key, ev.source_user_id);
  const sealed user_id = keys.seal(ev.source_user_id, row.tenant_id + "/resident");
  return tx
      .exec_prepared1("resident_upsert", row.tenant_id, pqxx::binarystring(pseudonym), row.channel_key,
                      pqxx::binarystring(user_id.blob), static_cast<std::int32_t>(user_id.key_id),
                      row.occurred_at, std::string(following))[0]
      .as<std::string>();
}

void prepare_apply_statements(pqxx::connection& conn) {
  conn.prepare("resident_upsert", resident_upsert_sql);
  conn.prepare("message_withdraw", message_withdraw_sql);
  prepare_message_statements(conn);
  prepare_alert_write_statements(conn);
  prepare_outbox_write_statements(conn);
  prepare_postback_consent_statements(conn);
  prepare_resident_tap_statements(conn);
}

bool changes_domain(routing::line_event_type type) noexcept {
  return type == routing::line_event_type::follow || type == routing::line_event_type::unfollow ||
         type == routing::line_event_type::message || type == routing::line_event_type::unsend ||
         type == routing::line_event_type::postback;
}

bool apply_event(pqxx::transaction_base& tx, const apply_context& ctx, const inbox_row& row,
                 const routing::line_event& event) {
  switch (event.type) {
    case routing::line_event_type::follow:
      return apply_follow(tx, ctx, row, event);
    case routing::line_event_type::unfollow:
      apply_unfollow(tx, ctx, row, event);
      return false;
    case routing::line_event_type::message:
      return apply_message(tx, ctx, row, event);
    case routing::line_event_type::unsend:
      apply_unsend(tx, row, event);
      return false;
    case routing::line_event_type::postback:
      return apply_postback(tx, ctx, row, event);
    // Stored for the record; nothing to apply.
    case routing::line_event_type::join:
    case routing::line_event_type::leave:
    case routing::line_event_type::member_joined:
    case routing::line_event_type::member_left:
    case routing::line_event_type::video_play_complete:
    case routing::line_event_type::beacon:
    case routing::line_event_type::account_link:
    case routing::line_event_type::things:
    case routing::line_event_type::module:
    case routing::line_event_type::activated:
    case routing::line_event_type::deactivated:
    case routing::line_event_type::bot_suspended:
    case routing::line_event_type::bot_resumed:
    case routing::line_event_type::unknown:
      return false;
  }
  return false;
}

}  // namespace yorisoi::storage::detail
