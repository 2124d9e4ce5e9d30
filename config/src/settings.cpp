// The small non-loading parts of the public header: the error type, look-ups, the real environment.

#include <cstdlib>

#include "yorisoi/config/config.hpp"

namespace yorisoi::config {
namespace {

std::string describe(const std::string& file, const std::string& key, const std::string& what) {
  std::string out = file.empty() ? std::string("(configuration)") : file;
  out += ": ";
  if (!key.empty()) {
    out += key + ": ";
  }
  return out + what;
}

}  // namespace

error::error(std::string file, std::string key, std::string what)
    : std::runtime_error(describe(file, key, what)), file_(std::move(file)), key_(std::move(key)) {}

const channel* settings::find_channel(std::string_view key, const tenant** owner) const {
  for (const auto& candidate_tenant : tenants) {
    for (const auto& candidate : candidate_tenant.channels) {
      if (candidate.key == key) {
        if (owner != nullptr) {
          *owner = &candidate_tenant;
        }
        return &candidate;
      }
    }
  }
  return nullptr;
}

const tenant* settings::find_tenant(std::string_view id) const {
  for (const auto& candidate : tenants) {
    if (candidate.id == id) {
      return &candidate;
    }
  }
  return nullptr;
}

env_lookup process_environment() {
  // std::getenv is safe here: start-up is single-threaded and nothing in yorisoi calls setenv.
  return [](const std::string& name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name.c_str())) {
      return std::string(value);
    }
    return std::nullopt;
  };
}

}  // namespace yorisoi::config
