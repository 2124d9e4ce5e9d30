#include "yorisoi/gateway/web_security.hpp"

#include "http/header_text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace yorisoi::gateway {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string cookie_attributes(bool secure) {
  std::string out = "; Path=/; HttpOnly; SameSite=Strict";
  if (secure) {
    out += "; Secure";
  }
  return out;
}

}  // namespace

std::optional<std::string> find_cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    const std::string_view pair = trim_ows(header.substr(0, end));
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && trim_ows(pair.substr(0, equals)) == name) {
      return std::string(trim_ows(pair.substr(equals + 1)));
    }
    if (end == std::string_view::npos) {
      break;
    }
    header.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::string session_cookie(std::string_view token, bool secure) {
  return std::string(session_cookie_name(secure)) + "=" + std::string(token) + cookie_attributes(secure);
}

std::string cleared_session_cookie(bool secure) {
  return std::string(session_cookie_name(secure)) + "=" + cookie_attributes(secure) + "; Max-Age=0";
}

bool origin_allowed(std::string_view origin, std::string_view scheme, std::string_view host,
                    const std::vector<std::string>& allowed) {
  if (origin.empty() || host.empty()) {
    return false;
  }
  const std::string own = std::string(scheme) + "://" + std::string(host);
  if (iequals(origin, own)) {
    return true;
  }
  return std::any_of(allowed.begin(), allowed.end(),
                     [&](const std::string& one) { return iequals(origin, one); });
}

const std::vector<std::pair<std::string_view, std::string_view>>& browser_security_headers(bool secure) {
  // Constant data, built once.
  static constexpr std::string_view csp =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  static const std::vector<std::pair<std::string_view, std::string_view>> plain{
      {"Content-Security-Policy", csp},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
  };
  static const std::vector<std::pair<std::string_view, std::string_view>> strict{
      {"Content-Security-Policy", csp},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Strict-Transport-Security", "max-age=31536000"},
  };
  return secure ? strict : plain;
}

std::string_view content_type_for(std::string_view file_name) {
  struct entry {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr std::array<entry, 14> types{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  }};
  const auto dot = file_name.rfind('.');
  const auto slash = file_name.rfind('/');
  if (dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)) {
    const auto extension = file_name.substr(dot);
    for (const auto& e : types) {
      if (iequals(e.extension, extension)) {
        return e.type;
      }
    }
  }
  return "application/octet-stream";
}

bool is_safe_static_path(std::string_view path) {
  if (path.empty()) {
    return true;
  }
  if (path.front() == '/' || path.find('\\') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos || path.find('%') != std::string_view::npos) {
    return false;
  }
  while (true) {
    const auto slash = path.find('/');
    const auto segment = path.substr(0, slash);
    // Empty segments ("a//b", a trailing '/'), "." and "..", and hidden files are all refused.
    if (segment.empty() || segment.front() == '.') {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    path.remove_prefix(slash + 1);
  }
}

bool equal_secrets(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace yorisoi::gateway
