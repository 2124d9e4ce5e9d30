// How fast the webhook spool drains into PostgreSQL: the same spooled webhooks (one text event each,
// as LINE sends them) replayed one record per commit and in runs of records sharing one commit.
// Prints records/s for each; never registered with ctest. Needs YORISOI_TEST_PG_URL (a scratch
// database is made and dropped).
//
//   spool_drain_bench [--records N] [--run R]
#include "spool/spool.hpp"
#include "spool/spool_ingest.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/storage/service.hpp"
#include "yorisoi/test/scratch_database.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace {

using namespace yorisoi;

config::settings load_pilot(const std::string& url) {
  // Bench values only: base64 of 32 bytes for the key and the pepper.
  const std::map<std::string, std::string> env{
      {"YORISOI_ENCRYPTION_KEYS", "1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="},
      {"YORISOI_PSEUDONYM_PEPPER", "yMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl5uc="},
      {"YAMAGATA_LINE_CHANNEL_SECRET", "secret"},
      {"YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN", "token"},
      {"YORISOI_DATABASE_URL", url},
  };
  return config::load(YORISOI_PILOT_CONFIG, [&env](const std::string& name) -> std::optional<std::string> {
    const auto found = env.find(name);
    return found == env.end() ? std::nullopt : std::optional<std::string>(found->second);
  });
}

gateway::spool_record record(const std::string& run, int n) {
  const std::string id = run + "-" + std::to_string(n);
  const long long at = 1'676'883'600'000LL + n;  // 2023-02-20 18:00 JST, in the pilot's service period
  std::string body = R"({"destination":"U0","events":[{"type":"message","mode":"active","timestamp":)" +
                     std::to_string(at) + R"(,"webhookEventId":")" + id +
                     R"(","deliveryContext":{"isRedelivery":false},"source":{"type":"user","userId":"U)" +
                     std::to_string(n % 500) + R"("},"replyToken":"r","message":{"id":")" + id +
                     R"(","type":"text","text":"こんばんは、少し話を聞いてほしいです"}}]})";
  return gateway::spool_record{"yamagata", "yamagata", at, std::move(body)};
}

// Fills a fresh spool with `n` records, replays it, and answers records per second.
double drain(const config::settings& settings, storage::service& store, const std::string& run, int n,
             std::size_t batch) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("spool-drain-" + run);
  std::filesystem::remove_all(dir);
  gateway::spool_options options;
  options.directory = dir;
  options.keys = std::make_shared<const storage::keyring>(settings.crypto.keys, settings.crypto.pseudonym_pepper);
  options.max_bytes = 1ULL << 30;
  double rate = 0;
  {
    auto spool = gateway::spool::open(options);
    for (int i = 0; i < n; ++i) {
      if (spool->append(record(run, i)) != gateway::spool_append_status::stored) {
        std::fprintf(stderr, "append failed\n");
        std::exit(1);
      }
    }
    const auto started = std::chrono::steady_clock::now();
    const auto timeout = std::chrono::milliseconds(10'000);
    const gateway::spool_replay_result result =
        batch <= 1 ? spool->replay_once(gateway::make_spool_deliver(settings, store, timeout))
                   : spool->replay_once(gateway::make_spool_batch_deliver(settings, store, timeout), batch);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (result.replayed != static_cast<std::uint64_t>(n)) {
      std::fprintf(stderr, "replayed %llu of %d\n", static_cast<unsigned long long>(result.replayed), n);
      std::exit(1);
    }
    rate = n / seconds;
  }
  std::filesystem::remove_all(dir);
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  int records = 5000;
  std::size_t run = 500;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--records") {
      records = std::atoi(argv[i + 1]);
    } else if (key == "--run") {
      run = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    }
  }
  if (!test::scratch_database::admin_url()) {
    std::fprintf(stderr, "spool_drain_bench: set YORISOI_TEST_PG_URL\n");
    return 2;
  }
  test::scratch_database db;
  const config::settings settings = load_pilot(db.url());
  storage::options opts;
  opts.url = db.url();
  opts.run_inbox_processor = false;  // the drain alone: stored, not yet applied
  opts.backlog_every = std::chrono::milliseconds(0);
  storage::service store(opts, storage::keyring(settings.crypto.keys, settings.crypto.pseudonym_pepper));
  store.migrate();
  store.start();
  const double one = drain(settings, store, "one", records, 1);
  const double runs = drain(settings, store, "runs", records, run);
  std::printf("spool drain, %d records of one event: one record per commit %.0f records/s; runs of %zu %.0f records/s\n",
              records, one, run, runs);
  return 0;
}
