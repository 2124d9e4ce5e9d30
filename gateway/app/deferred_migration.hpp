#pragma once
// `yorisoi serve` while PostgreSQL is unreachable: the webhook spool takes LINE's requests (fsynced,
// answered 200) and nothing else needs the database to start, so the process starts and this retries
// the migration in the background until the database answers. The storage threads already survive an
// outage; until the migration has run they fail and retry like they do during one.

#include "yorisoi/storage/job_thread.hpp"
#include "yorisoi/storage/service.hpp"

#include <chrono>

namespace yorisoi::app {

class deferred_migration {
 public:
  // Tries store.migrate() every `interval` on its own thread until it succeeds or stop() is called.
  // `store` must outlive this object.
  deferred_migration(storage::service& store, std::chrono::milliseconds interval);
  ~deferred_migration();
  deferred_migration(const deferred_migration&) = delete;
  deferred_migration& operator=(const deferred_migration&) = delete;

  // Ends the retries (an attempt under way finishes first: at most connect_timeout). Idempotent.
  void stop();

 private:
  void run();

  storage::service& store_;
  std::chrono::milliseconds interval_;
  storage::job_thread thread_;
};

}  // namespace yorisoi::app
