#include "yorisoi/gateway/routes.hpp"

namespace yorisoi::gateway {
namespace {

// Splits at '/' and drops the leading empty segment; "/a//b" keeps its empty middle segment, which
// no placeholder matches.
std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  while (true) {
    const auto slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool match_pattern(std::string_view pattern, std::string_view path,
                   std::vector<std::pair<std::string, std::string>>& params) {
  const auto want = segments(pattern);
  const auto have = segments(path);
  if (want.size() != have.size()) {
    return false;
  }
  std::vector<std::pair<std::string, std::string>> captured;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& w = want[i];
    if (w.size() >= 2 && w.front() == '{' && w.back() == '}') {
      if (have[i].empty()) {
        return false;
      }
      captured.emplace_back(std::string(w.substr(1, w.size() - 2)), std::string(have[i]));
    } else if (w != have[i]) {
      return false;
    }
  }
  params = std::move(captured);
  return true;
}

}  // namespace

const std::vector<route>& routes() {
  // Constant data, built once; not mutable state.
  static const std::vector<route> table{
      {"GET", "/healthz", "healthz", handler_id::healthz},
      {"GET", "/readyz", "readyz", handler_id::readyz},
      {"GET", "/metrics", "metrics", handler_id::metrics},
      {"POST", "/webhook/line/{channel_key}", "line_webhook", handler_id::line_webhook},
  };
  return table;
}

std::optional<std::string_view> route_match::param(std::string_view name) const {
  for (const auto& [key, value] : params) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

route_match match_route(std::string_view method, std::string_view path) {
  route_match result;
  for (const auto& candidate : routes()) {
    std::vector<std::pair<std::string, std::string>> params;
    if (!match_pattern(candidate.pattern, path, params)) {
      continue;
    }
    if (candidate.method == method) {
      result.found = &candidate;
      result.params = std::move(params);
      result.allow.clear();
      return result;
    }
    if (!result.allow.empty()) {
      result.allow += ", ";
    }
    result.allow += candidate.method;
  }
  return result;
}

}  // namespace yorisoi::gateway
