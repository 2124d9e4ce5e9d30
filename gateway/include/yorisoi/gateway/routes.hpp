#pragma once
// The gateway's route table: data, enumerable, so that tests (and the console's authorisation matrix)
// can walk every route, and the one place a route is declared: its pattern, its permission and its
// handler, which dispatch (handlers.cpp) calls. Matching is pure and thread-safe.
//
// A pattern is a path whose segments are literals or `{name}` placeholders, which match exactly one
// non-empty segment; a last segment `{name...}` matches the rest of the path (possibly empty, slashes
// included). Each route carries the permission its handler requires (none for health, metrics, the
// webhook, login, static files and tracked links), so that the authorisation matrix is generated from
// this table.

#include "yorisoi/routing/access.hpp"
#include "yorisoi/routing/account_gate.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yorisoi::gateway {

// Which function serves a route: bound in the table (routes.cpp) beside the route's permission, defined
// by the server library (route_handler.hpp). Opaque here, so that this header carries no Asio.
struct route_handler;

struct route {
  std::string_view method;   // "GET", "POST", …
  std::string_view pattern;  // "/webhook/line/{channel_key}"
  std::string_view name;     // stable, used as a metrics label
  const route_handler* handler = nullptr;
  std::optional<routing::permission> permission;  // checked before the handler runs; none = public
  // What the route is to a session with an unfinished account set-up (routing/account_gate.hpp): most
  // routes are `other`, refused until the pending step is taken.
  routing::account_step account_step = routing::account_step::other;
};

[[nodiscard]] const std::vector<route>& routes();

struct route_match {
  const route* found = nullptr;                             // null: no route for this method
  std::vector<std::pair<std::string, std::string>> params;  // placeholder name -> segment
  std::string allow;  // when the path matched other methods only: "GET, POST" (answer 405)

  [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const;
};

// "own_account", "work_consultations", … (the names used by `yorisoi routes` and the OpenAPI file).
[[nodiscard]] std::string_view to_string(routing::permission what) noexcept;

// The table as JSON: [{"method","pattern","name","permission"(string|null)}], in table order.
[[nodiscard]] std::string routes_json();

// `path` is the request target without its query string.
[[nodiscard]] route_match match_route(std::string_view method, std::string_view path);

}  // namespace yorisoi::gateway
