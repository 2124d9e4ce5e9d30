#include "console/console_common.hpp"
#include "console/console_totp.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <pqxx/pqxx>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cctype>
#include <stdexcept>
#include <vector>

namespace yorisoi::storage::detail {
namespace {

constexpr const char* audit_sql = R"sql(
INSERT INTO audit_event (tenant_id, actor_id, action, object_type, object_id, detail)
VALUES ($1, NULLIF($2, '')::uuid, $3, $4, $5, $6::jsonb)
)sql";

constexpr const char* notify_session_sql = "SELECT pg_notify('yorisoi_session', $1)";

std::string base64url(const unsigned char* data, std::size_t size) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const unsigned v = (data[i] << 16U) | (data[i + 1] << 8U) | data[i + 2];
    out.push_back(alphabet[(v >> 18U) & 63U]);
    out.push_back(alphabet[(v >> 12U) & 63U]);
    out.push_back(alphabet[(v >> 6U) & 63U]);
    out.push_back(alphabet[v & 63U]);
  }
  if (size - i == 1) {
    const unsigned v = data[i] << 16U;
    out.push_back(alphabet[(v >> 18U) & 63U]);
    out.push_back(alphabet[(v >> 12U) & 63U]);
  } else if (size - i == 2) {
    const unsigned v = (data[i] << 16U) | (data[i + 1] << 8U);
    out.push_back(alphabet[(v >> 18U) & 63U]);
    out.push_back(alphabet[(v >> 12U) & 63U]);
    out.push_back(alphabet[(v >> 6U) & 63U]);
  }
  return out;
}

}  // namespace

const char* const queue_item_columns = R"sql(
c.consultation_id::text, 'R-' || upper(left(c.resident_id::text, 6)), c.state, c.priority = 'urgent',
       coalesce(c.arrival, ''),
       (extract(epoch FROM c.opened_at) * 1000000)::bigint,
       (extract(epoch FROM c.last_message_at) * 1000000)::bigint,
       (extract(epoch FROM c.waiting_since) * 1000000)::bigint,
       (extract(epoch FROM c.due_at) * 1000000)::bigint,
       (extract(epoch FROM c.closed_at) * 1000000)::bigint,
       coalesce(c.assigned_to::text, ''), coalesce(u.display_name, ''), coalesce(c.age_band, ''),
       coalesce((SELECT string_agg(cc.category, E'\x1f' ORDER BY cc.category) FROM consultation_category cc
                  WHERE cc.tenant_id = c.tenant_id AND cc.consultation_id = c.consultation_id), ''),
       c.resident_id::text, coalesce(c.risk_level, ''), c.risk_lowered,
       (extract(epoch FROM c.inbox_parked_at) * 1000000)::bigint
)sql";

const char* const queue_item_joins = R"sql(
  FROM consultation c
  LEFT JOIN staff_user u ON u.tenant_id = c.tenant_id AND u.user_id = c.assigned_to
)sql";

std::string queue_item_select() {
  return std::string("SELECT ") + queue_item_columns + queue_item_joins;
}

const char* const staff_user_columns =
    "u.tenant_id, u.user_id::text, u.login, u.display_name, u.role, coalesce(u.org_unit, ''), u.disabled, "
    "(extract(epoch FROM u.created_at) * 1000000)::bigint";

staff_user staff_user_from(const pqxx::row& r, int first) {
  staff_user s;
  s.tenant_id = r[first].as<std::string>();
  s.user_id = r[first + 1].as<std::string>();
  s.login = r[first + 2].as<std::string>();
  s.display_name = r[first + 3].as<std::string>();
  const auto role = routing::parse_role(r[first + 4].as<std::string>());
  if (!role) {
    // The table's CHECK allows only known roles: a newer schema wrote this row.
    throw std::runtime_error("staff_user row with an unknown role");
  }
  s.role = *role;
  s.org_unit = r[first + 5].as<std::string>();
  s.disabled = r[first + 6].as<bool>();
  s.created_at = from_micros(r[first + 7].as<long long>());
  return s;
}

std::string json_object(std::initializer_list<std::pair<const char*, std::string>> fields) {
  boost::json::object o;
  for (const auto& [key, value] : fields) {
    o[key] = value;
  }
  return boost::json::serialize(o);
}

const char* const console_event_columns =
    "event_id, tenant_id, kind, coalesce(consultation_id::text, ''), coalesce(message_id::text, ''), "
    "(extract(epoch FROM at) * 1000000)::bigint, coalesce(referral_id::text, ''), coalesce(unit, ''), "
    "coalesce(staff_user_id::text, ''), "
    "coalesce((SELECT rc.resident_id::text FROM consultation rc WHERE rc.tenant_id = console_event.tenant_id "
    "AND rc.consultation_id = console_event.consultation_id), '')";

console_event console_event_from(const pqxx::row& r) {
  console_event e;
  e.event_id = r[0].as<std::int64_t>();
  e.tenant_id = r[1].as<std::string>();
  e.kind = r[2].as<std::string>();
  e.consultation_id = r[3].as<std::string>();
  e.message_id = r[4].as<std::string>();
  e.at = from_micros(r[5].as<long long>());
  e.referral_id = r[6].as<std::string>();
  e.unit = r[7].as<std::string>();
  e.staff_user_id = r[8].as<std::string>();
  e.resident_id = r[9].as<std::string>();
  return e;
}

bool is_uuid(std::string_view text) noexcept {
  if (text.size() != 36) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position ? text[i] != '-' : std::isxdigit(static_cast<unsigned char>(text[i])) == 0) {
      return false;
    }
  }
  return true;
}

time_point from_micros(long long us) noexcept {
  return time_point{std::chrono::duration_cast<time_point::duration>(std::chrono::microseconds{us})};
}

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    throw std::runtime_error("no random bytes for a token");
  }
  return base64url(raw.data(), raw.size());
}

std::string token_hash(std::string_view token) {
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  unsigned int size = 0;
  if (EVP_Digest(token.data(), token.size(), reinterpret_cast<unsigned char*>(digest.data()), &size,
                 EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  return digest;
}

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(digits[u >> 4U]);
    out.push_back(digits[u & 0xFU]);
  }
  return out;
}

void audit(pqxx::transaction_base& tx, const std::string& tenant_id, const std::string& actor_id,
           const std::string& action, const std::string& object_type, const std::string& object_id,
           const std::string& detail_json) {
  tx.exec_prepared0("console_audit", tenant_id, actor_id, action, object_type, object_id, detail_json);
}

void notify_session_ended(pqxx::transaction_base& tx, const std::string& user_id) {
  tx.exec_prepared("console_notify_session", user_id);
}

void set_risk_of(queue_item& item, std::optional<routing::risk_level> set, bool lowered) {
  const routing::effective_risk e = routing::effective_risk_of(set, lowered, item.urgent);
  item.risk = e.level ? std::string(routing::to_string(*e.level)) : std::string();
  item.risk_source = e.source == routing::risk_source::counsellor ? "counsellor"
                     : e.source == routing::risk_source::keyword  ? "keyword"
                                                                  : "";
  item.risk_set = set ? std::string(routing::to_string(*set)) : std::string();
  item.risk_lowered = set && lowered;
}

std::vector<std::string> split_categories(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < joined.size()) {
    const std::size_t end = std::min(joined.find('\x1f', start), joined.size());
    out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

queue_item queue_item_from(const pqxx::row& r) {
  queue_item q;
  q.consultation_id = r[0].as<std::string>();
  q.resident_label = r[1].as<std::string>();
  q.state = r[2].as<std::string>();
  q.urgent = r[3].as<bool>();
  q.arrival = r[4].as<std::string>();
  q.opened_at = from_micros(r[5].as<long long>());
  q.last_message_at = from_micros(r[6].as<long long>());
  if (!r[7].is_null()) {
    q.waiting_since = from_micros(r[7].as<long long>());
  }
  if (!r[8].is_null()) {
    q.due_at = from_micros(r[8].as<long long>());
  }
  if (!r[9].is_null()) {
    q.closed_at = from_micros(r[9].as<long long>());
  }
  q.assigned_to = r[10].as<std::string>();
  q.assigned_name = r[11].as<std::string>();
  q.age_band = r[12].as<std::string>();
  q.categories = split_categories(r[13].as<std::string>());
  q.resident_id = r[14].as<std::string>();
  set_risk_of(q, routing::parse_risk(r[15].as<std::string>()), r[16].as<bool>());
  if (!r[17].is_null()) {
    q.inbox_parked_at = from_micros(r[17].as<long long>());
  }
  return q;
}

void prepare_console_statements(pqxx::connection& conn) {
  conn.prepare("console_audit", audit_sql);
  conn.prepare("console_notify_session", notify_session_sql);
  prepare_console_session_statements(conn);
  prepare_console_staff_statements(conn);
  prepare_console_totp_statements(conn);
  prepare_console_read_statements(conn);
  prepare_console_work_statements(conn);
  prepare_queue_page_statements(conn);
  prepare_console_resident_statements(conn);
  prepare_console_signal_statements(conn);
  prepare_console_shift_statements(conn);
  prepare_console_risk_statements(conn);
}

}  // namespace yorisoi::storage::detail
