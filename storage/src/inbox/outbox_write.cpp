#include "inbox/outbox_write.hpp"

#include "inbox/line_messages.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage::detail {
namespace {

constexpr const char* outbox_insert_sql = R"sql(
INSERT INTO outbox (tenant_id, channel_key, resident_id, consultation_id, origin, kind, messages,
                    messages_key_id, reply_token, reply_token_key_id, reply_token_expires_at, source_event_id)
VALUES ($1, $2, $3::uuid, NULLIF($4, '')::uuid, 'auto', $5, $6, $7, $8::bytea, $9::integer,
        CASE WHEN $8::bytea IS NULL THEN NULL
             ELSE $10::timestamptz + $11::bigint * interval '1 second' END,
        $12::uuid)
RETURNING outbox_id::text
)sql";

// Outbound transcript rows: their delivery state is the outbox row's (join on outbox_id). Each row
// keeps its own kind (greeting, off_hours, crisis, age_question, …), and the answers of one event are
// stamped $10 microseconds after the event, their position in the outbox row, so the transcript
// (ordered by time) shows them in the order the resident received them. LINE's timestamps are whole
// milliseconds, so no later event falls between them.
constexpr const char* message_out_sql = R"sql(
INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, body, body_key_id, sent_at,
                     source_event_id, outbox_id)
VALUES ($1, $2::uuid, $3::uuid, 'out', $9, $4, $5, $6::timestamptz + $10::integer * interval '1 microsecond',
        $7::uuid, $8::uuid)
)sql";

constexpr const char* cancel_auto_sql = R"sql(
UPDATE outbox SET state = 'cancelled', lease_until = NULL
 WHERE tenant_id = $1 AND resident_id = $2::uuid AND origin = 'auto' AND state = 'pending'
)sql";

}  // namespace

void prepare_outbox_write_statements(pqxx::connection& conn) {
  conn.prepare("outbox_insert", outbox_insert_sql);
  conn.prepare("message_out", message_out_sql);
  conn.prepare("outbox_cancel_auto", cancel_auto_sql);
}

bool write_answers(pqxx::transaction_base& tx, const keyring& keys, const answer_target& target,
                   const std::vector<routing::auto_answer>& answers,
                   std::chrono::seconds reply_token_usable) {
  if (answers.empty()) {
    return false;
  }
  const std::string context = target.tenant_id + "/outbox";
  const sealed messages = keys.seal(line_messages_json(answers), context);
  std::string outbox_id;
  if (target.reply_token.empty()) {
    outbox_id =
        tx.exec_prepared1("outbox_insert", target.tenant_id, target.channel_key, target.resident_id,
                          target.consultation_id, std::string(kind_name(answers.front().kind)),
                          pqxx::binarystring(messages.blob), static_cast<std::int32_t>(messages.key_id),
                          nullptr, nullptr, target.received_at,
                          static_cast<long long>(reply_token_usable.count()), target.event_id)[0]
            .as<std::string>();
  } else {
    const sealed token = keys.seal(target.reply_token, context);
    outbox_id = tx.exec_prepared1("outbox_insert", target.tenant_id, target.channel_key, target.resident_id,
                                  target.consultation_id, std::string(kind_name(answers.front().kind)),
                                  pqxx::binarystring(messages.blob),
                                  static_cast<std::int32_t>(messages.key_id), pqxx::binarystring(token.blob),
                                  static_cast<std::int32_t>(token.key_id), target.received_at,
                                  static_cast<long long>(reply_token_usable.count()), target.event_id)[0]
                    .as<std::string>();
  }
  if (!target.consultation_id.empty()) {
    const std::string body_context = target.tenant_id + "/message";
    std::int32_t position = 0;
    for (const routing::auto_answer& answer : answers) {
      const sealed body = keys.seal(answer.text, body_context);
      tx.exec_prepared0("message_out", target.tenant_id, target.consultation_id, target.resident_id,
                        pqxx::binarystring(body.blob), static_cast<std::int32_t>(body.key_id),
                        target.occurred_at, target.event_id, outbox_id, std::string(kind_name(answer.kind)),
                        position++);
    }
  }
  return true;
}

void cancel_pending_auto(pqxx::transaction_base& tx, const std::string& tenant_id,
                         const std::string& resident_id) {
  tx.exec_prepared0("outbox_cancel_auto", tenant_id, resident_id);
}

}  // namespace yorisoi::storage::detail
