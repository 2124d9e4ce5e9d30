// yorisoi keys rotate and yorisoi keys status: re-sealing under the newest key, and what is sealed under
// which.
#include "commands.hpp"
#include "wiring.hpp"
#include "yorisoi/storage/key_rotation.hpp"

#include <cstdio>
#include <iostream>

namespace yorisoi::app {
namespace {

struct keys_arguments {
  std::string action;  // rotate | status
  std::string config_file;
  std::size_t batch = 200;
};

std::optional<keys_arguments> parse_keys(const std::vector<std::string>& args) {
  keys_arguments out;
  out.action = args.size() >= 2 ? args[1] : "";
  if (out.action != "rotate" && out.action != "status") {
    std::cerr << "yorisoi: keys needs 'rotate' or 'status'\n" << usage;
    return std::nullopt;
  }
  for (std::size_t i = 2; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--config" && has_value) {
      out.config_file = args[++i];
    } else if (args[i] == "--batch" && has_value && out.action == "rotate") {
      const std::string& text = args[++i];
      std::size_t used = 0;
      unsigned long value = 0;
      try {
        value = std::stoul(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != text.size() || value == 0 || value > 10'000) {
        std::cerr << "yorisoi: keys rotate: --batch must be a number from 1 to 10000\n";
        return std::nullopt;
      }
      out.batch = value;
    } else {
      std::cerr << "yorisoi: keys " << out.action << ": unexpected argument '" << args[i] << "'\n" << usage;
      return std::nullopt;
    }
  }
  if (out.config_file.empty()) {
    std::cerr << "yorisoi: keys " << out.action << " needs --config FILE\n";
    return std::nullopt;
  }
  return out;
}

// Re-seals under the keyring's highest key; committed batches stay done if the command is
// interrupted, so running it again resumes. Prints counts and the keys of unopenable rows only.
int keys_rotate(const keys_arguments& args) {
  const auto settings = config::load(args.config_file);
  const auto keys = make_keyring(settings);
  storage::rotation_options opts;
  opts.url = settings.database.url;
  opts.batch = args.batch;
  const auto report = storage::rotate_keys(opts, keys);
  std::printf("target key %u\n%-26s %10s %8s %10s\n", report.target_key_id, "column", "re-sealed", "failed",
              "remaining");
  for (const auto& c : report.columns) {
    std::printf("%-26s %10zu %8zu %10zu\n", c.column.c_str(), c.counts.resealed, c.counts.failed,
                c.remaining);
  }
  for (const auto& f : report.failures) {
    std::printf("cannot open %s tenant %s row %s: %s\n", f.column.c_str(), f.tenant_id.c_str(),
                f.row_id.c_str(), f.reason.c_str());
  }
  if (!report.complete()) {
    std::printf(
        "rows remain under an old key: keep it in the keyring (run again once writers moved to key %u)\n",
        report.target_key_id);
    return 1;
  }
  std::printf("nothing left under an old key\n");
  return 0;
}

int keys_status(const keys_arguments& args) {
  const auto settings = config::load(args.config_file);
  const auto keys = make_keyring(settings);
  storage::rotation_options opts;
  opts.url = settings.database.url;
  std::printf("current key %u\n%-26s %6s %10s\n", keys.current_key_id(), "column", "key", "rows");
  for (const auto& u : storage::key_status(opts)) {
    std::printf("%-26s %6u %10zu\n", u.column.c_str(), u.key_id, u.rows);
  }
  return 0;
}

}  // namespace

int keys(const std::vector<std::string>& words) {
  const auto args = parse_keys(words);
  if (!args) {
    return 2;
  }
  return args->action == "rotate" ? keys_rotate(*args) : keys_status(*args);
}

}  // namespace yorisoi::app
