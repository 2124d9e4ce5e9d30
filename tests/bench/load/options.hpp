#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yorisoi::bench {

// What one webhook_load run does. Filled by parse_options from argv (and the environment for the
// secret); every field is validated there, so the rest of the program can trust it.
struct load_options {
  std::string target_host = "127.0.0.1";  // a loopback address literal or "localhost"
  std::uint16_t target_port = 0;
  std::string path = "/webhook/line/yamagata";
  std::string secret;  // LINE channel secret; signs every body
  unsigned connections = 16;
  unsigned threads = 1;  // client I/O threads; connections are spread over them
  std::chrono::duration<double> duration{10.0};
  std::chrono::duration<double> warmup{0.0};
  double rate = 0.0;  // requests/s over all connections; 0 = closed loop
  unsigned events_per_request = 1;
  std::string id_prefix = "bench-";
  unsigned users = 64;  // distinct LINE user ids the events come from
  std::uint64_t seed = 1;
  std::chrono::duration<double> request_timeout{10.0};
  std::size_t prebuild_megabytes = 1024;  // how far ahead of the senders the producer may run
  std::string acked_file;                 // empty: don't write
  bool json = false;
};

// Why parse_options stopped: a message for stderr, or a request for the usage text.
struct options_error {
  std::string message;
  bool usage_requested = false;
};

// Parses argv. Refuses a target that is not loopback, a duration over 600 s and any unknown flag.
// The secret comes from --secret, else from the environment variable named by --secret-env
// (default YAMAGATA_LINE_CHANNEL_SECRET). Pure apart from reading that one environment variable.
[[nodiscard]] std::optional<load_options> parse_options(const std::vector<std::string>& args,
                                                        options_error& error);

[[nodiscard]] std::string usage_text();

}  // namespace yorisoi::bench
