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

// Room for at least a typical webhook: below this the spool cannot be what keeps us ready.
constexpr std::uint64_t spool_room_needed = 64 * 1024;

// Ready when webhooks can be acknowledged: the database takes them, or the spool can (not broken,
// not full) until it is back. A probe only: it changes nothing (the spool replayer finds the database
// again by itself, within its backoff of at most 5 s).
asio::awaitable<http_response> readyz(handler_context& context) {
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

http_response metrics_text(handler_context& context) {
  const spool_stats spool = context.spool.stats();
  http_response response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = context.metrics.render(
      context.store.stats(),
      spool_gauges{spool.depth.records, spool.depth.bytes, spool.used_bytes, spool.broken});
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
    case handler_id::root_redirect:
    case handler_id::console_redirect:
    case handler_id::console_file:
      co_return handle_console_file(context, match);
    case handler_id::api_login:
    case handler_id::api_session:
    case handler_id::api_logout:
    case handler_id::api_logout_everywhere:
    case handler_id::api_change_password:
    case handler_id::api_tenant:
    case handler_id::api_totp_begin:
    case handler_id::api_totp_confirm:
    case handler_id::api_totp_disable:
    case handler_id::api_staff_totp_reset:
    case handler_id::api_staff_list:
    case handler_id::api_staff_create:
    case handler_id::api_staff_update:
    case handler_id::api_staff_role_confirm:
    case handler_id::api_staff_role_cancel:
    case handler_id::api_queue:
    case handler_id::api_queue_counts:
    case handler_id::api_queue_row:
    case handler_id::api_consultation:
    case handler_id::api_claim:
    case handler_id::api_release:
    case handler_id::api_transfer:
    case handler_id::api_reply:
    case handler_id::api_tags:
    case handler_id::api_add_note:
    case handler_id::api_close:
    case handler_id::api_reopen:
    case handler_id::api_events:
    case handler_id::api_assignees:
    case handler_id::api_referrals_list:
    case handler_id::api_referral_propose:
    case handler_id::api_referral_consent:
    case handler_id::api_referral_withdraw:
    case handler_id::api_referral_emergency:
    case handler_id::api_referral_close:
    case handler_id::api_officer_inbox:
    case handler_id::api_officer_referral:
    case handler_id::api_officer_forward:
    case handler_id::api_officer_answer:
    case handler_id::api_officer_return:
    case handler_id::api_report_summary:
    case handler_id::api_report_csv:
      co_return co_await handle_api(context, match, request);
    case handler_id::link_redirect:
      co_return co_await handle_link_redirect(context, match, request);
    case handler_id::api_stream:
      // Reached only without an upgrade (the session upgrades real WebSocket requests itself).
      co_return json_response(426, R"({"error":"bad_request","message":"WebSocket で接続してください。"})");
  }
  co_return text_response(500, "no handler\n");
}

}  // namespace yorisoi::gateway
