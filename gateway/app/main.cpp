// The `yorisoi` executable: the composition root. It reads the command line, loads the
// configuration, wires storage and the gateway together, and owns their lifetimes.
#include "deferred_migration.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/gateway/api_json.hpp"
#include "yorisoi/gateway/api_report_json.hpp"
#include "yorisoi/gateway/routes.hpp"
#include "yorisoi/gateway/server.hpp"
#include "yorisoi/gateway/tenant_rules.hpp"
#include "yorisoi/storage/console.hpp"
#include "yorisoi/storage/crypto.hpp"
#include "yorisoi/storage/key_rotation.hpp"
#include "yorisoi/storage/referral.hpp"
#include "yorisoi/storage/report.hpp"
#include "yorisoi/storage/service.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr const char* usage = R"(usage:
  yorisoi serve --config FILE [--port-file FILE]   migrate, then serve until SIGTERM/SIGINT
                                                   (database unreachable: serve on the spool, migrate later)
  yorisoi migrate --config FILE                    apply pending database migrations and exit
  yorisoi check-config --config FILE               validate the configuration and exit
  yorisoi user add --config FILE --tenant ID --login NAME --name DISPLAY --role ROLE [--unit UNIT]
                                                   migrate, then create a staff account; the password
                                                   is read from YORISOI_NEW_PASSWORD or one stdin line
  yorisoi keys rotate --config FILE [--batch N]    re-seal every sealed value under the highest key of
                                                   the keyring (rows per transaction: N, default 200);
                                                   exit 0 when nothing is left under an old key, else 1
  yorisoi keys status --config FILE                rows of each sealed column per key id
  yorisoi retention run --config FILE [--now RFC3339]
                                                   purge closed consultations older than each tenant's
                                                   retention_days now (or as if at --now); prints the
                                                   counts; the server also runs this every hour
  yorisoi routes                                   print the route table as JSON
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
  for (const auto& tenant : settings.tenants) {
    if (tenant.alert) {
      const bool any = tenant.alert->on == yorisoi::config::alert_trigger::any;
      const auto on = any ? yorisoi::routing::alert_on::any : yorisoi::routing::alert_on::urgent;
      opts.alert_policies.emplace(tenant.id, yorisoi::routing::alert_policy{on});
    }
  }
  return opts;
}

yorisoi::storage::session_policy session_policy(const yorisoi::config::settings& settings) {
  const auto& s = settings.server.sessions;
  yorisoi::storage::session_policy policy;
  policy.idle = s.idle;
  policy.absolute = s.absolute;
  policy.max_failures_per_login = s.max_failures_per_login;
  policy.max_failures_per_address = s.max_failures_per_address;
  policy.failure_window = s.failure_window;
  return policy;
}

yorisoi::storage::keyring make_keyring(const yorisoi::config::settings& settings) {
  return yorisoi::storage::keyring(settings.crypto.keys, settings.crypto.pseudonym_pepper);
}

yorisoi::routing::unit_kind unit_kind_of(yorisoi::config::org_unit_kind kind) {
  switch (kind) {
    case yorisoi::config::org_unit_kind::hub:
      return yorisoi::routing::unit_kind::hub;
    case yorisoi::config::org_unit_kind::department:
      return yorisoi::routing::unit_kind::department;
    case yorisoi::config::org_unit_kind::platform_group:
      return yorisoi::routing::unit_kind::platform_group;
  }
  return yorisoi::routing::unit_kind::department;
}

// Tenants without org units take no referrals (the store refuses an empty unit list): they are left
// out, and their calls answer not_found.
yorisoi::storage::referral_store_options referral_options(const yorisoi::config::settings& settings) {
  yorisoi::storage::referral_store_options opts;
  opts.url = settings.database.url;
  for (const auto& tenant : settings.tenants) {
    if (tenant.org_units.empty()) {
      continue;
    }
    yorisoi::storage::referral_tenant t;
    for (const auto& unit : tenant.org_units) {
      t.units.push_back({unit.id, unit.name, unit_kind_of(unit.kind)});
    }
    t.consent_ttl = tenant.referrals.consent_ttl;
    t.hub_skipped = tenant.referrals.hub_skipped;
    t.answers_through_hub = tenant.referrals.answers_through_hub;
    t.utc_offset_minutes = tenant.utc_offset_minutes;
    opts.tenants.emplace(tenant.id, std::move(t));
  }
  return opts;
}

// Each tenant's retention period (config retention_days), by tenant id.
std::map<std::string, std::chrono::hours> retention_periods(const yorisoi::config::settings& settings) {
  std::map<std::string, std::chrono::hours> out;
  for (const auto& tenant : settings.tenants) {
    out.emplace(tenant.id, tenant.retention);
  }
  return out;
}

// The reports of every tenant, and the retention job once an hour (one instance at a time: the store
// takes an advisory lock; a run finding it held does nothing).
yorisoi::storage::report_store_options report_options(const yorisoi::config::settings& settings) {
  yorisoi::storage::report_store_options opts;
  opts.url = settings.database.url;
  for (const auto& tenant : settings.tenants) {
    opts.tenants.emplace(tenant.id, yorisoi::gateway::make_report_settings(tenant));
  }
  opts.retention = retention_periods(settings);
  opts.retention_every = std::chrono::hours(1);
  return opts;
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
  // Unreachable at start (an outage, a restart during one): serve anyway — the webhook spool takes
  // LINE's requests — and migrate once the database answers.
  std::optional<yorisoi::app::deferred_migration> migrate_later;
  try {
    store.migrate();
  } catch (const yorisoi::storage::database_unreachable&) {
    spdlog::warn(
        "storage: the database cannot be reached at start; webhooks go to the spool until it answers");
    migrate_later.emplace(store, std::chrono::seconds(2));
  }
  yorisoi::storage::console_store console(store, session_policy(settings));
  // A consent request committed by the referral store wakes the server's outbox sender. The store
  // needs the callback before the server exists (the server needs the store), so it reaches the
  // server through this pointer, set before referrals.start(): no referral work runs earlier.
  yorisoi::gateway::server* outbox_waker = nullptr;
  auto referral_opts = referral_options(settings);
  referral_opts.outbox_written = [&outbox_waker] {
    if (outbox_waker != nullptr) {
      outbox_waker->wake_outbox();
    }
  };
  yorisoi::storage::referral_store referrals(store, make_keyring(settings), std::move(referral_opts));
  yorisoi::storage::report_store reports(store, report_options(settings));
  // The server registers its metrics observer and the outbox notifier on the store, which must
  // happen before start().
  yorisoi::gateway::server server(settings, store, console, referrals, reports);
  outbox_waker = &server;
  store.start();
  referrals.start();
  reports.start();
  try {
    server.listen();
    if (cmd.port_file) {
      write_port_file(*cmd.port_file, server.port());
    }
    server.run();
  } catch (...) {
    // Storage threads call back into the server (metrics, answers): stop them before the server goes.
    if (migrate_later) {
      migrate_later->stop();
    }
    reports.stop();
    referrals.stop();
    store.stop();
    throw;
  }
  // The server has drained its requests; now finish queued referral work and flush queued ingest
  // batches. The server outlives these calls, so a late storage callback still finds its (stopped)
  // io_context.
  if (migrate_later) {
    migrate_later->stop();
  }
  reports.stop();
  referrals.stop();
  store.stop();
  return 0;
}

int migrate(const command_line& cmd) {
  // Without the LINE secrets: the migration's container is not given them.
  const auto settings = yorisoi::config::load_for_migration(cmd.config_file);
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

int user_add(const user_add_arguments& args) {
  const auto settings = yorisoi::config::load(args.config_file);
  const auto* tenant = settings.find_tenant(args.tenant);
  if (tenant == nullptr) {
    std::cerr << "yorisoi: user add: no tenant '" << args.tenant << "' in " << args.config_file << '\n';
    return 1;
  }
  const auto role = yorisoi::routing::parse_role(args.role);
  if (!role) {
    std::cerr << "yorisoi: user add: unknown role '" << args.role
              << "' (admin, supervisor, counsellor, officer, analyst)\n";
    return 1;
  }
  yorisoi::storage::new_staff user;
  user.login = args.login;
  user.display_name = args.name;
  user.role = *role;
  user.org_unit = args.unit;
  user.password = read_new_password();
  if (yorisoi::gateway::utf8_length(user.password) < yorisoi::gateway::min_password_chars) {
    std::cerr << "yorisoi: user add: the password must have at least 12 characters\n";
    return 1;
  }
  auto options = storage_options(settings);
  options.run_inbox_processor = false;  // a one-shot command: no background work
  yorisoi::storage::service store(options, make_keyring(settings));
  store.migrate();
  store.start();
  yorisoi::storage::op_result<yorisoi::storage::staff_user> result;
  {
    yorisoi::storage::console_store console(store, session_policy(settings));
    // The command line acts as nobody: an empty user id is audited as such.
    yorisoi::storage::actor who;
    who.tenant_id = tenant->id;
    who.role = yorisoi::routing::staff_role::admin;
    std::promise<yorisoi::storage::op_result<yorisoi::storage::staff_user>> answer;
    auto future = answer.get_future();
    console.create_staff(who, std::move(user),
                         [&answer](yorisoi::storage::op_result<yorisoi::storage::staff_user> r) {
                           answer.set_value(std::move(r));
                         });
    result = future.get();
  }
  store.stop();
  switch (result.status) {
    case yorisoi::storage::op_status::ok:
      std::cout << "created " << yorisoi::routing::to_string(result.value.role) << " '" << result.value.login
                << "' (" << result.value.user_id << ") in tenant " << tenant->id << '\n';
      return 0;
    case yorisoi::storage::op_status::invalid:
    case yorisoi::storage::op_status::conflict:
      std::cerr << "yorisoi: user add: refused: " << result.reason << '\n';
      return 1;
    case yorisoi::storage::op_status::not_found:
      std::cerr << "yorisoi: user add: not found: " << result.reason << '\n';
      return 1;
    case yorisoi::storage::op_status::unavailable:
      break;
  }
  std::cerr << "yorisoi: user add: the database is unavailable\n";
  return 1;
}

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
  const auto settings = yorisoi::config::load(args.config_file);
  const auto keys = make_keyring(settings);
  yorisoi::storage::rotation_options opts;
  opts.url = settings.database.url;
  opts.batch = args.batch;
  const auto report = yorisoi::storage::rotate_keys(opts, keys);
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
  const auto settings = yorisoi::config::load(args.config_file);
  const auto keys = make_keyring(settings);
  yorisoi::storage::rotation_options opts;
  opts.url = settings.database.url;
  std::printf("current key %u\n%-26s %6s %10s\n", keys.current_key_id(), "column", "key", "rows");
  for (const auto& u : yorisoi::storage::key_status(opts)) {
    std::printf("%-26s %6u %10zu\n", u.column.c_str(), u.key_id, u.rows);
  }
  return 0;
}

struct retention_arguments {
  std::string config_file;
  std::optional<std::chrono::system_clock::time_point> now;
};

// "2026-04-01T12:00:00Z" or with an offset ("…+09:00"); whole seconds.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto date = yorisoi::gateway::parse_iso_date(std::string_view(text).substr(0, 10));
  const auto digits = [&](std::size_t at) -> int {
    if (!std::isdigit(static_cast<unsigned char>(text[at])) ||
        !std::isdigit(static_cast<unsigned char>(text[at + 1]))) {
      return -1;
    }
    return (text[at] - '0') * 10 + (text[at + 1] - '0');
  };
  const int hour = digits(11), minute = digits(14), second = digits(17);
  if (!date || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  int offset_minutes = 0;
  const std::string zone = text.substr(19);
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const int h = digits(20), m = digits(23);
    if (h < 0 || h > 23 || m < 0 || m > 59) {
      return std::nullopt;
    }
    offset_minutes = (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
  } else if (zone != "Z" && zone != "z") {
    return std::nullopt;
  }
  const auto day = yorisoi::routing::to_sys_days(*date);
  return std::chrono::system_clock::time_point(day) + std::chrono::hours(hour) +
         std::chrono::minutes(minute) + std::chrono::seconds(second) - std::chrono::minutes(offset_minutes);
}

std::optional<retention_arguments> parse_retention(const std::vector<std::string>& args) {
  retention_arguments out;
  for (std::size_t i = 2; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    if (args[i] == "--config" && has_value) {
      out.config_file = args[++i];
    } else if (args[i] == "--now" && has_value) {
      out.now = parse_rfc3339(args[++i]);
      if (!out.now) {
        std::cerr << "yorisoi: retention run: --now must be an RFC 3339 time such as 2026-04-01T00:00:00Z\n";
        return std::nullopt;
      }
    } else {
      std::cerr << "yorisoi: retention run: unexpected argument '" << args[i] << "'\n" << usage;
      return std::nullopt;
    }
  }
  if (out.config_file.empty()) {
    std::cerr << "yorisoi: retention run needs --config FILE\n";
    return std::nullopt;
  }
  return out;
}

// One purge now, as the hourly job does it (same lock: a run while an instance purges is skipped).
int retention_run(const retention_arguments& args) {
  const auto settings = yorisoi::config::load(args.config_file);
  const auto counts =
      yorisoi::storage::run_retention_once(settings.database.url, retention_periods(settings),
                                           args.now.value_or(std::chrono::system_clock::now()));
  if (counts.skipped) {
    std::cout << "skipped: another instance is purging\n";
    return 0;
  }
  std::cout << "purged " << counts.consultations << " consultations (" << counts.messages << " messages, "
            << counts.inbox_events << " inbox events, " << counts.outbox_rows << " outbox rows, "
            << counts.notes << " notes, " << counts.referrals << " referrals redacted), " << counts.residents
            << " residents without a consultation\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Each login hashes with argon2id in 19 MiB of memory on a storage thread. glibc's dynamic mmap
  // threshold would grow to that size after the first free and keep such blocks in per-thread arenas
  // (about 19 MiB per storage thread for good); a fixed threshold hands them back to the system.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    std::cout << usage;
    return 0;
  }
  if (!args.empty() && args[0] == "routes") {
    std::cout << yorisoi::gateway::routes_json() << '\n';
    return 0;
  }
  if (args.size() >= 2 && args[0] == "user" && args[1] == "add") {
    const auto user_args = parse_user_add(args);
    if (!user_args) {
      return 2;
    }
    try {
      return user_add(*user_args);
    } catch (const yorisoi::config::error& e) {
      std::cerr << "yorisoi: " << e.what() << '\n';
      return 1;
    } catch (const std::exception& e) {
      std::cerr << "yorisoi: user add failed: " << e.what() << '\n';
      return 1;
    }
  }
  if (args.size() >= 2 && args[0] == "retention" && args[1] == "run") {
    const auto retention_args = parse_retention(args);
    if (!retention_args) {
      return 2;
    }
    try {
      return retention_run(*retention_args);
    } catch (const yorisoi::config::error& e) {
      std::cerr << "yorisoi: " << e.what() << '\n';
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "yorisoi: retention run failed: " << e.what() << '\n';
      return 1;
    }
  }
  if (!args.empty() && args[0] == "keys") {
    const auto keys_args = parse_keys(args);
    if (!keys_args) {
      return 2;
    }
    try {
      return keys_args->action == "rotate" ? keys_rotate(*keys_args) : keys_status(*keys_args);
    } catch (const yorisoi::config::error& e) {
      std::cerr << "yorisoi: " << e.what() << '\n';
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "yorisoi: keys " << keys_args->action << " failed: " << e.what() << '\n';
      return 1;
    }
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
