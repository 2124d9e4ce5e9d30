// yorisoi migrate and yorisoi check-config.
#include "commands.hpp"
#include "wiring.hpp"

#include <iostream>

namespace yorisoi::app {

int migrate(const command_line& cmd) {
  // Without the LINE secrets: the migration's container is not given them.
  const auto settings = config::load_for_migration(cmd.config_file);
  storage::service store(storage_options(settings), make_keyring(settings));
  store.migrate();
  std::cout << "schema at version " << storage::service::schema_version() << '\n';
  return 0;
}

int check_config(const command_line& cmd) {
  const auto settings = config::load(cmd.config_file);
  std::size_t channels = 0;
  for (const auto& tenant : settings.tenants) {
    channels += tenant.channels.size();
  }
  std::cout << cmd.config_file << ": ok (" << settings.tenants.size() << " tenants, " << channels
            << " channels)\n";
  return 0;
}

}  // namespace yorisoi::app
