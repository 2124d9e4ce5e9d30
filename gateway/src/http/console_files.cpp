// The web console's static files: GET / and /console redirect to /console/, and /console/{path...}
// serves files of the console folder (settings.server.console_dir, or `console` next to the binary).
// Paths are checked before they touch the file system, and the resolved file must stay inside.
#include "http/handlers.hpp"
#include "yorisoi/gateway/web_security.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace yorisoi::gateway {
namespace fs = std::filesystem;

namespace {

constexpr std::uintmax_t max_static_bytes = 16u << 20;

http_response redirect(unsigned status, std::string location) {
  http_response response = text_response(status, "");
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

http_response not_found() {
  return text_response(404, "not found\n");
}

http_response console_file(const handler_context& context, const route_match& match) {
  std::string relative(match.param("path").value_or(""));
  if (!is_safe_static_path(relative)) {
    return not_found();
  }
  if (relative.empty()) {
    relative = "index.html";
  }
  std::error_code ec;
  const fs::path root = fs::weakly_canonical(context.console_dir, ec);
  if (ec) {
    return not_found();
  }
  const fs::path file = fs::weakly_canonical(root / relative, ec);
  // A symbolic link inside the folder must not lead out of it.
  const auto [root_end, file_it] = std::mismatch(root.begin(), root.end(), file.begin(), file.end());
  if (ec || root_end != root.end() || !fs::is_regular_file(file, ec)) {
    return not_found();
  }
  const auto size = fs::file_size(file, ec);
  if (ec || size > max_static_bytes) {
    return not_found();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return not_found();
  }
  std::ostringstream content;
  content << in.rdbuf();
  http_response response;
  response.content_type = std::string(content_type_for(relative));
  response.body = std::move(content).str();
  // The console is small and changes with each release: always revalidate instead of no-store.
  response.headers.emplace_back("Cache-Control", "no-cache");
  return response;
}

}  // namespace

std::string default_console_dir() {
  std::error_code ec;
  const fs::path binary = fs::read_symlink("/proc/self/exe", ec);
  if (ec) {
    return "console";
  }
  return (binary.parent_path() / "console").string();
}

boost::asio::awaitable<http_response> handle_root(handler_context&, const route_match&, const http_request&) {
  co_return redirect(302, "/console/");
}

boost::asio::awaitable<http_response> handle_console_redirect(handler_context&, const route_match&,
                                                              const http_request&) {
  co_return redirect(301, "/console/");
}

boost::asio::awaitable<http_response> handle_console_file(handler_context& context, const route_match& match,
                                                          const http_request&) {
  co_return console_file(context, match);
}

}  // namespace yorisoi::gateway
