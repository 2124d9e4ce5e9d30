// The usage text, and the arguments of the commands that take only a configuration file.
#include "commands.hpp"

#include <iostream>

namespace yorisoi::app {

const char* const usage = R"(usage:
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
  yorisoi inbox parked --config FILE               inbox events parked after too many rejections by the
                                                   database (id, tenant, times, SQLSTATE, attempts)
  yorisoi inbox retry ID --config FILE             put parked event ID back to be applied (exit 1: no
                                                   parked event has that id)
  yorisoi routes                                   print the route table as JSON
  yorisoi --help

Environment overrides (YORISOI_LISTEN=host:port, YORISOI_DATABASE_URL, YORISOI_LINE_API_BASE, ...)
apply on top of the file; secrets come from the environment variables or files the file names.
YORISOI_REPLY_TOKEN_USABLE_SECONDS (default 50) bounds how long after a webhook its reply token is
used; later answers go by push (tests set 0 to force push). YORISOI_IDLE_CLOSE=off keeps idle
consultations open (tests replaying events of past dates).
)";

// Returns nullopt (after printing why) when the arguments do not make a command.
std::optional<command_line> parse_command_line(const std::vector<std::string>& args) {
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

}  // namespace yorisoi::app
