// [server], [database] and [line]: plain values with defaults. Values the environment may override
// are range-checked here only when they cannot be overridden; the rest is checked in validate.cpp.

#include "sections.hpp"
#include "text_values.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>

namespace yorisoi::config::detail {
namespace {

constexpr std::int64_t max_threads = 1024;
constexpr std::int64_t hour_ms = 3'600'000;

std::chrono::milliseconds read_ms(toml_reader& reader, std::string_view key,
                                  std::chrono::milliseconds fallback) {
  const auto value = reader.integer(key, 1, hour_ms);
  return value ? std::chrono::milliseconds(*value) : fallback;
}

std::string read_base_url(toml_reader& reader, std::string_view key, const std::string& fallback) {
  auto url = reader.string(key).value_or(fallback);
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  if (!url.starts_with("https://") && !url.starts_with("http://")) {
    reader.fail(key, "must start with https:// or http://");
  }
  return url;
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

// An origin exactly as a browser sends it: "scheme://host[:port]", lower-case, no path, and no
// default port (browsers omit it, so "https://x:443" would never match anything).
std::string read_origin(toml_reader& reader, const std::string& key, std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  std::string_view rest(text);
  std::string_view scheme;
  if (rest.starts_with("https://")) {
    scheme = "https";
  } else if (rest.starts_with("http://")) {
    scheme = "http";
  } else {
    reader.fail(key, "must be scheme://host[:port] with scheme http or https");
  }
  rest.remove_prefix(scheme.size() + 3);
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      reader.fail(key, "unterminated [IPv6] host");
    }
    host = rest.substr(0, close + 1);
    rest.remove_prefix(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      reader.fail(key, "must be scheme://host[:port] without a path");
    }
    port = rest.empty() ? rest : rest.substr(1);
  } else if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty()) {
      reader.fail(key, "empty port");
    }
  }
  const bool bracketed = host.starts_with('[');
  for (const char c : host) {
    if (!is_host_char(c) && !(bracketed && (c == '[' || c == ']' || c == ':' || (c >= 'a' && c <= 'f')))) {
      reader.fail(key, "must be scheme://host[:port] without a path, query or user");
    }
  }
  if (host.empty() || host == "[]") {
    reader.fail(key, "has no host");
  }
  if (rest.find(':') != std::string_view::npos || !port.empty()) {
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) {
      reader.fail(key, "port must be a number from 1 to 65535");
    }
    const long number = std::stol(std::string(port));
    if (number < 1 || number > 65535) {
      reader.fail(key, "port must be a number from 1 to 65535");
    }
    if ((scheme == "https" && number == 443) || (scheme == "http" && number == 80)) {
      reader.fail(key, "leave out the default port: browsers send the origin without it");
    }
  }
  return text;
}

// A trusted proxy: an IPv4 or IPv6 address literal (no port), or a CIDR range "address/prefix" whose
// address is the network itself. Answered in canonical form ("2001:db8::/32") so that a single address
// compares equal to the address the server prints for a socket peer.
std::string read_proxy(toml_reader& reader, const std::string& key, const std::string& text) {
  const auto slash = text.find('/');
  const std::string address = text.substr(0, slash);
  std::array<unsigned char, 16> bytes{};
  std::array<char, INET6_ADDRSTRLEN> canonical{};
  int family = 0;
  for (const int candidate : {AF_INET, AF_INET6}) {
    if (family == 0 && inet_pton(candidate, address.c_str(), bytes.data()) == 1 &&
        inet_ntop(candidate, bytes.data(), canonical.data(), canonical.size()) != nullptr) {
      family = candidate;
    }
  }
  if (family == 0) {
    reader.fail(key,
                "must be an IP address or a CIDR range such as \"127.0.0.1\", \"::1\", \"10.0.0.0/8\" "
                "or \"fd00::/64\" (no port)");
  }
  constexpr std::array<unsigned char, 12> v4_mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (family == AF_INET6 && std::equal(v4_mapped.begin(), v4_mapped.end(), bytes.begin())) {
    reader.fail(key, "is an IPv4-mapped IPv6 address: write it as IPv4");
  }
  if (slash == std::string::npos) {
    return canonical.data();
  }
  const int bits = family == AF_INET ? 32 : 128;
  const std::string digits = text.substr(slash + 1);
  int prefix = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (error != std::errc() || end != digits.data() + digits.size() || digits.starts_with('0') || prefix < 1 ||
      prefix > bits) {
    reader.fail(key,
                "has a bad prefix length: after the \"/\" a whole number from 1 to " + std::to_string(bits));
  }
  const std::string range = std::string(canonical.data()) + "/" + digits;
  for (int bit = prefix; bit < bits; ++bit) {
    bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<unsigned char>(~(0x80U >> (bit % 8)));
  }
  inet_ntop(family, bytes.data(), canonical.data(), canonical.size());
  const std::string network = std::string(canonical.data()) + "/" + digits;
  if (network != range) {
    reader.fail(
        key, "has address bits set after its /" + digits + " prefix: write the network, \"" + network + "\"");
  }
  return network;
}

void read_sessions(toml_reader& reader, session_settings& out) {
  reader.only({"idle_minutes", "idle_seconds_for_tests", "absolute_hours", "free_failures_per_name_address",
               "first_delay_seconds", "max_delay_seconds", "max_failures_per_address",
               "failure_window_minutes"});
  if (const auto minutes = reader.integer("idle_minutes", 1, 24 * 60)) {
    out.idle = std::chrono::minutes(*minutes);
  }
  // Seconds only so that a test can watch a session go idle without waiting a minute.
  if (const auto seconds = reader.integer("idle_seconds_for_tests", 2, 3600)) {
    if (reader.integer("idle_minutes", 1, 24 * 60)) {
      reader.fail("idle_seconds_for_tests", "give idle_minutes or idle_seconds_for_tests, not both");
    }
    out.idle = std::chrono::seconds(*seconds);
  }
  out.absolute =
      std::chrono::hours(reader.integer("absolute_hours", 1, 24 * 30).value_or(out.absolute.count()));
  out.free_failures_per_name_address = static_cast<unsigned>(
      reader.integer("free_failures_per_name_address", 1, 1000).value_or(out.free_failures_per_name_address));
  out.first_delay = std::chrono::seconds(
      reader.integer("first_delay_seconds", 1, 24 * 60 * 60).value_or(out.first_delay.count()));
  out.max_delay = std::chrono::seconds(
      reader.integer("max_delay_seconds", 1, 24 * 60 * 60).value_or(out.max_delay.count()));
  out.max_failures_per_address = static_cast<unsigned>(
      reader.integer("max_failures_per_address", 1, 100'000).value_or(out.max_failures_per_address));
  out.failure_window = std::chrono::minutes(
      reader.integer("failure_window_minutes", 1, 24 * 60).value_or(out.failure_window.count()));
  reader.finish();
  if (std::chrono::duration_cast<std::chrono::minutes>(out.absolute) < out.idle) {
    reader.fail("idle_minutes", "must not exceed absolute_hours");
  }
  if (out.max_delay < out.first_delay) {
    reader.fail("max_delay_seconds", "must not be less than first_delay_seconds");
  }
  // A failure is forgotten after the window: a longer delay would end, in effect, with the window.
  if (out.max_delay > out.failure_window) {
    reader.fail("max_delay_seconds", "must not exceed failure_window_minutes");
  }
}

void read_spool(toml_reader& reader, spool_settings& out) {
  constexpr std::int64_t mib = 1024 * 1024;
  reader.only({"directory", "max_bytes", "segment_bytes", "quarantine_days"});
  if (auto directory = reader.string("directory")) {
    if (directory->empty()) {
      reader.fail("directory", "must not be empty (leave it out for the default \"spool\")");
    }
    out.directory = std::move(*directory);
  }
  out.max_bytes = static_cast<std::uint64_t>(reader.integer("max_bytes", mib, 1024LL * 1024 * mib)
                                                 .value_or(static_cast<std::int64_t>(out.max_bytes)));
  out.segment_bytes = static_cast<std::uint64_t>(reader.integer("segment_bytes", 64 * 1024, 1024 * mib)
                                                     .value_or(static_cast<std::int64_t>(out.segment_bytes)));
  out.quarantine_days =
      static_cast<std::uint32_t>(reader.integer("quarantine_days", 1, 365).value_or(out.quarantine_days));
  reader.finish();
}

}  // namespace

void read_server(toml_reader& reader, const load_context& context, server_settings& out, overridable& raw) {
  reader.only({"listen", "threads", "body_limit_bytes", "header_limit_bytes", "header_timeout_ms",
               "body_timeout_ms", "idle_timeout_ms", "shutdown_grace_ms", "max_connections",
               "max_connections_per_address", "max_sockets_per_user", "console_dir", "plain_http_loopback",
               "accept_stale_events_for_replay", "secure_cookies", "allowed_origins", "trusted_proxies",
               "inbox_partitions", "inbox_workers", "inbox_max_attempts", "sessions", "spool"});
  raw.listen = reader.string("listen").value_or(raw.listen);
  out.threads = static_cast<unsigned>(reader.integer("threads", 0, max_threads).value_or(out.threads));
  out.body_limit_bytes = static_cast<std::size_t>(
      reader.integer("body_limit_bytes", 1, 1LL << 30).value_or(out.body_limit_bytes));
  out.header_limit_bytes = static_cast<std::size_t>(
      reader.integer("header_limit_bytes", 1024, 1 << 20).value_or(out.header_limit_bytes));
  out.header_timeout = read_ms(reader, "header_timeout_ms", out.header_timeout);
  out.body_timeout = read_ms(reader, "body_timeout_ms", out.body_timeout);
  out.idle_timeout = read_ms(reader, "idle_timeout_ms", out.idle_timeout);
  out.shutdown_grace = read_ms(reader, "shutdown_grace_ms", out.shutdown_grace);
  out.max_connections =
      static_cast<std::size_t>(reader.integer("max_connections", 1, 1'000'000).value_or(out.max_connections));
  out.max_connections_per_address = static_cast<std::size_t>(
      reader.integer("max_connections_per_address", 1, 1'000'000).value_or(out.max_connections_per_address));
  out.max_sockets_per_user = static_cast<std::size_t>(
      reader.integer("max_sockets_per_user", 1, 1'000).value_or(out.max_sockets_per_user));
  if (auto dir = reader.string("console_dir"); dir && !dir->empty()) {
    // Relative to the config file, like secret files, so that a deployment folder is self-contained.
    const std::filesystem::path path(*dir);
    out.console_dir = path.is_relative() ? (context.base_dir / path).lexically_normal().string() : *dir;
  }
  if (reader.boolean("secure_cookies")) {
    reader.fail("secure_cookies",
                "is gone: the session cookie is Secure unless plain_http_loopback = true (plain HTTP on a "
                "loopback address only); remove the key");
  }
  out.plain_http_loopback = reader.boolean("plain_http_loopback").value_or(out.plain_http_loopback);
  out.accept_stale_events_for_replay =
      reader.boolean("accept_stale_events_for_replay").value_or(out.accept_stale_events_for_replay);
  if (auto origins = reader.strings("allowed_origins")) {
    for (std::size_t i = 0; i < origins->size(); ++i) {
      const std::string key = "allowed_origins[" + std::to_string(i) + "]";
      out.allowed_origins.push_back(read_origin(reader, key, (*origins)[i]));
    }
  }
  if (auto proxies = reader.strings("trusted_proxies")) {
    for (std::size_t i = 0; i < proxies->size(); ++i) {
      out.trusted_proxies.push_back(
          read_proxy(reader, "trusted_proxies[" + std::to_string(i) + "]", (*proxies)[i]));
    }
  }
  out.inbox_partitions =
      static_cast<unsigned>(reader.integer("inbox_partitions", 1, 1024).value_or(out.inbox_partitions));
  out.inbox_workers = static_cast<unsigned>(reader.integer("inbox_workers", 1, 64).value_or(out.inbox_workers));
  out.inbox_max_attempts =
      static_cast<unsigned>(reader.integer("inbox_max_attempts", 1, 1000).value_or(out.inbox_max_attempts));
  if (const toml::table* table = reader.table("sessions")) {
    toml_reader sessions(*table, reader.key_path("sessions"), reader.file());
    read_sessions(sessions, out.sessions);
  }
  if (const toml::table* table = reader.table("spool")) {
    toml_reader spool(*table, reader.key_path("spool"), reader.file());
    read_spool(spool, out.spool);
  }
  reader.finish();
}

void read_database(toml_reader& reader, database_settings& out) {
  reader.only({"url", "pool_size", "ingest_workers", "ingest_max_batch"});
  out.url = reader.string("url").value_or(out.url);
  out.pool_size = static_cast<unsigned>(reader.integer("pool_size", 1, 256).value_or(out.pool_size));
  out.ingest_workers =
      static_cast<unsigned>(reader.integer("ingest_workers", 1, 64).value_or(out.ingest_workers));
  out.ingest_max_batch =
      static_cast<std::size_t>(reader.integer("ingest_max_batch", 1, 100'000).value_or(out.ingest_max_batch));
  reader.finish();
}

void read_line(toml_reader& reader, line_settings& out) {
  reader.only({"api_base", "data_api_base", "reply_token_usable_seconds"});
  out.api_base = read_base_url(reader, "api_base", out.api_base);
  out.data_api_base = read_base_url(reader, "data_api_base", out.data_api_base);
  out.reply_token_usable = std::chrono::seconds(
      reader.integer("reply_token_usable_seconds", 0, 60).value_or(out.reply_token_usable.count()));
  reader.finish();
}

}  // namespace yorisoi::config::detail
