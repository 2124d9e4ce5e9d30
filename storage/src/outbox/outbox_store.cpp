#include "outbox/outbox_store.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

namespace yorisoi::storage::detail {
namespace {

// One statement: the CTE locks due rows (SKIP LOCKED, so concurrent senders split the work and never
// share a row) and keeps their values from before the update (previous state, attempts, reply token);
// the update leases them. Rows of residents who unfollowed become 'cancelled' instead (automatic
// answers only; a counsellor's reply is still attempted and fails visibly). The reply token is cleared
// on every claim: it is handed over once, on the first attempt and only while usable, because a second
// reply with it would fail and a reply of unknown outcome must not be repeated.
// last_via is set to the way this claim implies (reply when a token is handed over, else push) and the
// sender's report overwrites it with the way actually used; so when a sender dies mid-send, the next
// claim's previous_via still says whether a reply may have been delivered.
constexpr const char* claim_sql = R"sql(
WITH due AS (
  SELECT tenant_id, outbox_id, state AS was_state, attempts AS was_attempts, last_via AS was_via,
         reply_token AS token, reply_token_key_id AS token_key_id,
         attempts = 0 AND reply_token IS NOT NULL AND coalesce(reply_token_expires_at > now(), false)
           AS hand_token
    FROM outbox
   WHERE state IN ('pending', 'sending') AND next_attempt_at <= now()
   ORDER BY next_attempt_at
   LIMIT $1
     FOR UPDATE SKIP LOCKED
)
UPDATE outbox AS o
   SET state = CASE WHEN o.origin = 'auto' AND NOT r.followed THEN 'cancelled' ELSE 'sending' END,
       attempts = CASE WHEN o.origin = 'auto' AND NOT r.followed THEN o.attempts ELSE o.attempts + 1 END,
       lease_until = now() + $2::bigint * interval '1 second',
       next_attempt_at = now() + $2::bigint * interval '1 second',
       last_via = CASE WHEN o.origin = 'auto' AND NOT r.followed THEN o.last_via
                       WHEN due.hand_token THEN 'reply' ELSE 'push' END,
       reply_token = NULL,
       reply_token_key_id = NULL
  FROM due, resident AS r
 WHERE o.tenant_id = due.tenant_id AND o.outbox_id = due.outbox_id
   AND r.tenant_id = o.tenant_id AND r.resident_id = o.resident_id
RETURNING o.tenant_id, o.outbox_id::text, o.channel_key, o.state, o.attempts, due.was_state,
          coalesce(due.was_via, ''), r.line_user_id, r.line_user_key_id, o.messages, o.messages_key_id,
          CASE WHEN due.hand_token THEN due.token END, due.token_key_id
)sql";

constexpr const char* unopenable_sql = R"sql(
UPDATE outbox SET state = 'failed', lease_until = NULL, last_error = 'sealed fields could not be opened'
 WHERE tenant_id = $1 AND outbox_id = $2::uuid
)sql";

// A success is recorded whatever the row's state (LINE accepted it, that is the truth); a retry or a
// failure only from 'sending', so a late report cannot undo another sender's newer claim or outcome.
constexpr const char* complete_sql = R"sql(
UPDATE outbox
   SET state = $3,
       sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END,
       last_via = coalesce(NULLIF($4, ''), last_via),
       last_status = NULLIF($5::integer, 0),
       last_error = NULLIF($6, ''),
       line_request_id = coalesce(NULLIF($7, ''), line_request_id),
       next_attempt_at = CASE WHEN $3 = 'pending' THEN to_timestamp($8::bigint / 1000000.0) ELSE next_attempt_at END,
       lease_until = NULL
 WHERE tenant_id = $1 AND outbox_id = $2::uuid
   AND (state = 'sending' OR ($3 = 'sent' AND state IN ('pending', 'failed')))
)sql";

std::string bytes_of(const pqxx::field& f) {
  return pqxx::binarystring(f).str();
}

}  // namespace

void prepare_outbox_statements(pqxx::connection& conn) {
  conn.prepare("outbox_claim", claim_sql);
  conn.prepare("outbox_unopenable", unopenable_sql);
  conn.prepare("outbox_complete", complete_sql);
}

std::vector<outbox_item> claim_outbox(pqxx::connection& conn, const keyring& keys, std::size_t limit,
                                      std::chrono::seconds lease) {
  pqxx::work tx(conn, "outbox_claim");
  const pqxx::result rows =
      tx.exec_prepared("outbox_claim", static_cast<long long>(limit), static_cast<long long>(lease.count()));
  std::vector<outbox_item> items;
  items.reserve(rows.size());
  std::size_t cancelled = 0;
  for (const auto& r : rows) {
    if (r[3].as<std::string>() == "cancelled") {
      ++cancelled;
      continue;
    }
    outbox_item item;
    item.tenant_id = r[0].as<std::string>();
    item.outbox_id = r[1].as<std::string>();
    item.channel_key = r[2].as<std::string>();
    item.attempts = r[4].as<unsigned>();
    item.previous_attempt_unknown = r[5].as<std::string>() == "sending";
    item.previous_via = r[6].as<std::string>();
    try {
      item.line_user_id =
          keys.open(sealed{r[8].as<std::uint32_t>(), bytes_of(r[7])}, item.tenant_id + "/resident");
      const std::string context = item.tenant_id + "/outbox";
      item.messages_json = keys.open(sealed{r[10].as<std::uint32_t>(), bytes_of(r[9])}, context);
      if (!r[11].is_null()) {
        item.reply_token = keys.open(sealed{r[12].as<std::uint32_t>(), bytes_of(r[11])}, context);
      }
    } catch (const crypto_error&) {
      spdlog::error("storage: outbox row {} of tenant {} cannot be opened; marked failed", item.outbox_id,
                    item.tenant_id);
      tx.exec_prepared0("outbox_unopenable", item.tenant_id, item.outbox_id);
      continue;
    }
    items.push_back(std::move(item));
  }
  tx.commit();
  if (cancelled > 0) {
    spdlog::info("storage: {} outbox rows cancelled (residents unfollowed)", cancelled);
  }
  return items;
}

bool complete_outbox(pqxx::connection& conn, const outbox_report& report) {
  const auto retry_us =
      std::chrono::duration_cast<std::chrono::microseconds>(report.retry_at.time_since_epoch()).count();
  pqxx::nontransaction tx(conn, "outbox_complete");
  const pqxx::result r = tx.exec_prepared(
      "outbox_complete", report.tenant_id, report.outbox_id, std::string(state_of(report.outcome)),
      report.via, report.http_status, report.error, report.request_id, static_cast<long long>(retry_us));
  return r.affected_rows() > 0;
}

const char* state_of(outbox_outcome outcome) {
  switch (outcome) {
    case outbox_outcome::sent:
      return "sent";
    case outbox_outcome::retry:
      return "pending";
    case outbox_outcome::failed:
      return "failed";
  }
  return "pending";
}

}  // namespace yorisoi::storage::detail
