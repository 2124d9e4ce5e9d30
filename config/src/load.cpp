// load(): read the file, parse it, read every section, apply the environment, validate. The result is
// built in a local value and returned only when everything passed, so nothing is ever half-loaded.

#include <fstream>
#include <system_error>

#include "sections.hpp"

namespace yorisoi::config {
namespace {

// A deployment's file is a few hundred lines; anything near this is a wrong path (or /dev/zero).
constexpr std::uintmax_t max_config_bytes = 4 * 1024 * 1024;

std::string read_config_file(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    throw error(path, "", "cannot read the configuration file: it does not exist");
  }
  if (!std::filesystem::is_regular_file(status)) {
    throw error(path, "", "cannot read the configuration file: not a regular file");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec || size > max_config_bytes) {
    throw error(path, "", "cannot read the configuration file: larger than 4 MiB");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(text.size()))) {
    throw error(path, "", "cannot read the configuration file (permissions?)");
  }
  return text;
}

toml::table parse_document(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, std::string_view(file));
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw error(file, "",
                "TOML syntax error at line " + std::to_string(where.line) + ", column " +
                    std::to_string(where.column) + ": " + std::string(e.description()));
  }
}

}  // namespace

settings load(const std::string& path, const env_lookup& env) {
  return load_from_string(read_config_file(path), path, env);
}

settings load_for_migration(const std::string& path, const env_lookup& env) {
  return detail::load_text(read_config_file(path), path, env, false);
}

settings load_from_string(std::string_view text, std::string file_label, const env_lookup& env) {
  return detail::load_text(text, std::move(file_label), env, true);
}

settings detail::load_text(std::string_view text, std::string file_label, const env_lookup& env,
                           bool line_secrets) {
  if (text.size() > max_config_bytes) {
    throw error(file_label, "", "the configuration is larger than 4 MiB");
  }
  const toml::table document = parse_document(text, file_label);

  std::filesystem::path base_dir = std::filesystem::path(file_label).parent_path();
  if (base_dir.empty()) {
    base_dir = ".";
  }
  const detail::load_context context{file_label, base_dir, env, line_secrets};

  settings out;
  out.source_file = file_label;
  out.database.url = "postgresql:///yorisoi";
  detail::overridable raw;

  detail::toml_reader root(document, "", context.file);
  root.only({"server", "database", "line", "crypto", "tenant"});
  if (const toml::table* table = root.table("server")) {
    detail::toml_reader reader(*table, "server", context.file);
    detail::read_server(reader, context, out.server, raw);
  }
  if (const toml::table* table = root.table("database")) {
    detail::toml_reader reader(*table, "database", context.file);
    detail::read_database(reader, out.database);
  }
  if (const toml::table* table = root.table("line")) {
    detail::toml_reader reader(*table, "line", context.file);
    detail::read_line(reader, out.line);
  }
  if (const toml::table* table = root.table("crypto")) {
    detail::toml_reader reader(*table, "crypto", context.file);
    detail::read_crypto(reader, context, out.crypto);
  } else {
    detail::read_default_crypto(context, out.crypto);
  }
  const auto tenants = root.tables("tenant");
  for (std::size_t i = 0; i < tenants.size(); ++i) {
    detail::toml_reader reader(*tenants[i], "tenant[" + std::to_string(i) + "]", context.file);
    out.tenants.push_back(detail::read_tenant(reader, context));
  }
  root.finish();

  detail::apply_overrides(context, out, raw);
  detail::validate_settings(context, out, raw);
  return out;
}

}  // namespace yorisoi::config
