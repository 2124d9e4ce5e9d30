// [server], [database] and [line]: plain values with defaults. Values the environment may override
// are range-checked here only when they cannot be overridden; the rest is checked in validate.cpp.

#include "sections.hpp"
#include "text_values.hpp"

namespace yorisoi::config::detail {
namespace {

constexpr std::int64_t max_threads = 1024;
constexpr std::int64_t hour_ms = 3'600'000;

std::chrono::milliseconds read_ms(toml_reader& reader, std::string_view key, std::chrono::milliseconds fallback) {
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

}  // namespace

void read_server(toml_reader& reader, const load_context& context, server_settings& out, overridable& raw) {
  reader.only({"listen", "threads", "body_limit_bytes", "header_limit_bytes", "header_timeout_ms", "body_timeout_ms",
               "idle_timeout_ms", "shutdown_grace_ms", "max_connections", "console_dir"});
  raw.listen = reader.string("listen").value_or(raw.listen);
  out.threads = static_cast<unsigned>(reader.integer("threads", 0, max_threads).value_or(out.threads));
  out.body_limit_bytes =
      static_cast<std::size_t>(reader.integer("body_limit_bytes", 1, 1LL << 30).value_or(out.body_limit_bytes));
  out.header_limit_bytes =
      static_cast<std::size_t>(reader.integer("header_limit_bytes", 1024, 1 << 20).value_or(out.header_limit_bytes));
  out.header_timeout = read_ms(reader, "header_timeout_ms", out.header_timeout);
  out.body_timeout = read_ms(reader, "body_timeout_ms", out.body_timeout);
  out.idle_timeout = read_ms(reader, "idle_timeout_ms", out.idle_timeout);
  out.shutdown_grace = read_ms(reader, "shutdown_grace_ms", out.shutdown_grace);
  out.max_connections =
      static_cast<std::size_t>(reader.integer("max_connections", 1, 1'000'000).value_or(out.max_connections));
  if (auto dir = reader.string("console_dir"); dir && !dir->empty()) {
    // Relative to the config file, like secret files, so that a deployment folder is self-contained.
    const std::filesystem::path path(*dir);
    out.console_dir = path.is_relative() ? (context.base_dir / path).lexically_normal().string() : *dir;
  }
  reader.finish();
}

void read_database(toml_reader& reader, database_settings& out) {
  reader.only({"url", "pool_size", "ingest_workers", "ingest_max_batch"});
  out.url = reader.string("url").value_or(out.url);
  out.pool_size = static_cast<unsigned>(reader.integer("pool_size", 1, 256).value_or(out.pool_size));
  out.ingest_workers = static_cast<unsigned>(reader.integer("ingest_workers", 1, 64).value_or(out.ingest_workers));
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
