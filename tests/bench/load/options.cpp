#include "load/options.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <cstdlib>
#include <functional>
#include <map>

namespace yorisoi::bench {
namespace {

constexpr double max_duration_seconds = 600.0;

bool parse_double(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

template <typename Int>
bool parse_int(const std::string& text, Int& out) {
  const auto* first = text.data();
  const auto* last = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc{} && ptr == last;
}

// Only loopback targets: this tool must never send load anywhere else.
bool set_target(const std::string& text, load_options& options, std::string& why) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    why = "--target must be HOST:PORT";
    return false;
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") {
    host = "127.0.0.1";
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec || !address.is_loopback()) {
    why = "--target host must be a loopback address (127.0.0.0/8, ::1 or localhost), got '" + host + "'";
    return false;
  }
  std::uint16_t port = 0;
  if (!parse_int(text.substr(colon + 1), port) || port == 0) {
    why = "--target port must be 1..65535";
    return false;
  }
  options.target_host = host;
  options.target_port = port;
  return true;
}

}  // namespace

std::string usage_text() {
  return "usage: webhook_load --target 127.0.0.1:PORT [options]\n"
         "  --path P                 webhook path (default /webhook/line/yamagata)\n"
         "  --secret S               channel secret (default: env named by --secret-env)\n"
         "  --secret-env NAME        default YAMAGATA_LINE_CHANNEL_SECRET\n"
         "  --connections N          keep-alive connections, one request outstanding each (default 16)\n"
         "  --threads T              client I/O threads (default 1)\n"
         "  --duration S             measured seconds after warmup, at most 600 (default 10)\n"
         "  --warmup S               seconds before measuring (default 0)\n"
         "  --rate R                 requests/s over all connections, 0 = closed loop (default 0)\n"
         "  --events-per-request K   events per webhook request (default 1)\n"
         "  --id-prefix P            webhookEventId = P + counter (default bench-)\n"
         "  --users U                distinct LINE user ids (default 64)\n"
         "  --seed N                 text/user choice seed (default 1)\n"
         "  --timeout S              per-request timeout (default 10)\n"
         "  --prebuild-mb M          memory for pre-signed requests (default 1024)\n"
         "  --acked-file FILE        write the webhookEventId of every event answered 2xx\n"
         "  --json                   print the summary as one JSON object\n";
}

std::optional<load_options> parse_options(const std::vector<std::string>& args, options_error& error) {
  load_options options;
  std::string secret_env = "YAMAGATA_LINE_CHANNEL_SECRET";
  bool target_seen = false;
  std::string why;

  using setter = std::function<bool(const std::string&)>;
  const auto seconds = [&](std::chrono::duration<double>& out, double max) {
    return [&out, max](const std::string& v) {
      double d = 0;
      if (!parse_double(v, d) || d < 0 || d > max) {
        return false;
      }
      out = std::chrono::duration<double>(d);
      return true;
    };
  };
  const std::map<std::string, setter> setters = {
      {"--target", [&](const std::string& v) { return target_seen = set_target(v, options, why); }},
      {"--path",
       [&](const std::string& v) {
         options.path = v;
         return !v.empty() && v.front() == '/';
       }},
      {"--secret",
       [&](const std::string& v) {
         options.secret = v;
         return true;
       }},
      {"--secret-env",
       [&](const std::string& v) {
         secret_env = v;
         return !v.empty();
       }},
      {"--connections",
       [&](const std::string& v) {
         return parse_int(v, options.connections) && options.connections > 0 && options.connections <= 10000;
       }},
      {"--threads",
       [&](const std::string& v) {
         return parse_int(v, options.threads) && options.threads > 0 && options.threads <= 64;
       }},
      {"--duration", seconds(options.duration, max_duration_seconds)},
      {"--warmup", seconds(options.warmup, max_duration_seconds)},
      {"--timeout", seconds(options.request_timeout, 120.0)},
      {"--rate", [&](const std::string& v) { return parse_double(v, options.rate) && options.rate >= 0; }},
      {"--events-per-request",
       [&](const std::string& v) {
         return parse_int(v, options.events_per_request) && options.events_per_request > 0 &&
                options.events_per_request <= 1000;
       }},
      {"--id-prefix",
       [&](const std::string& v) {
         options.id_prefix = v;
         return true;
       }},
      {"--users", [&](const std::string& v) { return parse_int(v, options.users) && options.users > 0; }},
      {"--seed", [&](const std::string& v) { return parse_int(v, options.seed); }},
      {"--prebuild-mb",
       [&](const std::string& v) {
         return parse_int(v, options.prebuild_megabytes) && options.prebuild_megabytes >= 1;
       }},
      {"--acked-file",
       [&](const std::string& v) {
         options.acked_file = v;
         return !v.empty();
       }},
  };

  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") {
      error.usage_requested = true;
      return std::nullopt;
    }
    if (flag == "--json") {
      options.json = true;
      continue;
    }
    const auto it = setters.find(flag);
    if (it == setters.end()) {
      error.message = "unknown option " + flag;
      return std::nullopt;
    }
    if (i + 1 >= args.size()) {
      error.message = flag + " needs a value";
      return std::nullopt;
    }
    why.clear();
    if (!it->second(args[++i])) {
      error.message = why.empty() ? "bad value for " + flag + ": '" + args[i] + "'" : why;
      return std::nullopt;
    }
  }
  if (!target_seen) {
    error.message = "--target 127.0.0.1:PORT is required";
    return std::nullopt;
  }
  if (options.duration.count() <= 0) {
    error.message = "--duration must be positive";
    return std::nullopt;
  }
  if (options.warmup.count() + options.duration.count() > max_duration_seconds) {
    error.message = "--warmup + --duration must not exceed 600 s";
    return std::nullopt;
  }
  if (options.secret.empty()) {
    if (const char* env = std::getenv(secret_env.c_str()); env != nullptr) {
      options.secret = env;
    }
  }
  if (options.secret.empty()) {
    error.message = "no channel secret: pass --secret or set " + secret_env;
    return std::nullopt;
  }
  if (options.threads > options.connections) {
    options.threads = options.connections;
  }
  return options;
}

}  // namespace yorisoi::bench
