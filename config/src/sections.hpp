#pragma once
// The readers for each part of the file, shared by load.cpp. Each reads one table through a
// toml_reader, checks what can be checked locally, and throws config::error on the first problem.

#include <filesystem>
#include <optional>
#include <string>

#include "toml_reader.hpp"
#include "yorisoi/config/config.hpp"

namespace yorisoi::config::detail {

// What every reader needs besides its table: where relative paths start and where secrets come from.
struct load_context {
  std::string file;                // the label used in every error
  std::filesystem::path base_dir;  // the config file's folder
  const env_lookup& env;
  // False for `yorisoi migrate`: the LINE channels' secrets and tokens are not read (left empty).
  bool line_secrets = true;
};

// Values the environment may override, kept raw until the overrides have been applied.
struct overridable {
  std::string listen = "127.0.0.1:8080";
  std::string listen_source = "server.listen";  // or the environment variable that replaced it
};

// load_from_string, with or without the LINE channels' secrets (load_for_migration).
[[nodiscard]] settings load_text(std::string_view text, std::string file_label, const env_lookup& env,
                                 bool line_secrets);

void read_server(toml_reader& reader, const load_context& context, server_settings& out, overridable& raw);
void read_database(toml_reader& reader, database_settings& out);
void read_line(toml_reader& reader, line_settings& out);
void read_crypto(toml_reader& reader, const load_context& context, crypto_settings& out);
// Crypto from the defaults when the file has no [crypto] table at all.
void read_default_crypto(const load_context& context, crypto_settings& out);

[[nodiscard]] tenant read_tenant(toml_reader& reader, const load_context& context);
void read_schedule(toml_reader& reader, schedule& out);
void read_org_units(toml_reader& reader, std::vector<org_unit>& out);
void read_referrals(toml_reader& reader, referral_settings& out);
[[nodiscard]] alert_settings read_alert(toml_reader& reader, const load_context& context);

// YORISOI_LISTEN, YORISOI_DATABASE_URL, YORISOI_LINE_API_BASE, YORISOI_THREADS, YORISOI_CONSOLE_DIR,
// YORISOI_SPOOL_DIR, ….
void apply_overrides(const load_context& context, settings& out, overridable& raw);
// Checks that span several sections or depend on the overrides.
void validate_settings(const load_context& context, settings& out, const overridable& raw);

struct secret_value {
  std::string value;   // trimmed, never empty
  std::string key;     // the dotted key it came through, for later errors about its content
  std::string source;  // "environment variable X" or "file /path", for those errors
};
// A secret from `<name>_env` or `<name>_file` (exactly one; `default_env` when neither is given and
// it is not empty). Never puts the secret's value in an error.
[[nodiscard]] secret_value read_secret(toml_reader& reader, const load_context& context,
                                       std::string_view name, std::string_view default_env = {});
// A whole small regular file, or an error naming `key`; relative paths are resolved against base_dir.
[[nodiscard]] std::string read_secret_file(const load_context& context, const std::string& key,
                                           const std::string& path);

}  // namespace yorisoi::config::detail
