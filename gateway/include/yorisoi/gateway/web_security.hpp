#pragma once
// Browser-facing protections of the console and its API, as pure functions: the session cookie, the
// Origin check that backs CSRF protection, and the headers every console and API answer carries.
// No I/O; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yorisoi::gateway {

// The session cookie's name: "__Host-yorisoi_session" when `secure` (browsers then accept it only with
// Secure, Path=/ and no Domain, so a sibling host or plain-HTTP page cannot plant or shadow it), and
// "yorisoi_session" for plain HTTP on loopback, where a Secure cookie would not come back.
inline constexpr std::string_view secure_session_cookie_name = "__Host-yorisoi_session";
inline constexpr std::string_view plain_session_cookie_name = "yorisoi_session";
[[nodiscard]] constexpr std::string_view session_cookie_name(bool secure) {
  return secure ? secure_session_cookie_name : plain_session_cookie_name;
}

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt. The first occurrence wins;
// surrounding quotes are not removed (our token is base64url and never quoted).
[[nodiscard]] std::optional<std::string> find_cookie(std::string_view cookie_header, std::string_view name);

// Set-Cookie value for a fresh session token (`Path=/; HttpOnly; SameSite=Strict`, no Domain; when
// `secure`, named with the __Host- prefix and `Secure`). The cookie is a browser-session cookie: the server
// ends the session itself.
[[nodiscard]] std::string session_cookie(std::string_view token, bool secure);
// Set-Cookie value that removes the session cookie (`Max-Age=0`).
[[nodiscard]] std::string cleared_session_cookie(bool secure);

// Whether a request's Origin is acceptable: the server's own origin (`scheme` + "://" + Host header)
// or one of `allowed` (lower-case, as config validated them). Compared case-insensitively, exactly
// otherwise ("null" and anything with a path never match).
[[nodiscard]] bool origin_allowed(std::string_view origin, std::string_view scheme, std::string_view host,
                                  const std::vector<std::string>& allowed);

// Headers added to every answer (CSP, X-Frame-Options, Referrer-Policy; when `secure` also
// Strict-Transport-Security for a year, so a browser never again asks for the plain-HTTP address).
[[nodiscard]] const std::vector<std::pair<std::string_view, std::string_view>>& browser_security_headers(
    bool secure);

// Content-Type of a static console file from its extension ("application/octet-stream" when unknown).
[[nodiscard]] std::string_view content_type_for(std::string_view file_name);

// A console path ("js/app.js") that is safe to join to the console folder: relative, no "." or ".."
// segment, no backslash, NUL, empty segment or leading dot of a segment (hidden files). "" means
// index.html.
[[nodiscard]] bool is_safe_static_path(std::string_view path);

// Constant-time comparison of two secrets (CSRF token against the session's).
[[nodiscard]] bool equal_secrets(std::string_view a, std::string_view b) noexcept;

}  // namespace yorisoi::gateway
