#include "inbox/inbox_processor.hpp"

#include "db/connection.hpp"
#include "inbox/inbox_apply.hpp"
#include "db/pg_array.hpp"
#include "inbox/stored_event.hpp"

#include <pqxx/pqxx>

#include <spdlog/spdlog.h>

#include <optional>
#include <utility>

namespace yorisoi::storage::detail {
namespace {

// Only one instance applies events at a time; the others find the lock taken and wait for the next poll.
constexpr const char* lock_sql = "SELECT pg_try_advisory_xact_lock(7212461002)";

// Only rows whose writing transaction is older than every transaction still running: a row that
// sorts before them can no longer appear, so (xid, seq) order is the order events were written in,
// even when two ingest transactions commit out of order (another instance, or a retried batch).
constexpr const char* take_sql = R"sql(
SELECT tenant_id, event_id::text, channel_key, occurred_at::text, received_at::text, payload, key_id
  FROM inbox_event
 WHERE processed_at IS NULL
   AND xid < pg_snapshot_xmin(pg_current_snapshot())
 ORDER BY xid, seq
 LIMIT $1
   FOR UPDATE SKIP LOCKED
)sql";

constexpr const char* mark_sql = R"sql(
UPDATE inbox_event AS e
   SET processed_at = now(), process_error = u.err
  FROM unnest($1::text[], $2::text[], $3::text[]) AS u(t, id, err)
 WHERE e.tenant_id = u.t AND e.event_id = u.id::uuid
)sql";

void prepare(pqxx::connection& conn) {
  conn.prepare("inbox_lock", lock_sql);
  conn.prepare("inbox_take", take_sql);
  conn.prepare("inbox_mark", mark_sql);
  prepare_apply_statements(conn);
}

// Failures that say nothing about the event itself: roll the batch back and try again later.
bool is_transient(const pqxx::sql_error& e) {
  const std::string state = e.sqlstate();
  return state == "57014" /* query_canceled (statement timeout) */ || state == "40001" /* serialization */ ||
         state == "40P01" /* deadlock */ || state.starts_with("08") /* connection */ ||
         state.starts_with("53") /* insufficient resources */ || state.starts_with("57P") /* shutdown */;
}

}  // namespace

inbox_processor::inbox_processor(const options& opts, const keyring& keys, std::string conninfo,
                                 std::function<void()> on_outbox)
    : opts_(opts),
      keys_(keys),
      conninfo_(std::move(conninfo)),
      poll_(opts.inbox_poll),
      batch_(opts.inbox_batch == 0 ? 1 : opts.inbox_batch),
      on_outbox_(std::move(on_outbox)) {}

inbox_processor::~inbox_processor() {
  stop();
}

void inbox_processor::start() {
  thread_.start([this] { run(); });
}

void inbox_processor::stop() {
  thread_.stop();
}

void inbox_processor::poke() {
  thread_.wake();
}

apply_context inbox_processor::context_for(const std::string& tenant_id) const {
  const auto it = opts_.tenant_rules.find(tenant_id);
  const auto alert = opts_.alert_policies.find(tenant_id);
  return apply_context{keys_, it == opts_.tenant_rules.end() ? nullptr : &it->second,
                       opts_.reply_token_usable,
                       alert == opts_.alert_policies.end() ? nullptr : &alert->second};
}

void inbox_processor::run() {
  db_connection conn(conninfo_, &prepare);
  do {
    try {
      // A full batch suggests more is waiting: keep going until the inbox is drained.
      while (process_batch(conn) == batch_ && !thread_.stopping()) {
      }
    } catch (const std::exception& e) {
      spdlog::warn("storage: inbox processing paused: {}", e.what());
      conn.reset();
    }
  } while (thread_.wait(poll_));
}

namespace {

// The database rejected an event applied without a savepoint: the batch must be applied again with them.
struct rejected_without_savepoint {};

}  // namespace

std::size_t inbox_processor::process_batch(db_connection& db) {
  try {
    return process_batch(db, false);
  } catch (const rejected_without_savepoint&) {
    return process_batch(db, true);
  }
}

std::size_t inbox_processor::process_batch(db_connection& db, bool with_savepoints) {
  pqxx::connection& conn = db.get();
  pqxx::work tx(conn, "inbox");
  if (!tx.exec_prepared1("inbox_lock")[0].as<bool>()) {
    return 0;
  }
  const pqxx::result rows = tx.exec_prepared("inbox_take", static_cast<long long>(batch_));
  binary_array tenants{pg_oid::text};
  binary_array ids{pg_oid::text};
  binary_array errors{pg_oid::text};
  std::size_t failed = 0;
  bool outbox_rows = false;
  for (const auto& r : rows) {
    inbox_row row{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                  r[3].as<std::string>(), r[4].as<std::string>()};
    std::optional<std::string> error;
    try {
      const std::string json = keys_.open(sealed{r[6].as<std::uint32_t>(), pqxx::binarystring(r[5]).str()},
                                          row.tenant_id + "/inbox");
      const routing::line_event event = parse_stored_event(json);
      if (changes_domain(event.type) && with_savepoints) {
        // A savepoint per event: a row the database rejects is recorded, the rest of the batch applies.
        pqxx::subtransaction sub(tx, "apply");
        const bool wrote = apply_event(sub, context_for(row.tenant_id), row, event);
        sub.commit();
        outbox_rows = outbox_rows || wrote;
      } else if (changes_domain(event.type)) {
        try {
          outbox_rows = apply_event(tx, context_for(row.tenant_id), row, event) || outbox_rows;
        } catch (const pqxx::sql_error& e) {
          if (is_transient(e)) {
            throw;
          }
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
      if (is_transient(e)) {
        throw;
      }
      error = "rejected by the database (SQLSTATE " + e.sqlstate() + ")";
    }
    tenants.add(std::string_view(row.tenant_id));
    ids.add(std::string_view(row.event_id));
    if (error) {
      ++failed;
      spdlog::warn("storage: inbox event {} of tenant {} not applied: {}", row.event_id, row.tenant_id,
                   *error);
      errors.add(std::string_view(*error));
    } else {
      errors.add_null();
    }
  }
  if (!rows.empty()) {
    tx.exec_prepared0("inbox_mark", pqxx::binarystring(tenants.bytes()), pqxx::binarystring(ids.bytes()),
                      pqxx::binarystring(errors.bytes()));
  }
  tx.commit();
  if (outbox_rows && on_outbox_) {
    try {
      on_outbox_();
    } catch (const std::exception& e) {
      spdlog::error("storage: outbox notifier threw: {}", e.what());
    }
  }
  if (!rows.empty()) {
    spdlog::debug("storage: applied {} inbox events ({} failed)", rows.size(), failed);
  }
  return rows.size();
}

}  // namespace yorisoi::storage::detail
