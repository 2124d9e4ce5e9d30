// yorisoi inbox parked and yorisoi inbox retry ID: the events the database kept rejecting, and putting
// one back to be applied. Ids, times, SQLSTATEs and attempt counts only: never an event's content.
#include "commands.hpp"
#include "yorisoi/config/config.hpp"
#include "yorisoi/storage/inbox_admin.hpp"

#include <cstdio>
#include <iostream>

namespace yorisoi::app {
namespace {

struct inbox_arguments {
  std::string action;  // parked | retry
  std::string config_file;
  std::string event_id;  // retry
};

std::optional<inbox_arguments> parse_inbox(const std::vector<std::string>& args) {
  inbox_arguments out;
  out.action = args.size() >= 2 ? args[1] : "";
  if (out.action != "parked" && out.action != "retry") {
    std::cerr << "yorisoi: inbox needs 'parked' or 'retry ID'\n" << usage;
    return std::nullopt;
  }
  std::size_t i = 2;
  if (out.action == "retry") {
    if (args.size() < 3 || args[2].starts_with("--")) {
      std::cerr << "yorisoi: inbox retry needs the event's id (as `yorisoi inbox parked` lists it)\n";
      return std::nullopt;
    }
    out.event_id = args[2];
    if (!storage::valid_event_id(out.event_id)) {
      std::cerr << "yorisoi: inbox retry: '" << out.event_id << "' is not an event id (a uuid)\n";
      return std::nullopt;
    }
    i = 3;
  }
  for (; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      out.config_file = args[++i];
    } else {
      std::cerr << "yorisoi: inbox " << out.action << ": unexpected argument '" << args[i] << "'\n" << usage;
      return std::nullopt;
    }
  }
  if (out.config_file.empty()) {
    std::cerr << "yorisoi: inbox " << out.action << " needs --config FILE\n";
    return std::nullopt;
  }
  return out;
}

int list_parked(const inbox_arguments& args) {
  const auto settings = config::load(args.config_file);
  const auto parked = storage::list_parked_events(settings.database.url);
  std::printf("%-36s  %-16s  %-20s  %-20s  %-8s  %s\n", "event", "tenant", "received_at", "parked_at",
              "sqlstate", "attempts");
  for (const auto& p : parked) {
    std::printf("%-36s  %-16s  %-20s  %-20s  %-8s  %u\n", p.event_id.c_str(), p.tenant_id.c_str(),
                p.received_at.c_str(), p.parked_at.c_str(), p.sqlstate.c_str(), p.attempts);
  }
  std::printf("%zu parked\n", parked.size());
  return 0;
}

int retry(const inbox_arguments& args) {
  const auto settings = config::load(args.config_file);
  if (!storage::retry_parked_event(settings.database.url, args.event_id)) {
    std::printf("no parked event %s\n", args.event_id.c_str());
    return 1;
  }
  std::printf("event %s put back: it is applied within the processor's next round\n", args.event_id.c_str());
  return 0;
}

}  // namespace

int inbox(const std::vector<std::string>& words) {
  const auto args = parse_inbox(words);
  if (!args) {
    return 2;
  }
  return args->action == "parked" ? list_parked(*args) : retry(*args);
}

}  // namespace yorisoi::app
