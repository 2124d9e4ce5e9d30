// [crypto]: the AES-256-GCM keys by key id, and the pepper that keys resident pseudonyms.
//
//   keys:   "1:<base64 of 32 bytes>,2:<base64 of 32 bytes>"  (commas or newlines between entries)
//   pepper: "<base64 of at least 32 bytes>"

#include <limits>

#include "sections.hpp"
#include "text_values.hpp"

namespace yorisoi::config::detail {
namespace {

constexpr std::string_view default_keys_env = "YORISOI_ENCRYPTION_KEYS";
constexpr std::string_view default_pepper_env = "YORISOI_PSEUDONYM_PEPPER";
constexpr std::size_t key_bytes = 32;
constexpr std::size_t min_pepper_bytes = 32;

std::map<std::uint32_t, std::string> parse_keys(const load_context& context, const secret_value& secret) {
  auto fail = [&](const std::string& what) { throw error(context.file, secret.key, secret.source + ": " + what); };
  std::map<std::uint32_t, std::string> keys;
  std::string_view rest = secret.value;
  std::size_t entry_number = 0;
  while (!rest.empty()) {
    const auto separator = rest.find_first_of(",\n");
    const std::string_view entry = trim(rest.substr(0, separator));
    rest = separator == std::string_view::npos ? std::string_view{} : rest.substr(separator + 1);
    if (entry.empty()) {
      continue;
    }
    ++entry_number;
    const std::string where = "entry " + std::to_string(entry_number);
    const auto colon = entry.find(':');
    if (colon == std::string_view::npos) {
      fail(where + " is not in the form <key id>:<base64 key>");
    }
    const auto id = parse_unsigned(trim(entry.substr(0, colon)));
    if (!id || *id == 0 || *id > std::numeric_limits<std::uint32_t>::max()) {
      fail(where + " has a bad key id (expected a whole number from 1 to 4294967295)");
    }
    const auto key = decode_base64(trim(entry.substr(colon + 1)));
    if (!key) {
      fail("key " + std::to_string(*id) + " is not valid base64");
    }
    if (key->size() != key_bytes) {
      fail("key " + std::to_string(*id) + " decodes to " + std::to_string(key->size()) +
           " bytes; AES-256 needs exactly 32");
    }
    if (!keys.emplace(static_cast<std::uint32_t>(*id), *key).second) {
      fail("key id " + std::to_string(*id) + " appears twice");
    }
  }
  if (keys.empty()) {
    fail("holds no keys");
  }
  return keys;
}

std::string parse_pepper(const load_context& context, const secret_value& secret) {
  const auto pepper = decode_base64(secret.value);
  if (!pepper) {
    throw error(context.file, secret.key, secret.source + " is not valid base64");
  }
  if (pepper->size() < min_pepper_bytes) {
    throw error(context.file, secret.key,
                secret.source + " decodes to " + std::to_string(pepper->size()) + " bytes; at least 32 are needed");
  }
  return *pepper;
}

}  // namespace

void read_crypto(toml_reader& reader, const load_context& context, crypto_settings& out) {
  reader.only({"keys_env", "keys_file", "pepper_env", "pepper_file"});
  out.keys = parse_keys(context, read_secret(reader, context, "keys", default_keys_env));
  out.pseudonym_pepper = parse_pepper(context, read_secret(reader, context, "pepper", default_pepper_env));
  reader.finish();
}

void read_default_crypto(const load_context& context, crypto_settings& out) {
  const toml::table empty;
  toml_reader reader(empty, "crypto", context.file);
  read_crypto(reader, context, out);
}

}  // namespace yorisoi::config::detail
