// The `yorisoi` executable: reads the command line and runs one subcommand (commands.hpp); the
// subcommands wire the configuration into storage and the gateway (wiring.hpp) and own their lifetimes.
#include "commands.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/routes.hpp"

#include <malloc.h>

#include <exception>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace {

// Runs one subcommand: a configuration error answers 2, any other failure 1, each with one line.
int guarded(const std::string& name, const std::function<int()>& run) {
  try {
    return run();
  } catch (const yorisoi::config::error& e) {
    std::cerr << "yorisoi: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "yorisoi: " << name << " failed: " << e.what() << '\n';
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  namespace app = yorisoi::app;
  // Each login hashes with argon2id in 19 MiB of memory on a storage thread. glibc's dynamic mmap
  // threshold would grow to that size after the first free and keep such blocks in per-thread arenas
  // (about 19 MiB per storage thread for good); a fixed threshold hands them back to the system.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  const std::vector<std::string> args(argv + 1, argv + argc);
  const auto is = [&](const char* first, const char* second = nullptr) {
    return !args.empty() && args[0] == first &&
           (second == nullptr || (args.size() >= 2 && args[1] == second));
  };
  if (is("--help") || is("-h") || is("help")) {
    std::cout << app::usage;
    return 0;
  }
  if (is("routes")) {
    std::cout << yorisoi::gateway::routes_json() << '\n';
    return 0;
  }
  if (is("user", "add")) {
    return guarded("user add", [&] { return app::user_add(args); });
  }
  if (is("retention", "run")) {
    return guarded("retention run", [&] { return app::retention_run(args); });
  }
  if (is("inbox")) {
    return guarded("inbox", [&] { return app::inbox(args); });
  }
  if (is("keys")) {
    return guarded("keys", [&] { return app::keys(args); });
  }
  const auto cmd = app::parse_command_line(args);
  if (!cmd) {
    return 2;
  }
  if (cmd->command == "serve") {
    return guarded("serve", [&] { return app::serve(*cmd); });
  }
  if (cmd->command == "migrate") {
    return guarded("migrate", [&] { return app::migrate(*cmd); });
  }
  if (cmd->command == "check-config") {
    return guarded("check-config", [&] { return app::check_config(*cmd); });
  }
  std::cerr << "yorisoi: unknown command '" << cmd->command << "'\n" << app::usage;
  return 2;
}
