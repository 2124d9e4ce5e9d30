// The `yorisoi` executable: the composition root. It reads the command line, loads the
// configuration, wires storage and the gateway together, and owns their lifetimes.
#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/server.hpp"
#include "yorisoi/gateway/tenant_rules.hpp"
#include "yorisoi/storage/crypto.hpp"
#include "yorisoi/storage/service.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr const char* usage = R"(usage:
  yorisoi serve --config FILE [--port-file FILE]   migrate, then serve until SIGTERM/SIGINT
  yorisoi migrate --config FILE                    apply pending database migrations and exit
  yorisoi check-config --config FILE               validate the configuration and exit
  yorisoi --help

Environment overrides (YORISOI_LISTEN=host:port, YORISOI_DATABASE_URL, YORISOI_LINE_API_BASE, ...)
apply on top of the file; secrets come from the environment variables or files the file names.
YORISOI_REPLY_TOKEN_USABLE_SECONDS (default 50) bounds how long after a webhook its reply token is
used; later answers go by push (tests set 0 to force push). YORISOI_IDLE_CLOSE=off keeps idle
consultations open (tests replaying events of past dates).
)";

struct command_line {
  std::string command;
  std::string config_file;
  std::optional<std::string> port_file;
};

// Returns nullopt (after printing why) when the arguments do not make a command.
std::optional<command_line> parse_arguments(const std::vector<std::string>& args) {
  command_line out;
  if (args.empty()) {
    std::cerr << usage;
    return std::nullopt;
  }
  out.command = args[0];
  for (std::size_t i = 1; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--config" && has_value) {
      out.config_file = args[++i];
    } else if (args[i] == "--port-file" && has_value && out.command == "serve") {
      out.port_file = args[++i];
    } else {
      std::cerr << "yorisoi: unexpected argument '" << args[i] << "'\n" << usage;
      return std::nullopt;
    }
  }
  if (out.config_file.empty()) {
    std::cerr << "yorisoi: " << out.command << " needs --config FILE\n";
    return std::nullopt;
  }
  return out;
}

yorisoi::storage::options storage_options(const yorisoi::config::settings& settings) {
  yorisoi::storage::options opts;
  opts.url = settings.database.url;
  opts.pool_size = settings.database.pool_size;
  opts.ingest_workers = settings.database.ingest_workers;
  opts.ingest_max_batch = settings.database.ingest_max_batch;
  opts.tenant_rules = yorisoi::gateway::make_all_tenant_rules(settings);
  if (settings.idle_close) {
    for (const auto& tenant : settings.tenants) {
      opts.idle_close_after.emplace(tenant.id, tenant.idle_close_after);
    }
  }
  opts.reply_token_usable = settings.line.reply_token_usable;
  return opts;
}

yorisoi::storage::keyring make_keyring(const yorisoi::config::settings& settings) {
  return yorisoi::storage::keyring(settings.crypto.keys, settings.crypto.pseudonym_pepper);
}

// Readers poll this file: write it whole under a temporary name, then rename it into place.
void write_port_file(const std::string& path, std::uint16_t port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    out.flush();
    if (!out) {
      throw std::runtime_error("cannot write " + temporary);
    }
  }
  std::filesystem::rename(temporary, path);
}

int serve(const command_line& cmd) {
  const auto settings = yorisoi::config::load(cmd.config_file);
  yorisoi::storage::service store(storage_options(settings), make_keyring(settings));
  store.migrate();
  // The server registers its metrics observer and the outbox notifier on the store, which must
  // happen before start().
  yorisoi::gateway::server server(settings, store);
  store.start();
  try {
    server.listen();
    if (cmd.port_file) {
      write_port_file(*cmd.port_file, server.port());
    }
    server.run();
  } catch (...) {
    // Storage threads call back into the server (metrics): stop them before the server goes.
    store.stop();
    throw;
  }
  // The server has drained its requests; now flush queued ingest batches. The server outlives this
  // call, so a late storage callback still finds its (stopped) io_context.
  store.stop();
  return 0;
}

int migrate(const command_line& cmd) {
  const auto settings = yorisoi::config::load(cmd.config_file);
  yorisoi::storage::service store(storage_options(settings), make_keyring(settings));
  store.migrate();
  std::cout << "schema at version " << yorisoi::storage::service::schema_version() << '\n';
  return 0;
}

int check_config(const command_line& cmd) {
  const auto settings = yorisoi::config::load(cmd.config_file);
  std::size_t channels = 0;
  for (const auto& tenant : settings.tenants) {
    channels += tenant.channels.size();
  }
  std::cout << cmd.config_file << ": ok (" << settings.tenants.size() << " tenants, " << channels
            << " channels)\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::cout << usage;
    return 0;
  }
  const auto cmd = parse_arguments(args);
  if (!cmd) {
    return 2;
  }
  try {
    if (cmd->command == "serve") {
      return serve(*cmd);
    }
    if (cmd->command == "migrate") {
      return migrate(*cmd);
    }
    if (cmd->command == "check-config") {
      return check_config(*cmd);
    }
    std::cerr << "yorisoi: unknown command '" << cmd->command << "'\n" << usage;
    return 2;
  } catch (const yorisoi::config::error& e) {
    std::cerr << "yorisoi: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "yorisoi: " << cmd->command << " failed: " << e.what() << '\n';
    return 1;
  }
}
