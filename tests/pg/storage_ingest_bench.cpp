// Quick closed-loop ingest rate of the storage service alone (no HTTP): `clients` requests are kept
// in flight, each answered request immediately submits the next. Not part of ctest.
//   YORISOI_TEST_PG_URL=... storage_ingest_bench [events=100000] [clients=256] [events_per_request=1] [inbox]
// With "inbox", the inbox processor then applies every event, and its rate is printed too
// (YORISOI_BENCH_INBOX_WORKERS=N sets its worker threads).
#include "yorisoi/storage/service.hpp"
#include "yorisoi/test/scratch_database.hpp"

#include <pqxx/pqxx>
#include <thread>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string>

using namespace yorisoi;

namespace {

routing::line_event event_of(std::size_t n) {
  routing::line_event ev;
  ev.webhook_event_id = "01BENCH" + std::to_string(n);
  ev.type = routing::line_event_type::message;
  ev.type_name = "message";
  ev.timestamp_ms = 1'700'000'000'000;
  ev.source_type = "user";
  ev.source_user_id = "U" + std::to_string(n % 5000) + "0123456789abcdef0123456789abcdef";
  ev.raw_json =
      R"({"type":"message","mode":"active","timestamp":1700000000000,"webhookEventId":")" +
      ev.webhook_event_id + R"(","source":{"type":"user","userId":")" + ev.source_user_id +
      R"("},"replyToken":"nHuyWiB7yP5Zw52FIkcQobQuGDXCTA","message":{"type":"text","id":"444573844083572737","quoteToken":"q3Plxr4AgKd...","text":"こんにちは、少し話を聞いてほしいです"}})";
  return ev;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t total = argc > 1 ? std::stoul(argv[1]) : 100'000;
  const std::size_t clients = argc > 2 ? std::stoul(argv[2]) : 256;
  const std::size_t per_request = argc > 3 ? std::stoul(argv[3]) : 1;
  const bool inbox = argc > 4 && std::string(argv[4]) == "inbox";
  if (!test::scratch_database::admin_url()) {
    std::fprintf(stderr, "set YORISOI_TEST_PG_URL\n");
    return 2;
  }
  test::scratch_database db;
  storage::options opts;
  opts.url = db.url();
  opts.run_inbox_processor = false;
  storage::service svc(opts, storage::keyring({{1, std::string(32, 'k')}}, std::string(32, 'p')));
  svc.migrate();
  std::atomic<std::size_t> commits{0};
  svc.set_batch_observer([&](const storage::batch_report& b) { commits += b.committed ? 1 : 0; });
  svc.start();

  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failed{0};
  std::mutex m;
  std::condition_variable cv;
  std::size_t done_events = 0;
  std::function<void()> submit = [&] {
    const std::size_t first = next.fetch_add(per_request);
    if (first >= total) {
      return;
    }
    storage::ingest_request req{"bench", "bench-line", {}, std::nullopt};
    for (std::size_t i = first; i < first + per_request && i < total; ++i) {
      req.events.push_back(event_of(i));
    }
    const std::size_t n = req.events.size();
    svc.ingest(std::move(req), [&, n](storage::ingest_result r) {
      failed += r.outcome == storage::ingest_outcome::stored ? 0 : 1;
      {
        std::lock_guard lock(m);
        done_events += n;
      }
      cv.notify_all();
      submit();
    });
  };
  const auto started = std::chrono::steady_clock::now();
  for (std::size_t c = 0; c < clients; ++c) {
    submit();
  }
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done_events >= total; });
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  svc.stop();
  if (inbox) {
    // Applied afterwards, alone, so that its rate is not mixed with ingest's.
    opts.run_inbox_processor = true;
    opts.inbox_batch = 500;
    if (const char* workers = std::getenv("YORISOI_BENCH_INBOX_WORKERS"); workers != nullptr && *workers != '\0') {
      opts.inbox_workers = static_cast<unsigned>(std::atoi(workers));
    }
    storage::service applier(opts, storage::keyring({{1, std::string(32, 'k')}}, std::string(32, 'p')));
    const auto apply_started = std::chrono::steady_clock::now();
    applier.start();
    pqxx::connection conn(db.url());
    for (;;) {
      pqxx::nontransaction tx(conn);
      if (tx.exec1("SELECT count(*) FROM inbox_event WHERE processed_at IS NULL")[0].as<long long>() == 0) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const double apply_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - apply_started).count();
    std::printf("inbox applied %zu events in %.2f s = %.0f events/s (%u workers)\n", total, apply_seconds,
                static_cast<double>(total) / apply_seconds, opts.inbox_workers);
  }
  std::printf(
      "events=%zu clients=%zu per_request=%zu seconds=%.2f events_per_s=%.0f commits=%zu failed=%zu\n", total,
      clients, per_request, seconds, static_cast<double>(total) / seconds, commits.load(), failed.load());
  return failed.load() == 0 ? 0 : 1;
}
