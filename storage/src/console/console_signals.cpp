// What LINE's chat signals need of a consultation (line_chat): its channel and state, the newest shown
// resident message's markAsReadToken — read from that message's webhook event as stored in the inbox
// (sealed; the token is nowhere else) — and, for the loading animation, the resident's LINE user id.
// One statement in a read-only transaction; nothing is written or audited.
#include "console/console_common.hpp"
#include "console/console_consultations.hpp"
#include "yorisoi/routing/consultation_access.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace yorisoi::storage::detail {
namespace {

// The newest resident message that is a LINE message (postback taps have no id and no token) and was
// not unsent, joined to the event it came from.
constexpr const char* chat_sql = R"sql(
SELECT c.state, r.channel_key, coalesce(c.assigned_to::text, ''), r.line_user_id, r.line_user_key_id,
       e.payload, e.key_id
  FROM consultation c
  JOIN resident r ON r.tenant_id = c.tenant_id AND r.resident_id = c.resident_id
  LEFT JOIN LATERAL (
    SELECT ie.payload, ie.key_id
      FROM message m
      JOIN inbox_event ie ON ie.tenant_id = m.tenant_id AND ie.event_id = m.source_event_id
     WHERE m.tenant_id = c.tenant_id AND m.consultation_id = c.consultation_id AND m.direction = 'in'
       AND m.line_message_id IS NOT NULL AND m.withdrawn_at IS NULL
     ORDER BY m.sent_at DESC, m.message_id DESC
     LIMIT 1) e ON true
 WHERE c.tenant_id = $1 AND c.consultation_id = $2::uuid
)sql";

std::string bytes_of(const pqxx::field& f) {
  return pqxx::binarystring(f).str();
}

// `message.markAsReadToken` of a stored event object, or "" (absent, not a string, not JSON).
std::string read_token_of(const std::string& event_json) {
  boost::system::error_code ec;
  const boost::json::value event = boost::json::parse(event_json, ec);
  if (ec || !event.is_object()) {
    return {};
  }
  const boost::json::value* message = event.get_object().if_contains("message");
  if (message == nullptr || !message->is_object()) {
    return {};
  }
  const boost::json::value* token = message->get_object().if_contains("markAsReadToken");
  return token != nullptr && token->is_string() ? std::string(token->get_string()) : std::string();
}

struct chat_row {
  line_chat chat;
  std::string state;
  std::string assigned_to;
};

// Uuids as text, whatever their case.
bool same_id(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The consultation's row (nullopt: not in the actor's tenant, or no such id). The token is opened
// here; the LINE user id only when `with_user_id`.
std::optional<chat_row> read_chat(pqxx::connection& conn, const keyring& keys, const actor& who,
                                  const std::string& id, bool with_user_id) {
  if (!is_uuid(id)) {
    return std::nullopt;
  }
  pqxx::read_transaction tx(conn, "console_line_chat");
  const pqxx::result rows = tx.exec_prepared("console_line_chat", who.tenant_id, id);
  if (rows.empty()) {
    return std::nullopt;
  }
  const pqxx::row r = rows[0];
  chat_row out;
  out.state = r[0].as<std::string>();
  out.chat.open = out.state != "closed";
  out.chat.channel_key = r[1].as<std::string>();
  out.assigned_to = r[2].as<std::string>();
  try {
    if (with_user_id) {
      out.chat.line_user_id =
          keys.open(sealed{r[4].as<std::uint32_t>(), bytes_of(r[3])}, who.tenant_id + "/resident");
    }
    if (!r[5].is_null()) {
      out.chat.read_token =
          read_token_of(keys.open(sealed{r[6].as<std::uint32_t>(), bytes_of(r[5])}, who.tenant_id + "/inbox"));
    }
  } catch (const crypto_error&) {
    // Ids only: the consultation, never the value.
    spdlog::error("storage: a sealed value of consultation {} cannot be opened for a chat signal", id);
    out.chat.line_user_id.clear();
    out.chat.read_token.clear();
  }
  return out;
}

}  // namespace

void prepare_console_signal_statements(pqxx::connection& conn) {
  conn.prepare("console_line_chat", chat_sql);
}

op_result<line_chat> read_mark_chat(pqxx::connection& conn, const keyring& keys, const actor& who,
                                    const std::string& id) {
  std::optional<chat_row> row = read_chat(conn, keys, who, id, false);
  if (!row) {
    return refuse<line_chat>(op_status::not_found);
  }
  return ok(std::move(row->chat));
}

op_result<line_chat> typing_chat(pqxx::connection& conn, const keyring& keys, const actor& who,
                                 const std::string& id) {
  std::optional<chat_row> row = read_chat(conn, keys, who, id, true);
  if (!row) {
    return refuse<line_chat>(op_status::not_found);
  }
  routing::holder holder = routing::holder::nobody;
  if (!row->assigned_to.empty()) {
    holder = same_id(row->assigned_to, who.user_id) ? routing::holder::actor : routing::holder::colleague;
  }
  routing::consultation_state state = routing::consultation_state::closed;  // an unknown state: refused
  (void)routing::parse_state(row->state, state);
  const routing::lifecycle_step step =
      routing::lifecycle_next(who.role, routing::lifecycle_action::reply, holder, state);
  if (step.refusal != routing::lifecycle_refusal::none) {
    return refuse<line_chat>(op_status::conflict, std::string(routing::to_string(step.refusal)));
  }
  if (row->chat.line_user_id.empty()) {
    return refuse<line_chat>(op_status::unavailable);
  }
  return ok(std::move(row->chat));
}

}  // namespace yorisoi::storage::detail
