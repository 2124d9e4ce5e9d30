// Environment overrides: what differs between two deployments of the same file (address, database,
// the LINE endpoint in tests, thread count, console and spool folders, reply-token use, idle
// closing, plain HTTP on loopback). Applied after the file is read and before validation, so an override is
// checked exactly like the value it replaces. An empty variable counts as unset, as `YORISOI_LISTEN=
// ./yorisoi` would suggest.

#include "sections.hpp"
#include "text_values.hpp"

namespace yorisoi::config::detail {
namespace {

std::optional<std::string> lookup(const load_context& context, const std::string& name) {
  auto value = context.env(name);
  if (!value || value->empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

void apply_overrides(const load_context& context, settings& out, overridable& raw) {
  if (auto listen = lookup(context, "YORISOI_LISTEN")) {
    raw.listen = std::move(*listen);
    raw.listen_source = "YORISOI_LISTEN";
  }
  if (auto url = lookup(context, "YORISOI_DATABASE_URL")) {
    out.database.url = std::move(*url);
  }
  if (auto base = lookup(context, "YORISOI_LINE_API_BASE")) {
    while (!base->empty() && base->back() == '/') {
      base->pop_back();
    }
    if (!base->starts_with("https://") && !base->starts_with("http://")) {
      throw error(context.file, "line.api_base", "YORISOI_LINE_API_BASE must start with https:// or http://");
    }
    out.line.api_base = std::move(*base);
  }
  if (const auto threads_text = lookup(context, "YORISOI_THREADS")) {
    const auto threads = parse_unsigned(*threads_text);
    if (!threads || *threads > 1024) {
      throw error(
          context.file, "server.threads",
          "YORISOI_THREADS=\"" + threads_text->substr(0, 40) + "\" is not a whole number from 0 to 1024");
    }
    out.server.threads = static_cast<unsigned>(*threads);
  }
  if (auto dir = lookup(context, "YORISOI_CONSOLE_DIR")) {
    out.server.console_dir = std::move(*dir);
  }
  if (auto dir = lookup(context, "YORISOI_SPOOL_DIR")) {
    out.server.spool.directory = std::move(*dir);
  }
  if (const auto usable_text = lookup(context, "YORISOI_REPLY_TOKEN_USABLE_SECONDS")) {
    const auto usable = parse_unsigned(*usable_text);
    if (!usable || *usable > 60) {
      throw error(context.file, "line.reply_token_usable_seconds",
                  "YORISOI_REPLY_TOKEN_USABLE_SECONDS=\"" + usable_text->substr(0, 40) +
                      "\" is not a whole number of seconds from 0 to 60");
    }
    out.line.reply_token_usable = std::chrono::seconds(*usable);
  }
  if (const auto plain = lookup(context, "YORISOI_PLAIN_HTTP_LOOPBACK")) {
    if (*plain != "on" && *plain != "off") {
      throw error(context.file, "server.plain_http_loopback",
                  "YORISOI_PLAIN_HTTP_LOOPBACK=\"" + plain->substr(0, 40) + "\" must be on or off");
    }
    out.server.plain_http_loopback = *plain == "on";
  }
  if (const auto idle = lookup(context, "YORISOI_IDLE_CLOSE")) {
    if (*idle != "on" && *idle != "off") {
      throw error(context.file, "tenant.idle_close_hours",
                  "YORISOI_IDLE_CLOSE=\"" + idle->substr(0, 40) + "\" must be on or off");
    }
    out.idle_close = *idle == "on";
  }
}

}  // namespace yorisoi::config::detail
