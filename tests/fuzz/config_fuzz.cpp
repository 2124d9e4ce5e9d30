// libFuzzer target for the configuration loader: any bytes as a TOML file, with every secret the
// example names available. The loader must either return settings or throw config::error — nothing
// else escapes, nothing crashes.
#include "yorisoi/config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace {

std::optional<std::string> fuzz_env(const std::string& name) {
  if (name == "YORISOI_ENCRYPTION_KEYS") {
    return "1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  }
  if (name == "YORISOI_PSEUDONYM_PEPPER") {
    return "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
  }
  if (name.starts_with("YORISOI_")) {
    return std::nullopt;  // no overrides: the file alone decides
  }
  return "fuzz-secret-value";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view toml(reinterpret_cast<const char*>(data), size);
  try {
    const auto settings = yorisoi::config::load_from_string(toml, "/fuzz/yorisoi.toml", fuzz_env);
    // A loaded configuration keeps its promises: every channel is found by its own key.
    for (const auto& tenant : settings.tenants) {
      for (const auto& channel : tenant.channels) {
        if (settings.find_channel(channel.key) == nullptr) {
          __builtin_trap();
        }
      }
    }
  } catch (const yorisoi::config::error&) {
    // Rejected with a message: the expected outcome for almost every input.
  }
  return 0;
}
