#include "yorisoi/storage/inbox_admin.hpp"

#include "yorisoi/storage/service.hpp"

#include <pqxx/pqxx>

namespace yorisoi::storage {
namespace {

// Index inbox_event_parked.
constexpr const char* list_sql = R"sql(
SELECT tenant_id, event_id::text,
       to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       to_char(parked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
       coalesce(last_sqlstate, ''), attempts
  FROM inbox_event
 WHERE parked_at IS NOT NULL
 ORDER BY received_at, event_id
)sql";

// The processor takes it again at its place in (xid, seq) order. The resident's consultations lose
// their mark once none of the resident's events is parked any more: should the event fail again, it
// is parked and marks them anew.
constexpr const char* retry_sql = R"sql(
UPDATE inbox_event SET parked_at = NULL, attempts = 0
 WHERE event_id = $1::uuid AND parked_at IS NOT NULL AND processed_at IS NULL
RETURNING tenant_id, pseudonym
)sql";

constexpr const char* unmark_sql = R"sql(
UPDATE consultation AS c SET inbox_parked_at = NULL
  FROM resident AS r
 WHERE r.tenant_id = $1 AND r.pseudonym = $2 AND c.tenant_id = r.tenant_id AND c.resident_id = r.resident_id
   AND c.inbox_parked_at IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM inbox_event e WHERE e.tenant_id = $1 AND e.pseudonym = $2 AND e.processed_at IS NULL
                      AND e.parked_at IS NOT NULL)
)sql";

}  // namespace

bool valid_event_id(const std::string& text) noexcept {
  if (text.size() != 36) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (dash ? c != '-' : !hex) {
      return false;
    }
  }
  return true;
}

std::vector<parked_event> list_parked_events(const std::string& url) {
  try {
    pqxx::connection conn(url);
    pqxx::read_transaction tx(conn, "inbox-parked");
    std::vector<parked_event> out;
    for (const auto& r : tx.exec(list_sql)) {
      out.push_back(parked_event{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                                 r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<unsigned>()});
    }
    return out;
  } catch (const pqxx::failure& e) {
    throw storage_error(std::string("inbox parked: ") + e.what());
  }
}

bool retry_parked_event(const std::string& url, const std::string& event_id) {
  if (!valid_event_id(event_id)) {
    return false;
  }
  try {
    pqxx::connection conn(url);
    pqxx::work tx(conn, "inbox-retry");
    const pqxx::result r = tx.exec_params(retry_sql, event_id);
    if (r.size() == 1 && !r[0][1].is_null()) {
      tx.exec_params(unmark_sql, r[0][0].as<std::string>(), pqxx::binarystring(r[0][1]));
    }
    tx.commit();
    return r.size() == 1;
  } catch (const pqxx::failure& e) {
    throw storage_error(std::string("inbox retry: ") + e.what());
  }
}

}  // namespace yorisoi::storage
