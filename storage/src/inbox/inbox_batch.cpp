#include "inbox/inbox_batch.hpp"

#include "db/pg_array.hpp"
#include "inbox/stored_event.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <optional>
#include <unordered_set>
#include <utility>

namespace yorisoi::storage::detail {
namespace {

// The columns of a taken row, in the order read below.
#define INBOX_COLUMNS                                                                                  \
  "tenant_id, event_id::text, channel_key, occurred_at::text, received_at::text, payload, key_id, " \
  "pseudonym, lane"

// A row's partition, of $3 partitions: the first two bytes of its pseudonym (an HMAC, so evenly
// spread), or 0 for an event without a user. The same resident always falls in the same partition.
#define INBOX_PARTITION                                                                              \
  "(CASE WHEN length(pseudonym) >= 2 THEN (get_byte(pseudonym, 0) * 256 + get_byte(pseudonym, 1)) % " \
  "$3::int ELSE 0 END)"

// The partitions' waiting events in the order they were written (index inbox_event_unprocessed).
constexpr const char* take_sql =
    "SELECT " INBOX_COLUMNS R"sql(
  FROM inbox_event
 WHERE processed_at IS NULL AND parked_at IS NULL
   AND xid < pg_snapshot_xmin(pg_current_snapshot())
   AND )sql" INBOX_PARTITION R"sql( = ANY($2::int4[])
 ORDER BY xid, seq
 LIMIT $1
   FOR UPDATE
)sql";

// The residents of the partitions' first waiting crisis events (index inbox_event_crisis_waiting),
// then each one's waiting events from its first (index inbox_event_resident_waiting), in order.
constexpr const char* take_crisis_sql =
    "SELECT " INBOX_COLUMNS R"sql(
  FROM (SELECT DISTINCT tenant_id AS t, pseudonym AS p
          FROM (SELECT tenant_id, pseudonym FROM inbox_event
                 WHERE processed_at IS NULL AND parked_at IS NULL AND lane = 'crisis'
                   AND xid < pg_snapshot_xmin(pg_current_snapshot())
                   AND )sql" INBOX_PARTITION R"sql( = ANY($2::int4[])
                 ORDER BY xid, seq
                 LIMIT $1) AS c) AS r
 CROSS JOIN LATERAL (
       SELECT tenant_id, event_id, channel_key, occurred_at, received_at, payload, key_id, pseudonym, lane,
              xid, seq
         FROM inbox_event
        WHERE tenant_id = r.t AND pseudonym = r.p AND processed_at IS NULL AND parked_at IS NULL
          AND xid < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY xid, seq
        LIMIT $1
          FOR UPDATE) AS e
 ORDER BY e.xid, e.seq
 LIMIT $1
)sql";

#undef INBOX_COLUMNS
#undef INBOX_PARTITION

constexpr const char* mark_sql = R"sql(
UPDATE inbox_event AS e
   SET processed_at = now(), process_error = u.err
  FROM unnest($1::text[], $2::text[], $3::text[]) AS u(t, id, err)
 WHERE e.tenant_id = u.t AND e.event_id = u.id::uuid
)sql";

// Events the database rejected: one more attempt; parked at the limit ($4), and then the resident's
// open consultation is marked for a counsellor, with a console event so that open consoles refetch.
constexpr const char* attempt_sql = R"sql(
WITH f AS (
  UPDATE inbox_event AS e
     SET attempts = e.attempts + 1, last_sqlstate = u.st,
         parked_at = CASE WHEN e.attempts + 1 >= $4::int THEN now() END
    FROM unnest($1::text[], $2::text[], $3::text[]) AS u(t, id, st)
   WHERE e.tenant_id = u.t AND e.event_id = u.id::uuid
  RETURNING e.tenant_id, e.pseudonym, e.parked_at IS NOT NULL AS parked
), marked AS (
  UPDATE consultation AS c SET inbox_parked_at = now()
    FROM f JOIN resident AS r ON r.tenant_id = f.tenant_id AND r.pseudonym = f.pseudonym
   WHERE f.parked AND c.tenant_id = r.tenant_id AND c.resident_id = r.resident_id AND c.state <> 'closed'
  RETURNING c.tenant_id, c.consultation_id
)
SELECT (SELECT count(*) FROM f WHERE parked),
       (SELECT count(*) FROM marked AS m, LATERAL console_event_emit(m.tenant_id, 'queue', m.consultation_id, NULL))
)sql";

// The connection is gone or the outcome unknown: nothing more can be done in this transaction.
bool connection_lost(const pqxx::sql_error& e) {
  const std::string state = e.sqlstate();
  return state.starts_with("08") || state.starts_with("57P");
}

// The database rejected an event applied without a savepoint: the batch must be applied again with them.
struct rejected_without_savepoint {};

}  // namespace

inbox_batch::inbox_batch(const options& opts, const keyring& keys)
    : opts_(opts), keys_(keys), size_(opts.inbox_batch == 0 ? 1 : opts.inbox_batch) {}

void inbox_batch::prepare(pqxx::connection& conn) {
  conn.prepare("inbox_take", take_sql);
  conn.prepare("inbox_take_crisis", take_crisis_sql);
  conn.prepare("inbox_mark", mark_sql);
  conn.prepare("inbox_attempt", attempt_sql);
  prepare_apply_statements(conn);
}

apply_context inbox_batch::context_for(const std::string& tenant_id) const {
  const auto it = opts_.tenant_rules.find(tenant_id);
  const auto alert = opts_.alert_policies.find(tenant_id);
  return apply_context{keys_, it == opts_.tenant_rules.end() ? nullptr : &it->second,
                       opts_.reply_token_usable,
                       alert == opts_.alert_policies.end() ? nullptr : &alert->second};
}

batch_outcome inbox_batch::run(pqxx::connection& conn, inbox_lane lane,
                               const std::vector<std::int32_t>& partitions, unsigned partition_count) {
  try {
    return run(conn, lane, partitions, partition_count, false);
  } catch (const rejected_without_savepoint&) {
    return run(conn, lane, partitions, partition_count, true);
  }
}

batch_outcome inbox_batch::run(pqxx::connection& conn, inbox_lane lane,
                               const std::vector<std::int32_t>& partitions, unsigned partition_count,
                               bool with_savepoints) {
  batch_outcome out;
  if (partitions.empty()) {
    return out;
  }
  binary_array held{pg_oid::int4};
  for (const std::int32_t p : partitions) {
    held.add(p);
  }
  pqxx::work tx(conn, "inbox");
  const pqxx::result rows =
      tx.exec_prepared(lane == inbox_lane::crisis ? "inbox_take_crisis" : "inbox_take",
                       static_cast<long long>(size_), pqxx::binarystring(held.bytes()),
                       static_cast<int>(partition_count == 0 ? 1 : partition_count));
  binary_array tenants{pg_oid::text};
  binary_array ids{pg_oid::text};
  binary_array errors{pg_oid::text};
  binary_array failed_tenants{pg_oid::text};
  binary_array failed_ids{pg_oid::text};
  binary_array failed_states{pg_oid::text};
  // Residents with an event rejected in this batch: their later events wait for it.
  std::unordered_set<std::string> held_back;
  std::size_t failed = 0;
  for (const auto& r : rows) {
    inbox_row row{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                  r[3].as<std::string>(), r[4].as<std::string>()};
    const std::string resident =
        r[7].is_null() ? std::string() : row.tenant_id + '\0' + pqxx::binarystring(r[7]).str();
    if (!resident.empty() && held_back.contains(resident)) {
      continue;
    }
    std::optional<std::string> error;
    std::optional<std::string> rejected;  // SQLSTATE
    try {
      const std::string json = keys_.open(sealed{r[6].as<std::uint32_t>(), pqxx::binarystring(r[5]).str()},
                                          row.tenant_id + "/inbox");
      const routing::line_event event = parse_stored_event(json);
      if (changes_domain(event.type) && with_savepoints) {
        // A savepoint per event: a row the database rejects is rolled back alone, and the batch's
        // transaction goes on. (Plain statements: a pqxx::subtransaction left the transaction aborted
        // after a failed statement.)
        tx.exec0("SAVEPOINT apply");
        bool wrote = false;
        try {
          wrote = apply_event(tx, context_for(row.tenant_id), row, event);
        } catch (const pqxx::broken_connection&) {
          throw;
        } catch (...) {
          tx.exec0("ROLLBACK TO SAVEPOINT apply");
          throw;
        }
        tx.exec0("RELEASE SAVEPOINT apply");
        out.outbox_rows = out.outbox_rows || wrote;
      } else if (changes_domain(event.type)) {
        try {
          out.outbox_rows = apply_event(tx, context_for(row.tenant_id), row, event) || out.outbox_rows;
        } catch (const pqxx::sql_error& e) {
          if (connection_lost(e)) {
            throw;
          }
          throw rejected_without_savepoint{};
        } catch (const pqxx::deadlock_detected&) {
          throw rejected_without_savepoint{};
        } catch (const pqxx::serialization_failure&) {
          throw rejected_without_savepoint{};
        } catch (const unusable_event&) {
          // It may have written part of the event before giving up: only a savepoint undoes just that.
          throw rejected_without_savepoint{};
        }
      }
    } catch (const crypto_error&) {
      error = "payload could not be opened";
    } catch (const unusable_event& e) {
      error = e.what();
    } catch (const pqxx::sql_error& e) {
      if (connection_lost(e)) {
        throw;
      }
      rejected = e.sqlstate();
    } catch (const pqxx::deadlock_detected&) {
      rejected = "40P01";
    } catch (const pqxx::serialization_failure&) {
      rejected = "40001";
    }
    if (rejected) {
      ++failed;
      spdlog::warn("storage: inbox event {} of tenant {} rejected by the database (SQLSTATE {}); tried again",
                   row.event_id, row.tenant_id, *rejected);
      failed_tenants.add(std::string_view(row.tenant_id));
      failed_ids.add(std::string_view(row.event_id));
      failed_states.add(std::string_view(*rejected));
      if (!resident.empty()) {
        held_back.insert(resident);
      }
      continue;
    }
    tenants.add(std::string_view(row.tenant_id));
    ids.add(std::string_view(row.event_id));
    if (error) {
      ++failed;
      spdlog::warn("storage: inbox event {} of tenant {} not applied: {}", row.event_id, row.tenant_id, *error);
      errors.add(std::string_view(*error));
    } else {
      errors.add_null();
    }
    if (r[8].as<std::string>() == "crisis") {
      ++out.applied_crisis;
    } else {
      ++out.applied_ordinary;
    }
  }
  if (ids.size() > 0) {
    tx.exec_prepared0("inbox_mark", pqxx::binarystring(tenants.bytes()), pqxx::binarystring(ids.bytes()),
                      pqxx::binarystring(errors.bytes()));
  }
  if (failed_ids.size() > 0) {
    const pqxx::row parked = tx.exec_prepared1(
        "inbox_attempt", pqxx::binarystring(failed_tenants.bytes()), pqxx::binarystring(failed_ids.bytes()),
        pqxx::binarystring(failed_states.bytes()), static_cast<int>(opts_.inbox_max_attempts));
    out.parked = parked[0].as<std::size_t>();
    if (out.parked > 0) {
      spdlog::warn("storage: {} inbox events parked after {} attempts ({} consultations marked)", out.parked,
                   opts_.inbox_max_attempts, parked[1].as<std::size_t>());
    }
  }
  tx.commit();
  out.taken = rows.size();
  if (!rows.empty()) {
    spdlog::debug("storage: applied {} inbox events ({} failed)", rows.size(), failed);
  }
  return out;
}

}  // namespace yorisoi::storage::detail
