#include "load/summary.hpp"

#include <cstdio>
#include <string>

namespace yorisoi::bench {
namespace {

struct derived {
  std::uint64_t responses = 0;
  double requests_per_s = 0;
  double ok_requests_per_s = 0;
  double events_per_s = 0;
};

derived derive(const load_options& options, const worker_stats& s, const run_facts& f) {
  derived d;
  d.responses = s.status_2xx + s.status_3xx + s.status_4xx + s.status_5xx + s.status_other;
  if (f.measured_seconds > 0) {
    d.requests_per_s = static_cast<double>(d.responses) / f.measured_seconds;
    d.ok_requests_per_s = static_cast<double>(s.status_2xx) / f.measured_seconds;
    d.events_per_s = d.ok_requests_per_s * options.events_per_request;
  }
  return d;
}

double ms(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}
double us(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e3;
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out.append(buf);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

void print_text_summary(std::ostream& out, const load_options& options, const worker_stats& s,
                        const run_facts& f) {
  const derived d = derive(options, s, f);
  char line[256];
  std::snprintf(
      line, sizeof line, "target %s:%u%s, %u connections, %s, %u event(s)/request\n",
      options.target_host.c_str(), options.target_port, options.path.c_str(), options.connections,
      options.rate > 0
          ? ("fixed rate " + std::to_string(static_cast<long long>(options.rate)) + " req/s").c_str()
          : "closed loop",
      options.events_per_request);
  out << line;
  std::snprintf(line, sizeof line,
                "measured %.2f s after %.2f s warmup; pre-signed %llu requests in %.2f s before start, %llu "
                "more during the run\n",
                f.measured_seconds, options.warmup.count(),
                static_cast<unsigned long long>(f.prebuilt_requests), f.prebuild_seconds,
                static_cast<unsigned long long>(f.built_requests - f.prebuilt_requests));
  out << line;
  std::snprintf(line, sizeof line,
                "requests sent %llu, responses %llu: 2xx %llu, 3xx %llu, 4xx %llu, 5xx %llu, other %llu; "
                "errors %llu; connects %llu; producer underruns %llu\n",
                static_cast<unsigned long long>(s.sent), static_cast<unsigned long long>(d.responses),
                static_cast<unsigned long long>(s.status_2xx), static_cast<unsigned long long>(s.status_3xx),
                static_cast<unsigned long long>(s.status_4xx), static_cast<unsigned long long>(s.status_5xx),
                static_cast<unsigned long long>(s.status_other), static_cast<unsigned long long>(s.errors),
                static_cast<unsigned long long>(s.connects), static_cast<unsigned long long>(s.underruns));
  out << line;
  std::snprintf(line, sizeof line, "throughput %.0f requests/s, %.0f 2xx requests/s, %.0f events/s (2xx)\n",
                d.requests_per_s, d.ok_requests_per_s, d.events_per_s);
  out << line;
  const auto& h = s.latency;
  std::snprintf(line, sizeof line,
                "latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (mean %.3f)\n",
                ms(h.value_at(0.50)), ms(h.value_at(0.90)), ms(h.value_at(0.99)), ms(h.value_at(0.999)),
                ms(h.max()), h.mean() / 1e6);
  out << line;
  std::snprintf(line, sizeof line, "acked events (whole run, warmup included) %llu\n",
                static_cast<unsigned long long>(f.acked_events));
  out << line;
}

void print_json_summary(std::ostream& out, const load_options& options, const worker_stats& s,
                        const run_facts& f) {
  const derived d = derive(options, s, f);
  const auto& h = s.latency;
  char buf[1536];
  std::snprintf(
      buf, sizeof buf,
      "{\"target\":\"%s:%u\",\"path\":\"%s\",\"connections\":%u,\"threads\":%u,\"mode\":\"%s\",\"rate\":%.1f,"
      "\"events_per_request\":%u,\"warmup_s\":%.3f,\"measured_s\":%.3f,\"prebuild_s\":%.3f,"
      "\"prebuilt_requests\":%llu,\"built_requests\":%llu,\"sent\":%llu,\"responses\":%llu,\"status_2xx\":%"
      "llu,"
      "\"status_3xx\":%llu,\"status_4xx\":%llu,\"status_5xx\":%llu,\"status_other\":%llu,\"errors\":%llu,"
      "\"connects\":%llu,\"underruns\":%llu,\"requests_per_s\":%.1f,\"ok_requests_per_s\":%.1f,\"events_per_"
      "s\":%.1f,"
      "\"latency_us\":{\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f,\"mean\":%.1f},"
      "\"acked_events\":%llu}\n",
      options.target_host.c_str(), options.target_port, json_escape(options.path).c_str(),
      options.connections, options.threads, options.rate > 0 ? "fixed_rate" : "closed_loop", options.rate,
      options.events_per_request, options.warmup.count(), f.measured_seconds, f.prebuild_seconds,
      static_cast<unsigned long long>(f.prebuilt_requests), static_cast<unsigned long long>(f.built_requests),
      static_cast<unsigned long long>(s.sent), static_cast<unsigned long long>(d.responses),
      static_cast<unsigned long long>(s.status_2xx), static_cast<unsigned long long>(s.status_3xx),
      static_cast<unsigned long long>(s.status_4xx), static_cast<unsigned long long>(s.status_5xx),
      static_cast<unsigned long long>(s.status_other), static_cast<unsigned long long>(s.errors),
      static_cast<unsigned long long>(s.connects), static_cast<unsigned long long>(s.underruns),
      d.requests_per_s, d.ok_requests_per_s, d.events_per_s, us(h.value_at(0.50)), us(h.value_at(0.90)),
      us(h.value_at(0.99)), us(h.value_at(0.999)), us(h.max()), h.mean() / 1e3,
      static_cast<unsigned long long>(f.acked_events));
  out << buf;
}

}  // namespace yorisoi::bench
