// [tenant.alert]: where the on-call alert goes, the key that signs it, what triggers it and the base of
// the console link it carries. The URL is https, or http to a loopback address (a receiver on the same
// machine, tests); anything else would send the alert unencrypted over a network.

#include <arpa/inet.h>

#include <optional>
#include <string_view>

#include "sections.hpp"

namespace yorisoi::config::detail {
namespace {

// An HMAC key shorter than this is guessable; secrets are compared by the receiver, never shown.
constexpr std::size_t min_secret_bytes = 16;

bool plain_url_chars(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '#' || c == '\\') {
      return false;
    }
  }
  return true;
}

struct url_parts {
  std::string scheme;  // "http" | "https"
  std::string host;    // without brackets
};

// "scheme://host[:port][/path][?query]" with scheme http(s); nullopt for anything else.
std::optional<url_parts> split_url(std::string_view text) {
  url_parts out;
  if (text.starts_with("https://")) {
    out.scheme = "https";
  } else if (text.starts_with("http://")) {
    out.scheme = "http";
  } else {
    return std::nullopt;
  }
  std::string_view rest = text.substr(out.scheme.size() + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<std::string_view> port;  // present when a ':' introduces one
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) {
      return std::nullopt;
    }
    if (!after.empty()) {
      port = after.substr(1);
    }
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
    }
  }
  if (out.host.empty()) {
    return std::nullopt;
  }
  if (port &&
      (port->empty() || port->size() > 5 || port->find_first_not_of("0123456789") != std::string_view::npos ||
       std::stoi(std::string(*port)) > 65535 || std::stoi(std::string(*port)) == 0)) {
    return std::nullopt;
  }
  return out;
}

bool is_loopback_address(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::string read_alert_url(toml_reader& reader) {
  const std::string url = reader.required_string("url");
  const auto parts = plain_url_chars(url) ? split_url(url) : std::nullopt;
  if (!parts) {
    reader.fail("url",
                "\"" + url + "\" is not an http(s) URL (scheme://host[:port][/path], no spaces or fragment)");
  }
  if (parts->scheme == "http" && !is_loopback_address(parts->host)) {
    reader.fail("url", "must be https:// (http:// only to a loopback address such as 127.0.0.1 or [::1])");
  }
  return url;
}

std::string read_console_base(toml_reader& reader) {
  std::string base = reader.required_string("console_base_url");
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  if (!plain_url_chars(base) || base.find('?') != std::string::npos || !split_url(base)) {
    reader.fail(
        "console_base_url",
        "must be the console's public address, http(s)://host[:port][/path], without query or fragment");
  }
  return base;
}

}  // namespace

alert_settings read_alert(toml_reader& reader, const load_context& context) {
  reader.only({"url", "secret_env", "secret_file", "on", "console_base_url"});
  alert_settings out;
  out.url = read_alert_url(reader);
  const secret_value secret = read_secret(reader, context, "secret");
  if (secret.value.size() < min_secret_bytes) {
    throw error(context.file, secret.key,
                secret.source + " is too short for a signing key (at least " +
                    std::to_string(min_secret_bytes) + " characters)");
  }
  out.secret = secret.value;
  const std::string on = reader.string("on").value_or("urgent");
  if (on == "urgent") {
    out.on = alert_trigger::urgent;
  } else if (on == "any") {
    out.on = alert_trigger::any;
  } else {
    reader.fail("on", "\"" + on + "\" is not one of \"urgent\", \"any\"");
  }
  out.console_base_url = read_console_base(reader);
  reader.finish();
  return out;
}

}  // namespace yorisoi::config::detail
