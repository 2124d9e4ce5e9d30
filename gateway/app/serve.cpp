// yorisoi serve: migrate (or, with the database away, serve on the spool and migrate later), then serve
// until SIGTERM/SIGINT; the composition of storage, its stores and the server, and their lifetimes.
#include "commands.hpp"
#include "deferred_migration.hpp"
#include "wiring.hpp"
#include "yorisoi/gateway/server.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

namespace yorisoi::app {
namespace {

// Readers poll this file: write it whole under a temporary name, then rename it into place.
void write_port_file(const std::string& path, std::uint16_t port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    out.flush();
    if (!out) {
      throw std::runtime_error("cannot write " + temporary);
    }
  }
  std::filesystem::rename(temporary, path);
}

}  // namespace

int serve(const command_line& cmd) {
  const auto settings = config::load(cmd.config_file);
  storage::service store(storage_options(settings), make_keyring(settings));
  // Unreachable at start (an outage, a restart during one): serve anyway — the webhook spool takes
  // LINE's requests — and migrate once the database answers.
  std::optional<deferred_migration> migrate_later;
  try {
    store.migrate();
  } catch (const storage::database_unreachable&) {
    spdlog::warn(
        "storage: the database cannot be reached at start; webhooks go to the spool until it answers");
    migrate_later.emplace(store, std::chrono::seconds(2));
  }
  storage::console_store console(store, session_policy(settings));
  // The referral store's consent requests wake the outbox sender through the service's notifier, which
  // the server registers: one path for every outbox row.
  storage::referral_store referrals(store, make_keyring(settings), referral_options(settings));
  storage::report_store reports(store, report_options(settings));
  // The server registers its metrics observer and the outbox notifier on the store, which must
  // happen before start().
  gateway::server server(settings, store, console, referrals, reports);
  store.start();
  referrals.start();
  reports.start();
  try {
    server.listen();
    if (cmd.port_file) {
      write_port_file(*cmd.port_file, server.port());
    }
    server.run();
  } catch (...) {
    // Storage threads call back into the server (metrics, answers): stop them before the server goes.
    if (migrate_later) {
      migrate_later->stop();
    }
    reports.stop();
    referrals.stop();
    store.stop();
    throw;
  }
  // The server has drained its requests; now finish queued referral work and flush queued ingest
  // batches. The server outlives these calls, so a late storage callback still finds its (stopped)
  // io_context.
  if (migrate_later) {
    migrate_later->stop();
  }
  reports.stop();
  referrals.stop();
  store.stop();
  return 0;
}

}  // namespace yorisoi::app
