// Checks that need more than one table: names that must be unique across the whole file (webhook
// paths and link codes are global URLs), links that must name a real channel, and the values the
// environment may have replaced.

#include <map>
#include <string_view>
#include <utility>

#include "sections.hpp"
#include "text_values.hpp"
#include "urls.hpp"

namespace yorisoi::config::detail {
namespace {

std::string tenant_path(std::size_t t) {
  return "tenant[" + std::to_string(t) + "]";
}

void validate_server(const load_context& context, settings& out, const overridable& raw) {
  const auto listen = parse_listen(raw.listen);
  if (!listen) {
    const std::string what = "\"" + raw.listen.substr(0, 80) +
                             "\" is not host:port (e.g. 127.0.0.1:8080 or [::1]:8080; port 0 to 65535)";
    if (raw.listen_source == "server.listen") {
      throw error(context.file, "server.listen", what);
    }
    throw error(context.file, "server.listen", raw.listen_source + "=" + what);
  }
  out.server.listen_host = listen->host;
  out.server.listen_port = listen->port;
  if (out.server.plain_http_loopback && !is_loopback_address(listen->host)) {
    throw error(
        context.file, "server.plain_http_loopback",
        "is allowed only when the server listens on a loopback address (127.0.0.1, [::1]), not on \"" +
            listen->host.substr(0, 80) + "\" (" + raw.listen_source +
            "): anything reachable from the network is served with Secure cookies and HSTS behind TLS");
  }
  if (out.database.url.empty()) {
    // The URL may carry a password: say where it comes from, never what it is.
    throw error(context.file, "database.url", "is empty; set it in the file or with YORISOI_DATABASE_URL");
  }
}

// The Messaging API carries the channel access token and what residents are told: https only. A
// fake LINE platform in tests may be plain http on a loopback address, and only when the environment
// says so explicitly, so that a configuration copied from a test never ships it.
void validate_line(const load_context& context, const settings& out) {
  const auto allowed = context.env("YORISOI_ALLOW_PLAIN_LINE_API");
  const bool plain_allowed = allowed && *allowed == "1";
  const std::pair<std::string_view, const std::string&> bases[] = {
      {"line.api_base", out.line.api_base}, {"line.data_api_base", out.line.data_api_base}};
  for (const auto& [key, base] : bases) {
    if (!base.starts_with("http://")) {
      continue;
    }
    const auto parts = split_url(base);
    if (!parts || !is_loopback_address(parts->host)) {
      throw error(
          context.file, std::string(key),
          "\"" + base.substr(0, 80) +
              "\" is plain http: the LINE API needs https:// (http:// is accepted only for a fake LINE "
              "platform on a loopback address in tests, with YORISOI_ALLOW_PLAIN_LINE_API=1)");
    }
    if (!plain_allowed) {
      throw error(
          context.file, std::string(key),
          "\"" + base.substr(0, 80) +
              "\" is plain http: refused unless YORISOI_ALLOW_PLAIN_LINE_API=1 is set (tests with a fake "
              "LINE platform on loopback only; the real LINE API is https://)");
    }
  }
}

void validate_tenants(const load_context& context, const settings& out) {
  if (out.tenants.empty()) {
    throw error(context.file, "tenant", "the file defines no [[tenant]]");
  }
  std::map<std::string, std::string, std::less<>> tenant_ids;
  std::map<std::string, std::string, std::less<>> channel_keys;   // key -> where first defined
  std::map<std::string, std::string, std::less<>> channel_owner;  // key -> tenant id
  std::map<std::string, std::string, std::less<>> link_codes;
  for (std::size_t t = 0; t < out.tenants.size(); ++t) {
    const tenant& current = out.tenants[t];
    const std::string tp = tenant_path(t);
    if (const auto [it, added] = tenant_ids.emplace(current.id, tp); !added) {
      throw error(context.file, tp + ".id", "\"" + current.id + "\" is already used by " + it->second);
    }
    for (std::size_t c = 0; c < current.channels.size(); ++c) {
      const std::string cp = tp + ".channel[" + std::to_string(c) + "]";
      const auto& key = current.channels[c].key;
      if (const auto [it, added] = channel_keys.emplace(key, cp); !added) {
        throw error(
            context.file, cp + ".key",
            "\"" + key + "\" is already used by " + it->second + " (webhook paths are unique per file)");
      }
      channel_owner.emplace(key, current.id);
    }
  }
  for (std::size_t t = 0; t < out.tenants.size(); ++t) {
    const tenant& current = out.tenants[t];
    for (std::size_t l = 0; l < current.links.size(); ++l) {
      const std::string lp = tenant_path(t) + ".link[" + std::to_string(l) + "]";
      const tracked_link& link = current.links[l];
      if (const auto [it, added] = link_codes.emplace(link.code, lp); !added) {
        throw error(
            context.file, lp + ".code",
            "\"" + link.code + "\" is already used by " + it->second + " (link codes are unique per file)");
      }
      const auto owner = channel_owner.find(link.channel_key);
      if (owner == channel_owner.end()) {
        throw error(context.file, lp + ".channel", "no channel has the key \"" + link.channel_key + "\"");
      }
      if (owner->second != current.id) {
        throw error(
            context.file, lp + ".channel",
            "channel \"" + link.channel_key + "\" belongs to tenant \"" + owner->second + "\", not this one");
      }
    }
  }
}

}  // namespace

void validate_settings(const load_context& context, settings& out, const overridable& raw) {
  validate_server(context, out, raw);
  validate_line(context, out);
  validate_tenants(context, out);
}

}  // namespace yorisoi::config::detail
