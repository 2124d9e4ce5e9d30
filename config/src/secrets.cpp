// Secrets: channel secrets, access tokens, encryption keys and the pseudonym pepper. They come only
// from the environment or from files the configuration names, and no error message ever quotes them.

#include <fstream>
#include <system_error>

#include "sections.hpp"
#include "text_values.hpp"

namespace yorisoi::config::detail {
namespace {

// Secrets are short; a larger file is a mistake (or /dev/zero), not a secret.
constexpr std::uintmax_t max_secret_file_bytes = 64 * 1024;

}  // namespace

std::string read_secret_file(const load_context& context, const std::string& key, const std::string& path) {
  if (path.empty()) {
    throw error(context.file, key, "must not be empty");
  }
  std::filesystem::path resolved(path);
  if (resolved.is_relative()) {
    resolved = context.base_dir / resolved;
  }
  const std::string shown = resolved.string();
  std::error_code ec;
  const auto status = std::filesystem::status(resolved, ec);
  if (ec || !std::filesystem::exists(status)) {
    throw error(context.file, key, "cannot read file " + shown + ": it does not exist");
  }
  // Only regular files: a FIFO or a device could block start-up forever.
  if (!std::filesystem::is_regular_file(status)) {
    throw error(context.file, key, "cannot read file " + shown + ": not a regular file");
  }
  const auto size = std::filesystem::file_size(resolved, ec);
  if (ec || size > max_secret_file_bytes) {
    throw error(context.file, key, "cannot read file " + shown + ": larger than 64 KiB");
  }
  std::ifstream in(resolved, std::ios::binary);
  std::string content(static_cast<std::size_t>(size), '\0');
  if (!in || !in.read(content.data(), static_cast<std::streamsize>(content.size()))) {
    throw error(context.file, key, "cannot read file " + shown + " (permissions?)");
  }
  return content;
}

secret_value read_secret(toml_reader& reader, const load_context& context, std::string_view name,
                         std::string_view default_env) {
  const std::string env_key = std::string(name) + "_env";
  const std::string file_key = std::string(name) + "_file";
  auto env_name = reader.string(env_key);
  const auto file_name = reader.string(file_key);
  if (env_name && file_name) {
    reader.fail(file_key, "give either " + env_key + " or " + file_key + ", not both");
  }
  if (!env_name && !file_name) {
    if (default_env.empty()) {
      reader.fail(env_key, "is required (or " + file_key + ")");
    }
    env_name = std::string(default_env);
  }

  secret_value out;
  std::string raw;
  if (file_name) {
    out.key = reader.key_path(file_key);
    raw = read_secret_file(context, out.key, *file_name);
    std::filesystem::path resolved(*file_name);
    out.source = "file " + (resolved.is_relative() ? (context.base_dir / resolved).string() : *file_name);
  } else {
    out.key = reader.key_path(env_key);
    if (!is_env_name(*env_name)) {
      throw error(context.file, out.key, "\"" + *env_name + "\" is not an environment variable name");
    }
    out.source = "environment variable " + *env_name;
    const auto value = context.env(*env_name);
    if (!value) {
      throw error(context.file, out.key, out.source + " is not set");
    }
    raw = *value;
  }
  // Trailing newlines from `echo secret > file` are not part of the secret.
  out.value = std::string(trim(raw));
  if (out.value.empty()) {
    throw error(context.file, out.key, out.source + " is empty");
  }
  return out;
}

}  // namespace yorisoi::config::detail
