#pragma once
// What serves a route (the `handler` of each entry of the route table, routes.cpp): a console API
// handler, run after admission with the admitted caller, or a public one, run as the request comes.
// No Beast here.

#include "http/http_message.hpp"

#include <boost/asio/awaitable.hpp>

namespace yorisoi::gateway {

struct handler_context;
struct route_match;
struct api_call;  // api_common.hpp: the admitted caller, the route's match and the request

// A console API route's handler: admission (Origin, session, CSRF, account gate, the route's
// permission) has passed before it runs (run_api, api_common.cpp).
using api_handler = boost::asio::awaitable<http_response> (*)(handler_context&, const api_call&);
// A public route's handler (health, metrics, the webhook, console files, login, tracked links, the
// stream's answer to a request without an upgrade): no admission; it judges the request itself.
using public_handler = boost::asio::awaitable<http_response> (*)(handler_context&, const route_match&,
                                                                 const http_request&);

// Exactly one of the two is set.
struct route_handler {
  api_handler api = nullptr;
  public_handler open = nullptr;
};

namespace detail {
constexpr route_handler bind_handler(api_handler handler) {
  return route_handler{handler, nullptr};
}
constexpr route_handler bind_handler(public_handler handler) {
  return route_handler{nullptr, handler};
}
}  // namespace detail

// The binding of one handler function, one object per function: the table entry points at it
// (`&handler_for<handle_claim>`), and a function of neither signature does not compile.
template <auto Handler>
inline constexpr route_handler handler_for = detail::bind_handler(Handler);

}  // namespace yorisoi::gateway
