#pragma once
// The HTTP server: LINE webhook, health, readiness and metrics, the console API, its WebSocket and
// static files (settings.server.console_dir, or `console` next to the binary), and the outbox sender that
// delivers stored answers to LINE's Messaging API (settings.line.api_base).
//
// Owns the io_context and its network threads, and the webhook spool (settings.server.spool): a webhook
// PostgreSQL cannot take in time is fsynced there and answered 200, and a replayer thread (started by
// run(), stopped before run() returns) moves it into the database once it is back. Database work goes to storage::service and is awaited
// without blocking a network thread. On shutdown the sender stops claiming and its sends in flight
// share the grace period with the open requests. Thread-safety: run() blocks the caller until stop() (from
// any thread, or SIGTERM/SIGINT when handle_signals is set) has drained in-flight requests.

#include "yorisoi/config/config.hpp"
#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/referral.hpp"
#include "yorisoi/storage/report.hpp"
#include "yorisoi/storage/service.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace yorisoi::gateway {

class server {
 public:
  // Registers the server's metrics as `store`'s batch observer and the sender as its outbox notifier,
  // so construct it before store.start(). Throws std::invalid_argument when settings.line.api_base is
  // not an http(s) URL, std::system_error when the spool directory cannot be used (locked by another
  // process, permissions). `settings`, `store` and `console` must outlive the server, and the server must
  // outlive store.stop(): storage threads call back into it (metrics, answers to awaited requests).
  // `referrals` and `reports` likewise (the referral and report routes; stop them after run() returned).
  // run() starts console.listen() (live events for the WebSockets) and stops it before returning.
  server(const config::settings& settings, storage::service& store, storage::console_store& console,
         storage::referral_store& referrals, storage::report_store& reports);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds the listening socket (throws std::system_error when it cannot). After this, port() is known.
  void listen();
  [[nodiscard]] std::uint16_t port() const;

  // Serves until stop() or a signal; then stops accepting, lets in-flight requests finish within the
  // configured grace period, and returns.
  void run(bool handle_signals = true);
  void stop();

  // Wakes the outbox sender at once (new rows committed by a store other than `store`, such as the
  // referral store's consent requests). Any thread; only posts.
  void wake_outbox();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace yorisoi::gateway
