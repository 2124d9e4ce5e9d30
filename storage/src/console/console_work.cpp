// Changing consultations: claim, release, transfer, close, reopen, tags, notes, replies. Each locks the
// consultation row, checks the state rule, changes it and writes its audit row in one transaction.
#include "console/console_common.hpp"
#include "console/console_consultations.hpp"
#include "console/password.hpp"
#include "yorisoi/routing/consultation_access.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <pqxx/pqxx>

#include <algorithm>
#include <string_view>
#include <variant>

namespace yorisoi::storage::detail {
namespace {

constexpr const char* lock_sql = R"sql(
SELECT state, coalesce(assigned_to::text, ''), resident_id::text
  FROM consultation WHERE tenant_id = $1 AND consultation_id = $2::uuid FOR UPDATE
)sql";

// One lifecycle step (routing::lifecycle_next) on a row: $3 the new state, $4 what happens to the
// holder (unchanged, nobody, or $5 holds it now). The holder stays on a closed consultation: who handled
// it is part of its history.
constexpr const char* step_sql = R"sql(
UPDATE consultation
   SET state = $3,
       assigned_to = CASE $4 WHEN 'unchanged' THEN assigned_to WHEN 'nobody' THEN NULL ELSE NULLIF($5, '')::uuid END,
       assigned_at = CASE $4 WHEN 'unchanged' THEN assigned_at WHEN 'nobody' THEN NULL ELSE now() END,
       closed_at = CASE WHEN $3 = 'closed' THEN coalesce(closed_at, now()) END
 WHERE tenant_id = $1 AND consultation_id = $2::uuid
)sql";
constexpr const char* other_open_sql = R"sql(
SELECT EXISTS (SELECT 1 FROM consultation WHERE tenant_id = $1 AND resident_id = $2::uuid AND state <> 'closed')
)sql";
constexpr const char* transfer_target_sql = R"sql(
SELECT EXISTS (SELECT 1 FROM staff_user WHERE tenant_id = $1 AND user_id = $2::uuid AND NOT disabled
                  AND role IN ('counsellor', 'supervisor'))
)sql";

constexpr const char* categories_clear_sql =
    "DELETE FROM consultation_category WHERE tenant_id = $1 AND consultation_id = $2::uuid";
constexpr const char* category_add_sql = R"sql(
INSERT INTO consultation_category (tenant_id, consultation_id, category, tagged_by)
VALUES ($1, $2::uuid, $3, NULLIF($4, '')::uuid)
)sql";
constexpr const char* age_band_sql = R"sql(
UPDATE consultation SET age_band = NULLIF($3, '')
 WHERE tenant_id = $1 AND consultation_id = $2::uuid AND age_band IS DISTINCT FROM NULLIF($3, '')
)sql";
constexpr const char* resident_age_band_sql =
    "UPDATE resident SET age_band = $3 WHERE tenant_id = $1 AND resident_id = $2::uuid";
// Categories have no trigger of their own; a change of tags alone is announced explicitly.
constexpr const char* emit_queue_sql = "SELECT console_event_emit($1, 'queue', $2::uuid, NULL)";

constexpr const char* note_insert_sql = R"sql(
INSERT INTO consultation_note (tenant_id, consultation_id, author_id, body, body_key_id)
VALUES ($1, $2::uuid, $3::uuid, $4, $5)
RETURNING note_id::text, (extract(epoch FROM created_at) * 1000000)::bigint
)sql";
constexpr const char* whisper_insert_sql = R"sql(
INSERT INTO consultation_note (tenant_id, consultation_id, author_id, body, body_key_id, whisper_to)
VALUES ($1, $2::uuid, $3::uuid, $4, $5, $6::uuid)
RETURNING note_id::text, (extract(epoch FROM created_at) * 1000000)::bigint
)sql";
constexpr const char* author_name_sql =
    "SELECT coalesce((SELECT display_name FROM staff_user WHERE tenant_id = $1 AND user_id = NULLIF($2, "
    "'')::uuid), '')";

// A counsellor's answer has no reply token: the sender pushes it, with X-Line-Retry-Key = outbox_id.
constexpr const char* reply_outbox_sql = R"sql(
INSERT INTO outbox (tenant_id, channel_key, resident_id, consultation_id, origin, kind, messages, messages_key_id)
SELECT tenant_id, channel_key, resident_id, $2::uuid, 'counsellor', 'reply', $4, $5
  FROM resident WHERE tenant_id = $1 AND resident_id = $3::uuid
RETURNING outbox_id::text
)sql";
constexpr const char* reply_message_sql = R"sql(
INSERT INTO message (tenant_id, consultation_id, resident_id, direction, kind, body, body_key_id, sent_at,
                     outbox_id, author_id)
VALUES ($1, $2::uuid, $3::uuid, 'out', 'reply', $4, $5, now(), $6::uuid, $7::uuid)
RETURNING message_id::text, (extract(epoch FROM sent_at) * 1000000)::bigint
)sql";
constexpr const char* answered_sql = R"sql(
UPDATE consultation
   SET waiting_since = NULL, first_answer_at = coalesce(first_answer_at, now()),
       last_message_at = greatest(last_message_at, now())
 WHERE tenant_id = $1 AND consultation_id = $2::uuid
)sql";

struct locked {
  std::string state;
  std::string assigned_to;
  std::string resident_id;
};

std::optional<locked> lock(pqxx::work& tx, const actor& who, const std::string& id) {
  if (!is_uuid(id)) {
    return std::nullopt;
  }
  const pqxx::result r = tx.exec_prepared("console_lock", who.tenant_id, id);
  if (r.empty()) {
    return std::nullopt;
  }
  return locked{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>()};
}

std::string actor_id(const actor& who) {
  return is_uuid(who.user_id) ? who.user_id : std::string();
}

bool same_id(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

queue_item item_of(pqxx::work& tx, const actor& who, const std::string& id) {
  return queue_item_from(tx.exec_prepared1("console_item", who.tenant_id, id));
}

// 1–5000 characters, not only white space (LINE refuses empty text).
bool text_acceptable(const std::string& text) {
  const std::size_t n = utf8_chars(text);
  return n >= 1 && n <= max_text_chars && std::any_of(text.begin(), text.end(), [](char c) {
           return std::isspace(static_cast<unsigned char>(c)) == 0;
         });
}

// Runs `change` on the locked consultation; `change` answers the refusal or nullopt to go on. Then
// audits `action`, commits and answers the consultation as it is now.
template <typename Change>
op_result<queue_item> work_on(pqxx::connection& conn, const actor& who, const std::string& id,
                              const char* action, Change change, const std::string& detail = "{}") {
  pqxx::work tx(conn, action);
  const std::optional<locked> c = lock(tx, who, id);
  if (!c) {
    return refuse<queue_item>(op_status::not_found);
  }
  if (std::optional<op_result<queue_item>> refused = change(tx, *c)) {
    return std::move(*refused);
  }
  audit(tx, who.tenant_id, actor_id(who), action, "consultation", id, detail);
  queue_item item = item_of(tx, who, id);
  tx.commit();
  return ok(std::move(item));
}

using refusal = std::optional<op_result<queue_item>>;

routing::holder holder_of(const locked& c, const actor& who) {
  if (c.assigned_to.empty()) {
    return routing::holder::nobody;
  }
  return same_id(c.assigned_to, who.user_id) ? routing::holder::actor : routing::holder::colleague;
}

routing::consultation_state state_of(const locked& c) {
  routing::consultation_state state =
      routing::consultation_state::closed;  // an unknown state: act on nothing
  (void)routing::parse_state(c.state, state);
  return state;
}

// The lifecycle rule's step for `action` on the locked row, or its refusal (409 with the rule's code).
std::variant<routing::lifecycle_step, op_result<queue_item>> decide(const actor& who,
                                                                    routing::lifecycle_action action,
                                                                    const locked& c) {
  const routing::lifecycle_step step =
      routing::lifecycle_next(who.role, action, holder_of(c, who), state_of(c));
  if (step.refusal != routing::lifecycle_refusal::none) {
    return refuse<queue_item>(op_status::conflict, std::string(routing::to_string(step.refusal)));
  }
  return step;
}

std::string_view holder_mode(routing::next_holder who) {
  switch (who) {
    case routing::next_holder::unchanged:
      return "unchanged";
    case routing::next_holder::nobody:
      return "nobody";
    case routing::next_holder::actor:
    case routing::next_holder::target:
      return "holder";
  }
  return "unchanged";
}

// Writes the step (nothing when it changes nothing); `target` is the new holder of a transfer.
void apply(pqxx::work& tx, const actor& who, const std::string& id, const locked& c,
           const routing::lifecycle_step& step, const std::string& target = "") {
  if (!step.changes(state_of(c))) {
    return;
  }
  const std::string holder = step.holder == routing::next_holder::target ? target : actor_id(who);
  tx.exec_prepared0("console_step", who.tenant_id, id, std::string(routing::to_string(step.state)),
                    std::string(holder_mode(step.holder)), holder);
}

// Decides and applies a step that needs no other check.
refusal step(pqxx::work& tx, const actor& who, const std::string& id, routing::lifecycle_action action,
             const locked& c) {
  auto decided = decide(who, action, c);
  if (auto* refused = std::get_if<op_result<queue_item>>(&decided)) {
    return std::move(*refused);
  }
  apply(tx, who, id, c, std::get<routing::lifecycle_step>(decided));
  return std::nullopt;
}

}  // namespace

void prepare_console_work_statements(pqxx::connection& conn) {
  conn.prepare("console_lock", lock_sql);
  conn.prepare("console_step", step_sql);
  conn.prepare("console_other_open", other_open_sql);
  conn.prepare("console_transfer_target", transfer_target_sql);
  conn.prepare("console_categories_clear", categories_clear_sql);
  conn.prepare("console_category_add", category_add_sql);
  conn.prepare("console_age_band", age_band_sql);
  conn.prepare("console_resident_age_band", resident_age_band_sql);
  conn.prepare("console_emit_queue", emit_queue_sql);
  conn.prepare("console_note_insert", note_insert_sql);
  conn.prepare("console_whisper_insert", whisper_insert_sql);
  conn.prepare("console_author_name", author_name_sql);
  conn.prepare("console_reply_outbox", reply_outbox_sql);
  conn.prepare("console_reply_message", reply_message_sql);
  conn.prepare("console_answered", answered_sql);
}

op_result<queue_item> claim(pqxx::connection& conn, const actor& who, const std::string& id) {
  return work_on(conn, who, id, "consultation.claim", [&](pqxx::work& tx, const locked& c) -> refusal {
    return step(tx, who, id, routing::lifecycle_action::claim, c);
  });
}

op_result<queue_item> claim_within(pqxx::connection& conn, const actor& who, const std::string& id,
                                   std::optional<unsigned> default_capacity) {
  return work_on(conn, who, id, "consultation.claim", [&](pqxx::work& tx, const locked& c) -> refusal {
    auto decided = decide(who, routing::lifecycle_action::claim, c);
    if (auto* refused = std::get_if<op_result<queue_item>>(&decided)) {
      return std::move(*refused);
    }
    const auto& next = std::get<routing::lifecycle_step>(decided);
    // Only a claim that takes the consultation counts against the capacity (not one already held).
    if (next.holder == routing::next_holder::actor) {
      if (std::string why = capacity_refusal_of(tx, who, default_capacity); !why.empty()) {
        return refuse<queue_item>(op_status::conflict, std::move(why));
      }
    }
    apply(tx, who, id, c, next);
    return std::nullopt;
  });
}

op_result<queue_item> release(pqxx::connection& conn, const actor& who, const std::string& id) {
  return work_on(conn, who, id, "consultation.release", [&](pqxx::work& tx, const locked& c) -> refusal {
    return step(tx, who, id, routing::lifecycle_action::release, c);
  });
}

op_result<queue_item> transfer(pqxx::connection& conn, const actor& who, const std::string& id,
                               const std::string& to_user_id) {
  return work_on(
      conn, who, id, "consultation.transfer",
      [&](pqxx::work& tx, const locked& c) -> refusal {
        auto decided = decide(who, routing::lifecycle_action::transfer, c);
        if (auto* refused = std::get_if<op_result<queue_item>>(&decided)) {
          return std::move(*refused);
        }
        if (!is_uuid(to_user_id) ||
            !tx.exec_prepared1("console_transfer_target", who.tenant_id, to_user_id)[0].as<bool>()) {
          return refuse<queue_item>(op_status::invalid,
                                    "not_a_counsellor_here");
        }
        apply(tx, who, id, c, std::get<routing::lifecycle_step>(decided), to_user_id);
        return std::nullopt;
      },
      json_object({{"to_user_id", to_user_id}}));
}

op_result<queue_item> close(pqxx::connection& conn, const actor& who, const std::string& id) {
  return work_on(conn, who, id, "consultation.close", [&](pqxx::work& tx, const locked& c) -> refusal {
    return step(tx, who, id, routing::lifecycle_action::close, c);
  });
}

op_result<queue_item> reopen(pqxx::connection& conn, const actor& who, const std::string& id) {
  try {
    return work_on(conn, who, id, "consultation.reopen", [&](pqxx::work& tx, const locked& c) -> refusal {
      auto decided = decide(who, routing::lifecycle_action::reopen, c);
      if (auto* refused = std::get_if<op_result<queue_item>>(&decided)) {
        return std::move(*refused);
      }
      if (tx.exec_prepared1("console_other_open", who.tenant_id, c.resident_id)[0].as<bool>()) {
        return refuse<queue_item>(op_status::conflict, "resident_has_open_consultation");
      }
      apply(tx, who, id, c, std::get<routing::lifecycle_step>(decided));  // the one who reopens it holds it
      return std::nullopt;
    });
  } catch (const pqxx::unique_violation&) {
    // A message opened a new consultation at the same moment (consultation_one_open).
    return refuse<queue_item>(op_status::conflict, "resident_has_open_consultation");
  }
}

op_result<queue_item> set_tags(pqxx::connection& conn, const actor& who, const std::string& id,
                               const std::vector<std::string>& categories, const std::string& age_band) {
  std::vector<std::string> unique = categories;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  if (std::any_of(unique.begin(), unique.end(), [](const std::string& c) { return c.empty(); })) {
    return refuse<queue_item>(op_status::invalid, "empty_category");
  }
  std::string joined;
  for (const std::string& c : unique) {
    joined += joined.empty() ? c : "," + c;
  }
  return work_on(
      conn, who, id, "consultation.tag",
      [&](pqxx::work& tx, const locked& c) -> refusal {
        tx.exec_prepared0("console_categories_clear", who.tenant_id, id);
        for (const std::string& category : unique) {
          tx.exec_prepared0("console_category_add", who.tenant_id, id, category, actor_id(who));
        }
        // An age band change fires the consultation trigger; otherwise announce the new categories.
        if (tx.exec_prepared("console_age_band", who.tenant_id, id, age_band).affected_rows() == 0) {
          tx.exec_prepared("console_emit_queue", who.tenant_id, id);
        }
        if (!age_band.empty()) {
          tx.exec_prepared0("console_resident_age_band", who.tenant_id, c.resident_id, age_band);
        }
        return std::nullopt;
      },
      json_object({{"categories", joined}, {"age_band", age_band}}));
}

op_result<note> add_note(pqxx::connection& conn, const keyring& keys, const actor& who, const std::string& id,
                         const std::string& text) {
  if (!text_acceptable(text)) {
    return refuse<note>(op_status::invalid, "text_length");
  }
  pqxx::work tx(conn, "console_note");
  if (!lock(tx, who, id) || !is_uuid(who.user_id)) {
    return refuse<note>(op_status::not_found);
  }
  const sealed body = keys.seal(text, who.tenant_id + "/note");
  const pqxx::row r =
      tx.exec_prepared1("console_note_insert", who.tenant_id, id, who.user_id, pqxx::binarystring(body.blob),
                        static_cast<std::int32_t>(body.key_id));
  note n;
  n.note_id = r[0].as<std::string>();
  n.created_at = from_micros(r[1].as<long long>());
  n.author_id = who.user_id;
  n.author_name = tx.exec_prepared1("console_author_name", who.tenant_id, who.user_id)[0].as<std::string>();
  n.text = text;
  audit(tx, who.tenant_id, who.user_id, "consultation.note", "consultation", id,
        json_object({{"note_id", n.note_id}}));
  tx.commit();
  return ok(std::move(n));
}

op_result<note> whisper(pqxx::connection& conn, const keyring& keys, const actor& who, const std::string& id,
                        const std::string& text) {
  if (!text_acceptable(text)) {
    return refuse<note>(op_status::invalid, "text_length");
  }
  pqxx::work tx(conn, "console_whisper");
  const std::optional<locked> c = lock(tx, who, id);
  if (!c || !is_uuid(who.user_id)) {
    return refuse<note>(op_status::not_found);
  }
  if (c->assigned_to.empty() || c->state == "closed") {
    return refuse<note>(op_status::conflict, "not_assigned");
  }
  const sealed body = keys.seal(text, who.tenant_id + "/note");
  const pqxx::row r =
      tx.exec_prepared1("console_whisper_insert", who.tenant_id, id, who.user_id, pqxx::binarystring(body.blob),
                        static_cast<std::int32_t>(body.key_id), c->assigned_to);
  note n;
  n.note_id = r[0].as<std::string>();
  n.created_at = from_micros(r[1].as<long long>());
  n.author_id = who.user_id;
  n.author_name = tx.exec_prepared1("console_author_name", who.tenant_id, who.user_id)[0].as<std::string>();
  n.text = text;
  n.whisper_to = c->assigned_to;
  // The counsellor's open conversation reloads on the queue event and shows the whisper.
  tx.exec_prepared("console_emit_queue", who.tenant_id, id);
  audit(tx, who.tenant_id, who.user_id, "consultation.whisper", "consultation", id,
        json_object({{"note_id", n.note_id}, {"to", n.whisper_to}}));
  tx.commit();
  return ok(std::move(n));
}

op_result<transcript_message> reply(pqxx::connection& conn, const keyring& keys, const actor& who,
                                    const std::string& id, const std::string& text) {
  if (!text_acceptable(text)) {
    return refuse<transcript_message>(op_status::invalid, "text_length");
  }
  pqxx::work tx(conn, "console_reply");
  const std::optional<locked> c = lock(tx, who, id);
  if (!c) {
    return refuse<transcript_message>(op_status::not_found);
  }
  const routing::lifecycle_step allowed =
      routing::lifecycle_next(who.role, routing::lifecycle_action::reply, holder_of(*c, who), state_of(*c));
  if (allowed.refusal != routing::lifecycle_refusal::none) {
    return refuse<transcript_message>(op_status::conflict, std::string(routing::to_string(allowed.refusal)));
  }
  boost::json::object message;
  message["type"] = "text";
  message["text"] = text;
  const sealed messages =
      keys.seal(boost::json::serialize(boost::json::array{message}), who.tenant_id + "/outbox");
  const std::string outbox_id =
      tx.exec_prepared1("console_reply_outbox", who.tenant_id, id, c->resident_id,
                        pqxx::binarystring(messages.blob), static_cast<std::int32_t>(messages.key_id))[0]
          .as<std::string>();
  const sealed body = keys.seal(text, who.tenant_id + "/message");
  const pqxx::row r = tx.exec_prepared1("console_reply_message", who.tenant_id, id, c->resident_id,
                                        pqxx::binarystring(body.blob), static_cast<std::int32_t>(body.key_id),
                                        outbox_id, who.user_id);
  tx.exec_prepared0("console_answered", who.tenant_id, id);
  transcript_message m;
  m.message_id = r[0].as<std::string>();
  m.sent_at = from_micros(r[1].as<long long>());
  m.direction = "out";
  m.kind = "reply";
  m.text = text;
  m.origin = "counsellor";
  m.delivery = "pending";
  m.author_name = tx.exec_prepared1("console_author_name", who.tenant_id, who.user_id)[0].as<std::string>();
  audit(tx, who.tenant_id, who.user_id, "consultation.reply", "consultation", id,
        json_object({{"message_id", m.message_id}, {"outbox_id", outbox_id}}));
  tx.commit();
  return ok(std::move(m));
}

}  // namespace yorisoi::storage::detail
