#include "yorisoi/gateway/server.hpp"

#include "send/alert_sender.hpp"
#include "http/handlers.hpp"
#include "http/metrics.hpp"
#include "send/outbox_sender.hpp"
#include "line/line_signals.hpp"
#include "http/session.hpp"
#include "spool/spool.hpp"
#include "spool/spool_ingest.hpp"
#include "spool/spool_replayer.hpp"
#include "stream/stream_hub.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include <atomic>
#include <csignal>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

namespace yorisoi::gateway {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Opens the webhook spool named by the settings, or says clearly why it cannot be used (start-up).
std::unique_ptr<spool> open_spool(const config::settings& all) {
  const config::spool_settings& settings = all.server.spool;
  spool_options options;
  options.directory = settings.directory;
  options.keys = std::make_shared<const storage::keyring>(all.crypto.keys, all.crypto.pseudonym_pepper);
  options.max_bytes = settings.max_bytes;
  options.segment_bytes = settings.segment_bytes;
  try {
    auto opened = spool::open(std::move(options));
    const spool_depth depth = opened->depth();
    spdlog::info("webhook spool {}: {} records ({} bytes) waiting for replay", settings.directory,
                 depth.records, depth.bytes);
    return opened;
  } catch (const std::system_error& e) {
    throw std::system_error(e.code(), "cannot use the webhook spool directory '" + settings.directory +
                                          "' (server.spool.directory, YORISOI_SPOOL_DIR): " + e.what());
  }
}

// While the database is away a replay pass is tried after 0.5 s, then at doubling waits up to 5 s: a
// failing pass costs one connection attempt, and the spool drains within about 5 s of the database's
// return without anything else (a readiness probe, say) having to wake it.
spool_replayer_options replayer_options(const config::spool_settings& settings) {
  spool_replayer_options options;
  options.max_retry = std::chrono::seconds(5);
  options.quarantine_age = std::chrono::hours(24) * settings.quarantine_days;
  // Runs of spooled webhooks share one ingest commit (the group commit's statement), in order.
  options.batch = 500;
  return options;
}

// How long the replayer waits for one run of spooled webhooks' ingest before trying again later.
constexpr std::chrono::milliseconds spool_replay_timeout{5000};
// Threads the spool's appends block on (fdatasync); concurrent appends share one fdatasync.
constexpr unsigned spool_append_threads = 4;

}  // namespace

struct server::impl {
  impl(const config::settings& s, storage::service& st, storage::console_store& c, storage::referral_store& r,
       storage::report_store& rp)
      : settings(s), store(st), console(c), referrals(r), reports(rp) {
    handlers.chat_signals = &chat_signals;
  }

  const config::settings& settings;
  storage::service& store;
  storage::console_store& console;
  storage::referral_store& referrals;
  storage::report_store& reports;
  gateway::metrics metrics;
  std::unique_ptr<gateway::spool> webhook_spool = open_spool(settings);
  spool_replayer replayer{*webhook_spool, make_spool_batch_deliver(settings, store, spool_replay_timeout),
                          replayer_options(settings.server.spool),
                          [this](const spool_replay_result& result) { observe_replay(result); }};
  // After the spool: destroyed (joined) before it.
  asio::thread_pool spool_pool{spool_append_threads};
  click_window link_clicks;
  handler_context handlers{
      settings,
      store,
      metrics,
      console,
      referrals,
      reports,
      settings.server.console_dir.empty() ? default_console_dir() : settings.server.console_dir,
      *webhook_spool,
      replayer,
      spool_pool,
      link_clicks};
  std::atomic<bool> draining{false};
  stream_hub hub;
  address_counter per_address;
  session_env env{handlers, settings.server, draining, hub, per_address};

  asio::io_context io;
  // The acceptor, the signals and the grace timer belong to one strand: shutdown touches them all.
  asio::strand<asio::io_context::executor_type> control = asio::make_strand(io);
  tcp::acceptor acceptor{control};
  asio::signal_set signals{control};
  asio::steady_timer grace{control};
  std::uint16_t bound_port = 0;
  // After io: destroyed first, while the io_context its sockets and timers belong to still exists.
  outbox_sender sender{io, settings, store, metrics};
  alert_sender alerts{io, settings, store, metrics};
  line_signals chat_signals{io, settings, metrics};
  bool sender_drained = false;  // control strand only
  bool alerts_drained = false;  // control strand only

  std::mutex mutex;  // guards live
  std::unordered_map<connection*, std::weak_ptr<connection>> live;

  // The replayer's thread, after every pass: counters, and a log line when something happened.
  void observe_replay(const spool_replay_result& result) {
    metrics.count_spool_replay(result.replayed, result.corrupt, result.rejected);
    if (result.replayed > 0 || result.corrupt > 0 || result.rejected > 0 || result.io_error) {
      spdlog::info("spool replay: replayed={} remaining={} corrupt={} rejected={} stopped={} io_error={}",
                   result.replayed, result.remaining, result.corrupt, result.rejected, result.stopped,
                   result.io_error);
    }
  }

  std::size_t live_count() {
    std::lock_guard lock(mutex);
    return live.size();
  }

  void add(const std::shared_ptr<connection>& conn) {
    std::lock_guard lock(mutex);
    live.emplace(conn.get(), conn);
  }

  void remove(connection* conn) {
    bool last = false;
    {
      std::lock_guard lock(mutex);
      live.erase(conn);
      last = live.empty() && draining.load();
    }
    if (last) {
      asio::post(control, [this] { finish_if_idle(); });
    }
  }

  // Control strand: the grace period ends early once no connection and no outbox send is left.
  void finish_if_idle() {
    if (sender_drained && alerts_drained && live_count() == 0) {
      grace.cancel();
    }
  }

  std::vector<std::shared_ptr<connection>> snapshot() {
    std::lock_guard lock(mutex);
    std::vector<std::shared_ptr<connection>> out;
    for (auto& [key, weak] : live) {
      if (auto conn = weak.lock()) {
        out.push_back(std::move(conn));
      }
    }
    return out;
  }

  asio::awaitable<void> accept_loop() {
    asio::steady_timer backoff{control};
    for (;;) {
      auto [ec, socket] =
          co_await acceptor.async_accept(asio::make_strand(io), asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) {
        co_return;
      }
      if (ec) {
        // Out of descriptors and the like: back off instead of spinning, and keep serving.
        spdlog::warn("accept failed: {}", ec.message());
        backoff.expires_after(std::chrono::milliseconds(50));
        co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      auto executor = socket.get_executor();
      auto conn = make_connection(std::move(socket));
      if (live_count() >= settings.server.max_connections) {
        asio::co_spawn(executor, refuse_connection(env, conn), asio::detached);
        continue;
      }
      add(conn);
      asio::co_spawn(executor, serve_connection(env, conn),
                     [this, raw = conn.get()](const std::exception_ptr&) { remove(raw); });
    }
  }

  // Runs on the control strand.
  void begin_shutdown() {
    if (draining.exchange(true)) {
      return;
    }
    spdlog::info("shutting down: {} open connections, grace {} ms", live_count(),
                 settings.server.shutdown_grace.count());
    boost::system::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    hub.close_all();
    for (const auto& conn : snapshot()) {
      close_when_idle(conn);
    }
    // Stop claiming outbox rows; sends in flight may finish within the grace period.
    sender.stop([this] {
      asio::post(control, [this] {
        sender_drained = true;
        finish_if_idle();
      });
    });
    alerts.stop([this] {
      asio::post(control, [this] {
        alerts_drained = true;
        finish_if_idle();
      });
    });
    grace.expires_after(settings.server.shutdown_grace);
    grace.async_wait([this](boost::system::error_code ec) {
      if (ec) {
        return;  // every connection finished in time
      }
      spdlog::warn("shutdown grace period over: closing {} connections", live_count());
      for (const auto& conn : snapshot()) {
        close_now(conn);
      }
      // Requests still waiting for storage cannot be answered any more, and sends still waiting for
      // LINE are abandoned (their rows are claimed again after the lease); stop the loop.
      io.stop();
    });
    finish_if_idle();
  }
};

server::server(const config::settings& settings, storage::service& store, storage::console_store& console,
               storage::referral_store& referrals, storage::report_store& reports)
    : impl_(std::make_unique<impl>(settings, store, console, referrals, reports)) {
  store.set_batch_observer(
      [this](const storage::batch_report& report) { impl_->metrics.observe_batch(report); });
  // Runs on a storage thread after new outbox rows committed; notify() only posts to the sender.
  // The on-call alert a crisis writes commits with the crisis answer's outbox row: wake both.
  store.set_outbox_notifier([this] {
    impl_->sender.notify();
    impl_->alerts.notify();
  });
}

server::~server() = default;

void server::wake_outbox() {
  impl_->sender.notify();
}

void server::listen() {
  try {
    const auto& s = impl_->settings.server;
    tcp::resolver resolver(impl_->io);
    const auto results = resolver.resolve(s.listen_host, std::to_string(s.listen_port),
                                          tcp::resolver::passive | tcp::resolver::numeric_service);
    const tcp::endpoint endpoint = *results.begin();
    auto& acceptor = impl_->acceptor;
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    impl_->bound_port = acceptor.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    throw std::system_error(e.code().value(), std::generic_category(),
                            "cannot listen on " + impl_->settings.server.listen_host + ":" +
                                std::to_string(impl_->settings.server.listen_port));
  }
}

std::uint16_t server::port() const {
  return impl_->bound_port;
}

void server::run(bool handle_signals) {
  if (!impl_->acceptor.is_open()) {
    listen();
  }
  auto& state = *impl_;
  asio::co_spawn(state.control, state.accept_loop(), asio::detached);
  state.sender.start();
  state.alerts.start();
  // The storage service runs by now (main starts it before run()): records left from before a
  // restart are replayed at once.
  state.replayer.start();
  // Both callbacks run on the console store's listener thread; the hub only posts to socket strands.
  state.console.listen([&state](const storage::console_event& event) { state.hub.publish(event); },
                       [&state](const std::string& user_id) { state.hub.session_ended(user_id); });
  if (handle_signals) {
    state.signals.add(SIGINT);
    state.signals.add(SIGTERM);
    state.signals.async_wait([&state](boost::system::error_code ec, int) {
      if (!ec) {
        state.begin_shutdown();
      }
    });
  }
  unsigned threads = state.settings.server.threads;
  if (threads == 0) {
    threads = std::max(1u, std::thread::hardware_concurrency());
  }
  spdlog::info("listening on {}:{} with {} threads", state.settings.server.listen_host, state.bound_port,
               threads);
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) {
    pool.emplace_back([&state] { state.io.run(); });
  }
  state.io.run();
  for (auto& thread : pool) {
    thread.join();
  }
  // Before main stops the storage service: a pass waits for storage's answers. What is left stays in
  // the spool for the next start.
  state.replayer.stop();
  // No notification may reach the hub once the sockets are gone.
  state.console.stop_listening();
  spdlog::info("server stopped");
}

void server::stop() {
  asio::post(impl_->control, [state = impl_.get()] { state->begin_shutdown(); });
}

}  // namespace yorisoi::gateway
