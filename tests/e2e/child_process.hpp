#pragma once
// Starting the processes end-to-end tests talk to (yorisoi, the fake LINE platform): spawn with the
// output appended to a log file, then wait until the child has written the port it listens on.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace yorisoi::e2e {

// Starts `args[0]` with `args` and the environment `envp` (nullptr-terminated; nullptr = ours), stdout
// and stderr appended to `log_file`. Throws std::runtime_error when it cannot be started.
[[nodiscard]] pid_t spawn_logged(std::vector<std::string> args, char* const* envp,
                                 const std::filesystem::path& log_file);

// Waits until `port_file` holds a port number. If the child exits first, `pid` becomes -1 and this
// throws, with `what` and `log()` in the message; after `within`, it throws too (the child runs on).
[[nodiscard]] std::uint16_t await_port_file(pid_t& pid, const std::filesystem::path& port_file,
                                            std::chrono::milliseconds within, const std::string& what,
                                            const std::function<std::string()>& log);

}  // namespace yorisoi::e2e
