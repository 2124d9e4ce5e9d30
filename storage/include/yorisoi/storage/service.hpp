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

#include "yorisoi/routing/line_event.hpp"
#include "yorisoi/storage/crypto.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace yorisoi::storage {

class storage_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct options {
  std::string url;                             // libpq connection string or URI
  unsigned pool_size = 4;                      // general workers (console/API, readiness)
  unsigned ingest_workers = 2;                 // group-commit writers
  std::size_t ingest_max_batch = 1000;         // events per transaction at most
  bool run_inbox_processor = true;             // apply stored events (resident, consultation, message)
  std::chrono::milliseconds inbox_poll{1000};  // also look for work written by other instances
  std::size_t inbox_batch = 200;               // inbox events applied per transaction
  // Bounds on every storage operation, so that a webhook can answer 503 within LINE's 2 s when the
  // database is down or stuck. connect_timeout is rounded up to 2 s by libpq.
  std::chrono::seconds connect_timeout{2};
  std::chrono::milliseconds statement_timeout{1500};  // 0 = none
  // A request still queued after this long (the writers are stuck on a slow or dead database) is
  // answered `unavailable` instead of being written, so that the webhook's answer stays within 2 s.
  std::chrono::milliseconds ingest_max_wait{500};
};

// One verified webhook request of one channel.
struct ingest_request {
  std::string tenant_id;
  std::string channel_key;
  std::vector<routing::line_event> events;
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

struct pool_stats {
  unsigned workers = 0;
  unsigned busy = 0;
  std::size_t queued = 0;         // general jobs waiting
  std::size_t ingest_queued = 0;  // events waiting for the next group commit
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
  // checks that the database's schema is not newer than this binary knows. Blocking; call before
  // start(). Throws storage_error.
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
  // Asks a general worker whether the database answers and holds this binary's schema. Before
  // start() or after stop(), answers "not ready" at once on the caller's thread.
  void check_ready(std::function<void(readiness)> done);
  void set_batch_observer(std::function<void(const batch_report&)> observer);  // before start()

  [[nodiscard]] pool_stats stats() const;

  // Wakes the inbox processor at once (ingest does it itself after each commit).
  void poke_inbox();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace yorisoi::storage
