// yorisoi user add: the first accounts of a tenant, created from the command line (audited as nobody).
#include "commands.hpp"
#include "wiring.hpp"
#include "yorisoi/gateway/api_json.hpp"

#include <cstdlib>
#include <future>
#include <iostream>

namespace yorisoi::app {
namespace {

struct user_add_arguments {
  std::string config_file, tenant, login, name, role, unit;
};

std::optional<user_add_arguments> parse_user_add(const std::vector<std::string>& args) {
  user_add_arguments out;
  for (std::size_t i = 2; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    std::string* target = nullptr;
    if (args[i] == "--config") {
      target = &out.config_file;
    } else if (args[i] == "--tenant") {
      target = &out.tenant;
    } else if (args[i] == "--login") {
      target = &out.login;
    } else if (args[i] == "--name") {
      target = &out.name;
    } else if (args[i] == "--role") {
      target = &out.role;
    } else if (args[i] == "--unit") {
      target = &out.unit;
    }
    if (target == nullptr || !has_value) {
      std::cerr << "yorisoi: user add: unexpected argument '" << args[i] << "'\n" << usage;
      return std::nullopt;
    }
    *target = args[++i];
  }
  if (out.config_file.empty() || out.tenant.empty() || out.login.empty() || out.name.empty() ||
      out.role.empty()) {
    std::cerr << "yorisoi: user add needs --config, --tenant, --login, --name and --role\n";
    return std::nullopt;
  }
  return out;
}

// The new password: YORISOI_NEW_PASSWORD, else one line of standard input (never echoed back).
std::string read_new_password() {
  if (const char* env = std::getenv("YORISOI_NEW_PASSWORD"); env != nullptr && *env != '\0') {
    return env;
  }
  std::string line;
  std::getline(std::cin, line);
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  return line;
}

int add_user(const user_add_arguments& args) {
  const auto settings = config::load(args.config_file);
  const auto* tenant = settings.find_tenant(args.tenant);
  if (tenant == nullptr) {
    std::cerr << "yorisoi: user add: no tenant '" << args.tenant << "' in " << args.config_file << '\n';
    return 1;
  }
  const auto role = routing::parse_role(args.role);
  if (!role) {
    std::cerr << "yorisoi: user add: unknown role '" << args.role
              << "' (admin, supervisor, counsellor, officer, analyst)\n";
    return 1;
  }
  storage::new_staff user;
  user.login = args.login;
  user.display_name = args.name;
  user.role = *role;
  user.org_unit = args.unit;
  user.password = read_new_password();
  if (gateway::utf8_length(user.password) < gateway::min_password_chars) {
    std::cerr << "yorisoi: user add: the password must have at least 12 characters\n";
    return 1;
  }
  auto options = storage_options(settings);
  options.run_inbox_processor = false;  // a one-shot command: no background work
  storage::service store(options, make_keyring(settings));
  store.migrate();
  store.start();
  storage::op_result<storage::staff_user> result;
  {
    storage::console_store console(store, session_policy(settings));
    // The command line acts as nobody: an empty user id is audited as such.
    storage::actor who;
    who.tenant_id = tenant->id;
    who.role = routing::staff_role::admin;
    std::promise<storage::op_result<storage::staff_user>> answer;
    auto future = answer.get_future();
    console.create_staff(who, std::move(user), [&answer](storage::op_result<storage::staff_user> r) {
      answer.set_value(std::move(r));
    });
    result = future.get();
  }
  store.stop();
  switch (result.status) {
    case storage::op_status::ok:
      std::cout << "created " << routing::to_string(result.value.role) << " '" << result.value.login << "' ("
                << result.value.user_id << ") in tenant " << tenant->id << '\n';
      return 0;
    case storage::op_status::invalid:
    case storage::op_status::conflict:
      std::cerr << "yorisoi: user add: refused: " << result.reason << '\n';
      return 1;
    case storage::op_status::not_found:
      std::cerr << "yorisoi: user add: not found: " << result.reason << '\n';
      return 1;
    case storage::op_status::throttled:
    case storage::op_status::unavailable:
      break;
  }
  std::cerr << "yorisoi: user add: the database is unavailable\n";
  return 1;
}

}  // namespace

int user_add(const std::vector<std::string>& words) {
  const auto args = parse_user_add(words);
  if (!args) {
    return 2;
  }
  return add_user(*args);
}

}  // namespace yorisoi::app
