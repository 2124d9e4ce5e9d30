#include "yorisoi/gateway/web_security.hpp"

#include <gtest/gtest.h>

namespace yorisoi::gateway {
namespace {

TEST(web_security, finds_the_session_cookie_among_others) {
  EXPECT_EQ(find_cookie("a=1; yorisoi_session=abc-_9; b=2", "yorisoi_session"), "abc-_9");
  EXPECT_EQ(find_cookie("yorisoi_session=first;yorisoi_session=second", "yorisoi_session"), "first");
  EXPECT_EQ(find_cookie("  yorisoi_session = x ", "yorisoi_session"), "x");
  EXPECT_EQ(find_cookie("xyorisoi_session=1; yorisoi_sessionx=2", "yorisoi_session"), std::nullopt);
  EXPECT_EQ(find_cookie("", "yorisoi_session"), std::nullopt);
  EXPECT_EQ(find_cookie(";;;", "yorisoi_session"), std::nullopt);
  EXPECT_EQ(find_cookie("yorisoi_session", "yorisoi_session"), std::nullopt);
}

TEST(web_security, session_cookie_attributes) {
  EXPECT_EQ(session_cookie("tok", false), "yorisoi_session=tok; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_EQ(session_cookie("tok", true),
            "__Host-yorisoi_session=tok; Path=/; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(cleared_session_cookie(false), "yorisoi_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  EXPECT_EQ(cleared_session_cookie(true),
            "__Host-yorisoi_session=; Path=/; HttpOnly; SameSite=Strict; Secure; Max-Age=0");
  EXPECT_EQ(session_cookie_name(true), "__Host-yorisoi_session");
  EXPECT_EQ(session_cookie_name(false), "yorisoi_session");
  // A __Host- cookie is refused by browsers with a Domain attribute: there must never be one.
  EXPECT_EQ(session_cookie("tok", true).find("Domain"), std::string::npos);
}

struct origin_case {
  const char* origin;
  const char* scheme;
  const char* host;
  bool allowed;
};

TEST(web_security, origin_check_table) {
  const std::vector<std::string> extra{"https://console.example.jp", "http://localhost:5173"};
  const origin_case cases[] = {
      {"http://127.0.0.1:8080", "http", "127.0.0.1:8080", true},
      {"HTTP://127.0.0.1:8080", "http", "127.0.0.1:8080", true},
      {"http://127.0.0.1:8081", "http", "127.0.0.1:8080", false},
      {"https://127.0.0.1:8080", "http", "127.0.0.1:8080", false},
      {"http://evil.example", "http", "127.0.0.1:8080", false},
      {"null", "http", "127.0.0.1:8080", false},
      {"", "http", "127.0.0.1:8080", false},
      {"http://127.0.0.1:8080/", "http", "127.0.0.1:8080", false},
      {"https://console.example.jp", "http", "127.0.0.1:8080", true},
      {"http://localhost:5173", "http", "127.0.0.1:8080", true},
      {"http://localhost:5174", "http", "127.0.0.1:8080", false},
      {"http://127.0.0.1:8080", "http", "", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(origin_allowed(c.origin, c.scheme, c.host, extra), c.allowed) << c.origin << " host " << c.host;
  }
}

TEST(web_security, security_headers_name_the_policy) {
  const auto& headers = browser_security_headers(false);
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[0].first, "Content-Security-Policy");
  EXPECT_NE(headers[0].second.find("frame-ancestors 'none'"), std::string_view::npos);
  EXPECT_EQ(headers[1].second, "DENY");
  EXPECT_EQ(headers[2].second, "no-referrer");
}

TEST(web_security, strict_transport_security_only_when_secure) {
  const auto& secure = browser_security_headers(true);
  ASSERT_EQ(secure.size(), 4u);
  EXPECT_EQ(secure[3].first, "Strict-Transport-Security");
  EXPECT_EQ(secure[3].second, "max-age=31536000");
  for (const auto& [name, value] : browser_security_headers(false)) {
    EXPECT_NE(name, "Strict-Transport-Security") << value;
  }
}

TEST(web_security, content_types) {
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("js/app.JS"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("vendor/chart.umd.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("icon.svg"), "image/svg+xml");
  EXPECT_EQ(content_type_for("dir.v2/README"), "application/octet-stream");
  EXPECT_EQ(content_type_for("blob"), "application/octet-stream");
}

TEST(web_security, static_paths_never_leave_the_folder) {
  for (const char* good : {"", "index.html", "js/app.js", "vendor/preact/preact.mjs", "a..b.js"}) {
    EXPECT_TRUE(is_safe_static_path(good)) << good;
  }
  for (const char* bad : {"..", "../etc/passwd", "js/../../x", "./index.html", "/etc/passwd", "js//app.js",
                          "js/", ".env", "js/.hidden", "a\\b", "%2e%2e/x", "js/."}) {
    EXPECT_FALSE(is_safe_static_path(bad)) << bad;
  }
  EXPECT_FALSE(is_safe_static_path(std::string_view("a\0b", 3)));
}

TEST(web_security, equal_secrets) {
  EXPECT_TRUE(equal_secrets("abc", "abc"));
  EXPECT_FALSE(equal_secrets("abc", "abd"));
  EXPECT_FALSE(equal_secrets("abc", "ab"));
  EXPECT_FALSE(equal_secrets("", "a"));
}

}  // namespace
}  // namespace yorisoi::gateway
