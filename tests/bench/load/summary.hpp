#pragma once

#include "load/client_worker.hpp"
#include "load/options.hpp"

#include <ostream>

namespace yorisoi::bench {

// Everything the summary needs besides the merged counters.
struct run_facts {
  double measured_seconds = 0;
  double prebuild_seconds = 0;
  std::uint64_t prebuilt_requests = 0;  // ready before the timed phase began
  std::uint64_t built_requests = 0;     // by the end of the run
  std::uint64_t acked_events = 0;       // whole run, warmup included
};

// Human-readable summary (latencies in ms).
void print_text_summary(std::ostream& out, const load_options& options, const worker_stats& stats,
                        const run_facts& facts);

// One JSON object on one line; latencies in microseconds, rates per second.
void print_json_summary(std::ostream& out, const load_options& options, const worker_stats& stats,
                        const run_facts& facts);

}  // namespace yorisoi::bench
