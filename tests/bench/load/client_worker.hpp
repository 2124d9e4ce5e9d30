#pragma once

#include "load/latency_histogram.hpp"
#include "load/options.hpp"
#include "load/request_producer.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace yorisoi::bench {

using load_clock = std::chrono::steady_clock;

// The phases of one run, shared read-only by every worker.
struct run_schedule {
  load_clock::time_point start;         // first request (warmup begins)
  load_clock::time_point measure_from;  // end of warmup
  load_clock::time_point end;           // no request is started at or after this
  load_clock::time_point hard_stop;     // any request still open is abandoned
};

// What one worker saw. Counters cover requests whose intended start lies in [measure_from, end);
// acked_first_ids covers the whole run (warmup too), because every acknowledged event must be stored.
struct worker_stats {
  latency_histogram latency;  // every response of the measured phase, from intended send time
  std::uint64_t sent = 0;
  std::uint64_t status_2xx = 0;
  std::uint64_t status_3xx = 0;
  std::uint64_t status_4xx = 0;
  std::uint64_t status_5xx = 0;
  std::uint64_t status_other = 0;
  std::uint64_t errors = 0;  // connect/read/write failures, timeouts, unparsable responses
  std::uint64_t connects = 0;
  std::uint64_t underruns = 0;  // a sender found no pre-signed request ready (whole run)
  std::vector<std::uint64_t> acked_first_ids;

  void merge(const worker_stats& other);
};

// One client thread: an io_context and a share of the connections, each a coroutine that keeps one
// request outstanding on a keep-alive connection. In fixed-rate mode connection c of N sends its j-th
// request at start + (c + j*N)/rate and measures latency from that intended time, even when the
// previous answer came late (no coordinated omission). Not thread-safe: run() on one thread, then read
// stats() from any thread after run() returned.
class client_worker {
 public:
  client_worker(const load_options& options, request_producer& producer, const run_schedule& schedule,
                boost::asio::ip::tcp::endpoint target, unsigned first_connection, unsigned connection_count);
  ~client_worker();
  client_worker(const client_worker&) = delete;
  client_worker& operator=(const client_worker&) = delete;

  void run();
  [[nodiscard]] const worker_stats& stats() const { return stats_; }

 private:
  struct connection;
  struct next_request {
    std::shared_ptr<const request_block> block;
    std::size_t index = 0;
  };

  boost::asio::awaitable<void> connection_loop(connection& conn);
  boost::asio::awaitable<void> watchdog();
  boost::asio::awaitable<bool> take_request(next_request& out);
  boost::asio::awaitable<bool> ensure_connected(connection& conn);
  void record(int status, load_clock::time_point intended, load_clock::time_point done,
              std::uint64_t first_id);

  const load_options& options_;
  request_producer& producer_;
  run_schedule schedule_;
  boost::asio::ip::tcp::endpoint target_;
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<connection>> connections_;
  std::shared_ptr<const request_block> current_block_;
  std::size_t current_index_ = 0;
  unsigned running_ = 0;
  worker_stats stats_;
};

}  // namespace yorisoi::bench
