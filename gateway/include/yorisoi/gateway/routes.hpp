#pragma once
// The gateway's route table: data, enumerable, so that tests (and later the console's authorisation
// matrix) can walk every route. Matching is pure and thread-safe.
//
// A pattern is a path whose segments are literals or `{name}` placeholders, which match exactly one
// non-empty segment.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace yorisoi::gateway {

// Which handler serves a route. A new handler adds a value here, and the dispatch switch (without a
// default) warns until it is handled.
enum class handler_id {
  healthz,
  readyz,
  metrics,
  line_webhook,
};

struct route {
  std::string_view method;   // "GET", "POST", …
  std::string_view pattern;  // "/webhook/line/{channel_key}"
  std::string_view name;     // stable, used as a metrics label
  handler_id handler;
};

[[nodiscard]] const std::vector<route>& routes();

struct route_match {
  const route* found = nullptr;                             // null: no route for this method
  std::vector<std::pair<std::string, std::string>> params;  // placeholder name -> segment
  std::string allow;  // when the path matched other methods only: "GET, POST" (answer 405)

  [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const;
};

// `path` is the request target without its query string.
[[nodiscard]] route_match match_route(std::string_view method, std::string_view path);

}  // namespace yorisoi::gateway
