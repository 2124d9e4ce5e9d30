#include "http/handlers.hpp"

#include "api/api_common.hpp"
#include "api/async_storage.hpp"
#include "http/route_handler.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

// Room for at least a typical webhook: below this the spool cannot be what keeps us ready.
constexpr std::uint64_t spool_room_needed = 64 * 1024;

}  // namespace

asio::awaitable<http_response> handle_healthz(handler_context&, const route_match&, const http_request&) {
  co_return text_response(200, "ok\n");
}

// Ready when webhooks can be acknowledged: the database takes them, or the spool can (not broken,
// not full) until it is back. A probe only: it changes nothing (the spool replayer finds the database
// again by itself, within its backoff of at most 5 s).
asio::awaitable<http_response> handle_readyz(handler_context& context, const route_match&,
                                             const http_request&) {
  const storage::readiness state = co_await async_check_ready(context.store, asio::use_awaitable);
  const spool_stats spool = context.spool.stats();
  const std::uint64_t max_bytes = context.settings.server.spool.max_bytes;
  const bool spool_has_room = !spool.broken && spool.used_bytes + spool_room_needed <= max_bytes;
  const bool ready = state.ready() || spool_has_room;
  boost::json::object body;
  body["ready"] = ready;
  body["database_reachable"] = state.database_reachable;
  body["migrations_applied"] = state.migrations_applied;
  body["spool"] = {{"records", spool.depth.records},
                   {"bytes", spool.depth.bytes},
                   {"used_bytes", spool.used_bytes},
                   {"max_bytes", max_bytes},
                   {"broken", spool.broken}};
  if (!state.ready()) {
    body["reason"] = !state.database_reachable ? "database unreachable" : "migrations not applied";
  }
  co_return json_response(ready ? 200 : 503, boost::json::serialize(body));
}

asio::awaitable<http_response> handle_metrics(handler_context& context, const route_match&,
                                              const http_request&) {
  const spool_stats spool = context.spool.stats();
  http_response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = context.metrics.render(
      context.store.stats(),
      spool_gauges{spool.depth.records, spool.depth.bytes, spool.used_bytes, spool.broken});
  co_return response;
}

asio::awaitable<http_response> handle_stream(handler_context&, const route_match&, const http_request&) {
  co_return json_response(426, R"({"error":"bad_request","message":"WebSocket で接続してください。"})");
}

bool is_webhook_route(const route& r) noexcept {
  return r.handler == &handler_for<handle_line_webhook>;
}

bool is_stream_route(const route& r) noexcept {
  return r.handler == &handler_for<handle_stream>;
}

asio::awaitable<http_response> dispatch(handler_context& context, const route_match& match,
                                        const http_request& request) {
  const route_handler& handler = *match.found->handler;
  if (handler.api != nullptr) {
    co_return co_await run_api(context, match, request, handler.api);
  }
  co_return co_await handler.open(context, match, request);
}

}  // namespace yorisoi::gateway
