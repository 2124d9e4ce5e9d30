#include "handlers.hpp"

#include "async_storage.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

http_response healthz() {
  return text_response(200, "ok\n");
}

asio::awaitable<http_response> readyz(handler_context& context) {
  const storage::readiness state = co_await async_check_ready(context.store, asio::use_awaitable);
  boost::json::object body;
  body["ready"] = state.ready();
  body["database_reachable"] = state.database_reachable;
  body["migrations_applied"] = state.migrations_applied;
  if (!state.ready()) {
    body["reason"] = !state.database_reachable ? "database unreachable" : "migrations not applied";
  }
  co_return json_response(state.ready() ? 200 : 503, boost::json::serialize(body));
}

http_response metrics_text(handler_context& context) {
  http_response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = context.metrics.render(context.store.stats());
  return response;
}

}  // namespace

asio::awaitable<http_response> dispatch(handler_context& context, const route_match& match,
                                        const http_request& request) {
  switch (match.found->handler) {
    case handler_id::healthz:
      co_return healthz();
    case handler_id::readyz:
      co_return co_await readyz(context);
    case handler_id::metrics:
      co_return metrics_text(context);
    case handler_id::line_webhook:
      co_return co_await handle_line_webhook(context, match, request);
  }
  co_return text_response(500, "no handler\n");
}

}  // namespace yorisoi::gateway
