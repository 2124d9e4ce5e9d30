// webhook_load: a load generator for yorisoi's LINE webhook, loopback only and bounded in time.
// See tests/bench/README.md. Wiring only: options → producer of pre-signed requests → client workers →
// summary (+ the acked-ids file that reliability tests compare with the database).
#include "load/client_worker.hpp"
#include "load/options.hpp"
#include "load/request_producer.hpp"
#include "load/summary.hpp"

#include <boost/asio/ip/address.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <thread>

namespace bench = yorisoi::bench;

namespace {

bool write_acked_file(const bench::load_options& options, const bench::worker_stats& stats) {
  std::ofstream out(options.acked_file, std::ios::trunc);
  if (!out) {
    return false;
  }
  std::string line;
  for (const auto first : stats.acked_first_ids) {
    for (unsigned i = 0; i < options.events_per_request; ++i) {
      line = options.id_prefix;
      line += std::to_string(first + i);
      line += '\n';
      out << line;
    }
  }
  out.flush();
  return static_cast<bool>(out);
}

int run(const bench::load_options& options) {
  const auto address = boost::asio::ip::make_address(options.target_host);
  const boost::asio::ip::tcp::endpoint target(address, options.target_port);
  const std::string host_header = (address.is_v6() ? "[" + options.target_host + "]" : options.target_host) +
                                  ":" + std::to_string(options.target_port);

  // A fixed-rate run knows how many requests it can send. A closed-loop run is pre-built for a rate
  // above what this 2-core class of machine reaches on loopback, and topped up in the background if
  // the server is faster still.
  constexpr double closed_loop_assumed_rate = 150000.0;
  const double total_seconds = options.warmup.count() + options.duration.count();
  const std::uint64_t total_requests =
      options.rate > 0
          ? static_cast<std::uint64_t>(std::ceil(options.rate * total_seconds)) + options.connections
          : 0;
  const std::uint64_t target_requests =
      options.rate > 0 ? total_requests
                       : static_cast<std::uint64_t>(std::ceil(closed_loop_assumed_rate * total_seconds)) +
                             options.connections;

  bench::request_producer producer(
      {host_header, options.path, options.secret, options.id_prefix, options.users, options.seed},
      options.events_per_request, options.prebuild_megabytes * 1024 * 1024, target_requests, total_requests);
  const auto prebuild_start = bench::load_clock::now();
  producer.start();
  producer.wait_prefilled();
  bench::run_facts facts;
  facts.prebuild_seconds = std::chrono::duration<double>(bench::load_clock::now() - prebuild_start).count();
  facts.prebuilt_requests = producer.built_requests();

  bench::run_schedule schedule;
  schedule.start = bench::load_clock::now() + std::chrono::milliseconds(20);
  schedule.measure_from =
      schedule.start + std::chrono::duration_cast<bench::load_clock::duration>(options.warmup);
  schedule.end =
      schedule.measure_from + std::chrono::duration_cast<bench::load_clock::duration>(options.duration);
  schedule.hard_stop = schedule.end +
                       std::chrono::duration_cast<bench::load_clock::duration>(options.request_timeout) +
                       std::chrono::seconds(1);

  std::vector<std::unique_ptr<bench::client_worker>> workers;
  unsigned assigned = 0;
  for (unsigned t = 0; t < options.threads; ++t) {
    const unsigned share =
        options.connections / options.threads + (t < options.connections % options.threads ? 1 : 0);
    workers.push_back(
        std::make_unique<bench::client_worker>(options, producer, schedule, target, assigned, share));
    assigned += share;
  }
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < workers.size(); ++t) {
    threads.emplace_back([&worker = *workers[t]] { worker.run(); });
  }
  workers.front()->run();
  for (auto& thread : threads) {
    thread.join();
  }
  producer.stop();

  bench::worker_stats total;
  for (const auto& worker : workers) {
    total.merge(worker->stats());
  }
  facts.measured_seconds = options.duration.count();
  facts.built_requests = producer.built_requests();
  facts.acked_events = total.acked_first_ids.size() * options.events_per_request;

  if (options.json) {
    bench::print_json_summary(std::cout, options, total, facts);
  } else {
    bench::print_text_summary(std::cout, options, total, facts);
  }
  if (!options.acked_file.empty() && !write_acked_file(options, total)) {
    std::cerr << "webhook_load: cannot write " << options.acked_file << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench::options_error error;
  const auto options = bench::parse_options(std::vector<std::string>(argv + 1, argv + argc), error);
  if (!options) {
    if (error.usage_requested) {
      std::cout << bench::usage_text();
      return 0;
    }
    std::cerr << "webhook_load: " << error.message << "\n" << bench::usage_text();
    return 2;
  }
  try {
    return run(*options);
  } catch (const std::exception& e) {
    std::cerr << "webhook_load: " << e.what() << '\n';
    return 1;
  }
}
