// yorisoi retention run: one purge now, as the server's hourly job does it.
#include "commands.hpp"
#include "wiring.hpp"
#include "yorisoi/gateway/api_report_json.hpp"

#include <cctype>
#include <iostream>

namespace yorisoi::app {
namespace {

struct retention_arguments {
  std::string config_file;
  std::optional<std::chrono::system_clock::time_point> now;
};

// "2026-04-01T12:00:00Z" or with an offset ("…+09:00"); whole seconds.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  const auto date = gateway::parse_iso_date(std::string_view(text).substr(0, 10));
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
  const auto day = routing::to_sys_days(*date);
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
int purge(const retention_arguments& args) {
  const auto settings = config::load(args.config_file);
  const auto counts = storage::run_retention_once(settings.database.url, retention_periods(settings),
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

int retention_run(const std::vector<std::string>& words) {
  const auto args = parse_retention(words);
  if (!args) {
    return 2;
  }
  return purge(*args);
}

}  // namespace yorisoi::app
