#pragma once
// The storage service: PostgreSQL behind a small pool of worker threads.
//
// libpqxx is blocking, so it never runs on the caller's (network) threads: every operation is queued,
// runs on a storage thread with that thread's own connection, and reports through a callback invoked
// on a storage thread. Callers that live on an Asio executor post the result back themselves.
//
// Ingest uses group commit: requests queued while a transaction is being written are written
// together in the next one, and every request's callback runs only after its COMMIT returned.
//
// Thread-safety: all public members may be called from any thread once start() returned.

#include "yorisoi/routing/alert.hpp"
#include "yorisoi/routing/inbound.hpp"
#include "yorisoi/routing/line_event.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace yorisoi::storage {

class storage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The database could not be connected to (or the connection broke): nothing was decided about the
// schema. `yorisoi serve` then starts anyway, on the webhook spool, and migrates once it can.
class database_unreachable : public storage_error {
 public:
  using storage_error::storage_error;
};

struct options {
  std::string url;         // libpq connection string or URI
  unsigned pool_size = 4;  // general workers (console/API, readiness)
  // Password hashing (login, password changes, staff accounts) runs on its own workers, so that a flood
  // of logins cannot take the general workers; attempts beyond the queue are refused at once.
  unsigned credential_workers = 1;
  std::size_t credential_queue = 16;
  // Group-commit writers. One per instance keeps arrival order equal to commit order (and cannot
  // deadlock on a redelivered batch); requests queued during a commit still share the next one.
  unsigned ingest_workers = 1;
  std::size_t ingest_max_batch = 1000;         // events per transaction at most
  bool run_inbox_processor = true;             // apply stored events (resident, consultation, message)
  std::chrono::milliseconds inbox_poll{1000};  // also look for work written by other instances
  std::size_t inbox_batch = 200;               // inbox events applied per transaction
  // The inbox is split by resident into this many partitions; each is applied by one worker at a time
  // (of any instance), which keeps each resident's order. Every instance must use the same number.
  unsigned inbox_partitions = 16;
  unsigned inbox_workers = 2;       // inbox worker threads (and connections) of this instance
  unsigned inbox_max_attempts = 5;  // an event the database rejects this often is parked
  // How often the backlog (backlog_stats, for the metrics) is measured; 0 = never.
  std::chrono::milliseconds backlog_every{5000};
  // Bounds on every storage operation, so that a webhook can answer 503 within LINE's 2 s when the
  // database is down or stuck. connect_timeout is rounded up to 2 s by libpq.
  std::chrono::seconds connect_timeout{2};
  std::chrono::milliseconds statement_timeout{1500};  // 0 = none
  // A request still queued after this long (the writers are stuck on a slow or dead database) is
  // answered `unavailable` instead of being written, so that the webhook's answer stays within 2 s.
  std::chrono::milliseconds ingest_max_wait{500};

  // The routing rules of each tenant, by tenant id (decisions of the inbox processor). A tenant without
  // rules gets its events stored and applied but no automatic answers.
  std::map<std::string, routing::tenant_rules> tenant_rules;
  std::map<std::string, std::chrono::minutes> idle_close_after;  // by tenant id; absent or 0 = never
  // A reply token is used only this long after the event was received (LINE: about one minute).
  std::chrono::seconds reply_token_usable{50};
  // How often the search indexer takes the texts written since (instances that apply events run it;
  // 0 = never).
  std::chrono::milliseconds search_index_every{2000};
  // Each tenant's on-call alert policy, by tenant id; a tenant absent here has no alerts.
  std::map<std::string, routing::alert_policy> alert_policies;
};

// One outbox row claimed for sending. Sensitive fields are opened (decrypted) for the sender only.
struct outbox_item {
  std::string tenant_id;
  std::string outbox_id;  // uuid; also the X-Line-Retry-Key of a push
  std::string channel_key;
  std::string line_user_id;   // push target; sensitive: never log
  std::string messages_json;  // JSON array of LINE message objects (1–5); sensitive: never log
  std::string reply_token;    // empty when unusable (expired, or already tried); sensitive
  unsigned attempts = 0;      // including this one
  // A previous attempt's outcome is unknown (the sender died or timed out after sending). A reply that
  // may have been delivered must not be followed by a push of the same messages.
  bool previous_attempt_unknown = false;
  // "reply" | "push" | "" (never attempted): the way the previous attempt used — as reported, or,
  // when it was never reported (previous_attempt_unknown), the way its claim implied: "reply" when a
  // reply token was handed over. A sender given a reply_token must therefore try reply first (or
  // report the way it used).
  std::string previous_via;
};

enum class outbox_outcome {
  sent,    // LINE accepted it (2xx, or 409 for a push retry key already accepted)
  retry,   // 429, 5xx, timeout, connection error: try again at retry_at
  failed,  // other 4xx: recorded with LINE's error text, shown in the console, never retried
};

struct outbox_report {
  std::string tenant_id;
  std::string outbox_id;
  outbox_outcome outcome = outbox_outcome::retry;
  std::string via;  // "reply" | "push"
  int http_status = 0;
  std::string error;       // LINE's error message (no user data in it)
  std::string request_id;  // x-line-request-id
  std::chrono::system_clock::time_point retry_at{};
};

// One on-call alert claimed for sending: ids and times only (the payload is built from these).
struct alert_item {
  std::string tenant_id;
  std::string alert_id;  // uuid; also X-Yorisoi-Alert-Id
  std::string kind;      // "urgent" | "off_hours"
  std::string consultation_id;
  std::string resident_label;  // as the console shows it, e.g. R-3D287B
  std::string occurred_at;     // ISO-8601 UTC, e.g. 2026-12-07T12:40:00Z: when the resident wrote
  unsigned attempt = 0;        // this attempt's number (1 = first); reports name it
};

struct alert_report {
  std::string tenant_id;
  std::string alert_id;
  unsigned attempt = 0;
  outbox_outcome outcome = outbox_outcome::retry;  // sent (2xx), retry (5xx, no answer), failed (other)
  int http_status = 0;
  std::string error;  // status text or transport error; never the payload
  std::chrono::system_clock::time_point retry_at{};
};

// A waiting consultation in the counsellors' queue, in queue order.
struct queue_row {
  std::string tenant_id;
  std::string consultation_id;
  bool urgent = false;
  std::string state;  // waiting | assigned
  std::chrono::system_clock::time_point due_at{};
  std::chrono::system_clock::time_point waiting_since{};
  std::string arrival;  // staffed | off_hours
};

// One verified webhook request of one channel.
struct ingest_request {
  std::string tenant_id;
  std::string channel_key;
  std::vector<routing::line_event> events;
  // When the webhook reached yorisoi (unix ms), if earlier than this call: a request replayed from the
  // spool keeps its arrival time, so that reply tokens count as expired and waits are not shortened.
  // nullopt: now (the transaction's time).
  std::optional<std::int64_t> received_unix_ms;
};

enum class ingest_outcome {
  stored,       // every event is committed (new, or a duplicate of one already stored)
  unavailable,  // nothing is guaranteed stored: answer 503 so that LINE redelivers
};

struct ingest_result {
  ingest_outcome outcome = ingest_outcome::unavailable;
  std::size_t inserted = 0;    // new events
  std::size_t duplicates = 0;  // webhookEventIds already stored
};

struct readiness {
  bool database_reachable = false;
  bool migrations_applied = false;
  [[nodiscard]] bool ready() const noexcept { return database_reachable && migrations_applied; }
};

// The inbox's and the outbox's backlog, as last measured (every options::backlog_every, by a job of
// this instance; the figures are the whole database's, whichever instance applies or sends).
struct backlog_stats {
  bool measured = false;                      // false until a measurement succeeded
  std::chrono::milliseconds measured_ago{0};  // age of the figures (grows while the database is away)
  std::uint64_t inbox_waiting = 0;            // stored, not yet applied
  std::uint64_t inbox_failed = 0;             // applied with an error (never retried; kept for the record)
  std::uint64_t inbox_parked = 0;             // rejected by the database too often: waiting for `inbox retry`
  double inbox_oldest_waiting_seconds = 0;    // since the oldest waiting event reached us; 0 when none
  std::uint64_t outbox_pending = 0;           // messages to LINE not yet sent (due now or retrying later)
  std::uint64_t outbox_sending = 0;           // claimed by a sender (leased)
  double outbox_oldest_due_seconds = 0;       // how long the longest-due row has been due; 0 when none
};

// This instance's inbox processor since it started.
struct inbox_counters {
  std::uint64_t applied_ordinary = 0;  // events applied (marked processed), by the lane they came in
  std::uint64_t applied_crisis = 0;
  std::uint64_t parked = 0;         // events this instance parked
  unsigned partitions_held = 0;     // inbox partitions its workers hold now
  unsigned partitions = 0;          // of this many
};

struct pool_stats {
  unsigned workers = 0;
  unsigned busy = 0;
  std::size_t queued = 0;         // general jobs waiting
  std::size_t ingest_queued = 0;  // events waiting for the next group commit
  backlog_stats backlog;
  inbox_counters inbox;  // zeros when this instance runs no inbox processor
};

// Called on a storage thread after each ingest COMMIT (or failure) — for metrics.
struct batch_report {
  std::size_t requests = 0;
  std::size_t events = 0;
  std::chrono::microseconds duration{0};
  bool committed = false;
};

class service {
 public:
  service(options opts, keyring keys);
  ~service();  // stop()s if needed
  service(const service&) = delete;
  service& operator=(const service&) = delete;

  // Applies pending migrations under an advisory lock (several instances may call it at once) and
  // checks that the database's schema is not newer than this binary knows. Blocking, on its own
  // connection (so also callable after start(), from any thread). Throws database_unreachable when
  // the database cannot be reached, storage_error for anything else.
  void migrate();

  // The newest migration version this binary carries.
  [[nodiscard]] static int schema_version() noexcept;

  // Starts the worker threads (connections are opened lazily and re-opened after failures).
  void start();
  // Finishes queued work (ingest batches included), then joins the threads. Idempotent.
  void stop();

  // Stores the request's events durably, then calls `done` on a storage thread: `stored` only after
  // COMMIT, `unavailable` (within about connect_timeout + statement_timeout) when the database cannot
  // take them. Before start() or after stop(), answers `unavailable` at once on the caller's thread.
  void ingest(ingest_request request, std::function<void(ingest_result)> done);
  // Several requests in one commit, in order, never split: all stored or none (`done` gets the sums).
  // The spool's replay hands over a run of records this way.
  void ingest_all(std::vector<ingest_request> requests, std::function<void(ingest_result)> done);
  // Asks a general worker whether the database answers and holds this binary's schema. Before
  // start() or after stop(), answers "not ready" at once on the caller's thread.
  void check_ready(std::function<void(readiness)> done);
  void set_batch_observer(std::function<void(const batch_report&)> observer);  // before start()

  [[nodiscard]] pool_stats stats() const;

  // Wakes the inbox processor at once (ingest does it itself after each commit).
  void poke_inbox();
  // Runs the idle closer at once (it also runs every minute). Consultations whose last message is
  // older than their tenant's idle_close_after are closed. No-op when no tenant has a limit.
  void poke_idle_closer();

  // Outbox (messages to LINE). claim_outbox() takes up to `limit` rows that are due — pending with
  // next_attempt_at <= now, or `sending` whose lease expired (a sender died mid-send) — with
  // FOR UPDATE SKIP LOCKED, marks them `sending` until now + lease, and hands them over; rows of
  // residents who unfollowed are cancelled instead. Several senders (threads or instances) never get
  // the same row at once. complete_outbox() records the outcome (and the transcript's delivery state).
  void claim_outbox(std::size_t limit, std::chrono::seconds lease,
                    std::function<void(std::optional<std::vector<outbox_item>>)> done);  // nullopt: db error
  void complete_outbox(outbox_report report, std::function<void(bool recorded)> done);
  // Called (on a storage thread) after new outbox rows were committed — by the inbox processor, the
  // console's replies or the referrals' consent requests — so a sender can wake at once. The one path
  // by which anything wakes the outbox sender.
  void set_outbox_notifier(std::function<void()> notify);  // before start()
  // New outbox rows were committed (by a store on top of this service): calls the notifier.
  void outbox_written() const;

  // On-call alerts, with the outbox's claim rules: claim_alerts() takes up to `limit` pending alerts
  // that are due (FOR UPDATE SKIP LOCKED), counts the attempt and leases them until now + lease (a
  // sender that dies leaves them to be claimed again then). complete_alert() records the outcome of the
  // attempt it names; a late report of an older attempt changes nothing, except that a success counts.
  void claim_alerts(std::size_t limit, std::chrono::seconds lease,
                    std::function<void(std::optional<std::vector<alert_item>>)> done);  // nullopt: db error
  void complete_alert(alert_report report, std::function<void(bool recorded)> done);

  // The tenant's open consultations in queue order (urgent, due, waiting longest).
  void list_queue(std::string tenant_id, std::function<void(std::optional<std::vector<queue_row>>)> done);

 private:
  friend class console_store;  // runs its jobs on this service's workers
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace yorisoi::storage
