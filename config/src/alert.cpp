// [tenant.alert]: where the on-call alert goes, the key that signs it, what triggers it and the base of
// the console link it carries. The URL is https, or http to a loopback address (a receiver on the same
// machine, tests); anything else would send the alert unencrypted over a network.

#include <string_view>

#include "sections.hpp"
#include "urls.hpp"

namespace yorisoi::config::detail {
namespace {

// An HMAC key shorter than this is guessable; secrets are compared by the receiver, never shown.
constexpr std::size_t min_secret_bytes = 16;

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
