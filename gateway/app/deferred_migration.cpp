#include "deferred_migration.hpp"

#include <spdlog/spdlog.h>

namespace yorisoi::app {

deferred_migration::deferred_migration(storage::service& store, std::chrono::milliseconds interval)
    : store_(store), interval_(interval) {
  thread_.start([this] { run(); });
}

deferred_migration::~deferred_migration() {
  stop();
}

void deferred_migration::stop() {
  thread_.stop();
}

void deferred_migration::run() {
  // One log line per this many attempts (about a minute at the 2 s interval) while nothing changes.
  constexpr unsigned log_every = 30;
  for (unsigned attempt = 1;; ++attempt) {
    if (!thread_.wait(interval_, 0)) {
      return;
    }
    try {
      store_.migrate();
      spdlog::info("storage: the database answers again; schema at version {} (attempt {})",
                   storage::service::schema_version(), attempt);
      return;
    } catch (const storage::database_unreachable&) {
      if (attempt % log_every == 0) {
        spdlog::warn("storage: the database is still unreachable; webhooks go to the spool");
      }
    } catch (const std::exception& e) {
      // A schema newer than this binary, a failed migration, a runtime role waiting for the owner's
      // migrate: an operator may have to look. Keep serving from the spool and keep trying, rather
      // than dropping what LINE sends; say so at once and then at the same pace as above.
      if (attempt == 1 || attempt % log_every == 0) {
        spdlog::error("storage: migration after start failed: {}", e.what());
      }
    }
  }
}

}  // namespace yorisoi::app
