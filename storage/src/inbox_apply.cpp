#include "inbox_apply.hpp"

#include "stored_event.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

// The three resident upserts share their ON CONFLICT tail: last seen moves forward, and a newer key
// re-seals the LINE user id on the way (key rotation without a rewrite of every row at once).
constexpr const char* resident_follow_sql = R"sql(
INSERT INTO resident AS r (tenant_id, pseudonym, channel_key, line_user_id, line_user_key_id, followed,
                           first_seen_at, last_seen_at)
VALUES ($1, $2, $3, $4, $5, true, $6, $6)
ON CONFLICT (tenant_id, pseudonym) DO UPDATE
   SET followed = true, unfollowed_at = NULL,
       last_seen_at = greatest(r.last_seen_at, EXCLUDED.last_seen_at),
       line_user_id = CASE WHEN r.line_user_key_id < EXCLUDED.line_user_key_id
                           THEN EXCLUDED.line_user_id ELSE r.line_user_id END,
       line_user_key_id = greatest(r.line_user_key_id, EXCLUDED.line_user_key_id)
RETURNING resident_id::text
)sql";

constexpr const char* resident_unfollow_sql = R"sql(
INSERT INTO resident AS r (tenant_id, pseudonym, channel_key, line_user_id, line_user_key_id, followed,
                           unfollowed_at, first_seen_at, last_seen_at)
VALUES ($1, $2, $3, $4, $5, false, $6, $6, $6)
ON CONFLICT (tenant_id, pseudonym) DO UPDATE
   SET followed = false, unfollowed_at = EXCLUDED.unfollowed_at,
       last_seen_at = greatest(r.last_seen_at, EXCLUDED.last_seen_at),
       line_user_id = CASE WHEN r.line_user_key_id < EXCLUDED.line_user_key_id
                           THEN EXCLUDED.line_user_id ELSE r.line_user_id END,
       line_user_key_id = greatest(r.line_user_key_id, EXCLUDED.line_user_key_id)
RETURNING resident_id::text
)sql";

// A message from someone we have not seen follow (e.g. a friend from before the service started).
constexpr const char* resident_seen_sql = R"sql(
INSERT INTO resident AS r (tenant_id, pseudonym, channel_key, line_user_id, line_user_key_id, followed,
                           first_seen_at, last_seen_at)
VALUES ($1, $2, $3, $4, $5, true, $6, $6)
ON CONFLICT (tenant_id, pseudonym) DO UPDATE
   SET last_seen_at = greatest(r.last_seen_at, EXCLUDED.last_seen_at),
       line_user_id = CASE WHEN r.line_user_key_id < EXCLUDED.line_user_key_id
                           THEN EXCLUDED.line_user_id ELSE r.line_user_id END,
       line_user_key_id = greatest(r.line_user_key_id, EXCLUDED.line_user_key_id)
RETURNING resident_id::text
)sql";

// The resident writes again: an assigned consultation goes back to the queue as waiting.
constexpr const char* consultation_continue_sql = R"sql(
UPDATE consultation
   SET state = CASE WHEN state = 'assigned' THEN 'waiting' ELSE state END,
       last_message_at = greatest(last_message_at, $3::timestamptz)
 WHERE tenant_id = $1 AND resident_id = $2::uuid AND state <> 'closed'
RETURNING consultation_id::text
)sql";

constexpr const char* consultation_open_sql = R"sql(
INSERT INTO consultation (tenant_id, resident_id, state, priority, opened_at, last_message_at)
VALUES ($1, $2::uuid, 'waiting', 'normal', $3::timestamptz, $3::timestamptz)
RETURNING consultation_id::text
)sql";

constexpr const char* message_insert_sql = R"sql(
INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, line_message_id, body,
                     body_key_id, sent_at, source_event_id)
VALUES ($1, $2::uuid, $3::uuid, 'in', $4, NULLIF($5, ''), $6::bytea, $7::integer, $8::timestamptz, $9::uuid)
ON CONFLICT (tenant_id, line_message_id) WHERE line_message_id IS NOT NULL DO NOTHING
)sql";

// The resident withdrew a message: its text is erased, the fact that it existed stays.
constexpr const char* message_withdraw_sql = R"sql(
UPDATE message SET withdrawn_at = $3::timestamptz, body = NULL, body_key_id = NULL
 WHERE tenant_id = $1 AND line_message_id = $2 AND direction = 'in'
)sql";

std::string upsert_resident(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                            const routing::line_event& ev, const char* statement) {
  const std::string pseudonym = keys.pseudonym(row.channel_key, ev.source_user_id);
  const sealed user_id = keys.seal(ev.source_user_id, row.tenant_id + "/resident");
  return tx
      .exec_prepared1(statement, row.tenant_id, pqxx::binarystring(pseudonym), row.channel_key,
                      pqxx::binarystring(user_id.blob), static_cast<std::int32_t>(user_id.key_id),
                      row.occurred_at)[0]
      .as<std::string>();
}

void apply_follow(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                  const routing::line_event& ev) {
  if (!ev.source_user_id.empty()) {
    (void)upsert_resident(tx, keys, row, ev, "resident_follow");
  }
}

void apply_unfollow(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                    const routing::line_event& ev) {
  if (!ev.source_user_id.empty()) {
    (void)upsert_resident(tx, keys, row, ev, "resident_unfollow");
  }
}

void apply_message(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                   const routing::line_event& ev) {
  // Consultations are one-to-one; messages in groups and rooms are not consultations.
  if (ev.source_type != "user" || ev.source_user_id.empty()) {
    return;
  }
  const std::string resident_id = upsert_resident(tx, keys, row, ev, "resident_seen");
  const pqxx::result open =
      tx.exec_prepared("consultation_continue", row.tenant_id, resident_id, row.occurred_at);
  const std::string consultation_id =
      open.empty() ? tx.exec_prepared1("consultation_open", row.tenant_id, resident_id, row.occurred_at)[0]
                         .as<std::string>()
                   : open[0][0].as<std::string>();
  const std::string kind = ev.message_type.empty() ? "unknown" : ev.message_type;
  if (kind == "text") {
    const sealed body = keys.seal(ev.text, row.tenant_id + "/message");
    tx.exec_prepared0("message_insert", row.tenant_id, consultation_id, resident_id, kind, ev.message_id,
                      pqxx::binarystring(body.blob), static_cast<std::int32_t>(body.key_id), row.occurred_at,
                      row.event_id);
  } else {
    tx.exec_prepared0("message_insert", row.tenant_id, consultation_id, resident_id, kind, ev.message_id,
                      nullptr, nullptr, row.occurred_at, row.event_id);
  }
}

void apply_unsend(pqxx::transaction_base& tx, const inbox_row& row, const routing::line_event& ev) {
  if (!ev.message_id.empty()) {
    tx.exec_prepared0("message_withdraw", row.tenant_id, ev.message_id, row.occurred_at);
  }
}

}  // namespace

void prepare_apply_statements(pqxx::connection& conn) {
  conn.prepare("resident_follow", resident_follow_sql);
  conn.prepare("resident_unfollow", resident_unfollow_sql);
  conn.prepare("resident_seen", resident_seen_sql);
  conn.prepare("consultation_continue", consultation_continue_sql);
  conn.prepare("consultation_open", consultation_open_sql);
  conn.prepare("message_insert", message_insert_sql);
  conn.prepare("message_withdraw", message_withdraw_sql);
}

bool changes_domain(routing::line_event_type type) noexcept {
  return type == routing::line_event_type::follow || type == routing::line_event_type::unfollow ||
         type == routing::line_event_type::message || type == routing::line_event_type::unsend;
}

void apply_event(pqxx::transaction_base& tx, const keyring& keys, const inbox_row& row,
                 const routing::line_event& event) {
  switch (event.type) {
    case routing::line_event_type::follow:
      apply_follow(tx, keys, row, event);
      return;
    case routing::line_event_type::unfollow:
      apply_unfollow(tx, keys, row, event);
      return;
    case routing::line_event_type::message:
      apply_message(tx, keys, row, event);
      return;
    case routing::line_event_type::unsend:
      apply_unsend(tx, row, event);
      return;
    // Stored for the record; nothing to apply yet (postback consent answers come with referrals).
    case routing::line_event_type::join:
    case routing::line_event_type::leave:
    case routing::line_event_type::member_joined:
    case routing::line_event_type::member_left:
    case routing::line_event_type::postback:
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
      return;
  }
}

}  // namespace yorisoi::storage::detail
