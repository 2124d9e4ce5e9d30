#pragma once
// The spool's replay callback: what a spooled webhook becomes when it is moved into PostgreSQL.
//
// plan_spool_ingest() is the pure part: the record's channel must still be configured and belong to
// the record's tenant, and its body must parse (it did when it was spooled; a new binary could
// disagree) — otherwise the record is `rejected` (quarantined by the spool, never retried). A body
// without events (LINE's "Verify") needs nothing stored. Events older than the tenant's retention at
// the record's arrival are dropped, as the webhook drops them (they were counted there), unless
// [server] accept_stale_events_for_replay. Thread-safe, no I/O.
//
// make_spool_deliver() wraps it around storage::service::ingest, waiting for the answer on the
// replayer's thread for at most `timeout`: stored → stored, unavailable or no answer in time →
// retry_later (the record stays; ingest is idempotent by webhookEventId, so an answer that arrives
// after the timeout does no harm). `settings` and `store` must outlive the callback.

#include "spool/spool.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/storage/service.hpp"

#include <chrono>
#include <optional>
#include <string_view>

namespace yorisoi::gateway {

struct spool_ingest_plan {
  enum class kind { ingest, nothing_to_store, rejected };
  kind what = kind::rejected;
  std::string_view reason;          // for rejected: "unknown_channel", "tenant_mismatch", a parse error
  storage::ingest_request request;  // for ingest
};

[[nodiscard]] spool_ingest_plan plan_spool_ingest(const config::settings& settings,
                                                  const spool_record& record);

[[nodiscard]] spool_deliver make_spool_deliver(const config::settings& settings, storage::service& store,
                                               std::chrono::milliseconds timeout);

// The same for a run of records: their requests go to storage::service::ingest_all, one commit for
// the whole run (all stored or none, so never a later record without an earlier one), each event
// keeping its record's arrival time. Rejected records are answered rejected; the others stored, or
// all retry_later.
[[nodiscard]] spool_batch_deliver make_spool_batch_deliver(const config::settings& settings,
                                                           storage::service& store,
                                                           std::chrono::milliseconds timeout);

}  // namespace yorisoi::gateway
