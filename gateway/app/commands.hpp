#pragma once
// The subcommands of the `yorisoi` executable, one file each (serve.cpp, migrate.cpp, user_add.cpp,
// keys.cpp, retention.cpp, inbox.cpp); main.cpp picks one from the command line. Each answers the exit code: 0 done,
// 1 failed, 2 bad usage (after printing why). A configuration error is thrown as config::error and
// answered 2 by main.

#include <optional>
#include <string>
#include <vector>

namespace yorisoi::app {

extern const char* const usage;

// serve, migrate and check-config: --config FILE (and, for serve, --port-file FILE).
struct command_line {
  std::string command;
  std::string config_file;
  std::optional<std::string> port_file;
};
// Returns nullopt (after printing why) when the arguments do not make a command.
[[nodiscard]] std::optional<command_line> parse_command_line(const std::vector<std::string>& args);

int serve(const command_line& cmd);
int migrate(const command_line& cmd);
int check_config(const command_line& cmd);
// The whole argument list, the subcommand's words included ("user add …", "keys rotate …", "retention run
// …").
int user_add(const std::vector<std::string>& args);
int keys(const std::vector<std::string>& args);
int retention_run(const std::vector<std::string>& args);
int inbox(const std::vector<std::string>& args);

}  // namespace yorisoi::app
