// POST /webhook/line/{channel_key}: verify, parse, store durably, then answer.
//
// Durably means in PostgreSQL, or — when the database cannot take it within ingest_deadline — in the
// webhook spool (fsynced), from where the replayer moves it into the database later. While the spool
// holds anything, new webhooks go there too (spool.hpp's ordering rule), so that a resident's later
// message is never stored before an earlier spooled one. Neither possible: 503 with Retry-After, and
// LINE redelivers.
#include "spool/async_spool.hpp"
#include "http/handlers.hpp"
#include "yorisoi/gateway/line_signature.hpp"
#include "yorisoi/gateway/webhook_parser.hpp"
#include "yorisoi/routing/event_age.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

struct outcome_line {
  std::string_view channel_key;
  std::size_t events = 0;
  std::size_t inserted = 0;
  std::size_t duplicates = 0;
  std::size_t stale = 0;
  std::string_view reason;
};

// Verified against when the URL names no channel, only to spend the same work; the result is unused.
constexpr std::string_view unknown_channel_secret = "unknown-channel";

http_response invalid_signature_response() {
  return json_response(401, R"({"error":"invalid signature"})");
}

// LINE wants an answer within 2 s: the direct ingest gets this long, the spool's fdatasync the rest.
constexpr std::chrono::milliseconds ingest_deadline{1200};

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// One log line per webhook outcome: ids and counts only, never text, user ids or tokens.
void log_outcome(const outcome_line& line, unsigned status, std::chrono::steady_clock::time_point received) {
  const auto latency = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - received);
  spdlog::info(
      "webhook channel={} events={} inserted={} duplicates={} stale={} status={} reason={} latency_ms={:.2f}",
      line.channel_key, line.events, line.inserted, line.duplicates, line.stale, status, line.reason,
      latency.count());
}

// Appends the verified request to the spool and answers 200 once it is on disk, else 503.
asio::awaitable<http_response> spool_webhook(handler_context& context, const config::tenant& tenant,
                                             const config::channel& channel, const http_request& request,
                                             outcome_line& line, std::string_view stored_reason) {
  spool_record record{tenant.id, channel.key, unix_ms_now(), request.body};
  const spool_append_status status =
      co_await async_spool_append(context.spool_pool, context.spool, std::move(record), asio::use_awaitable);
  context.metrics.observe_webhook_seconds(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - request.received).count());
  if (status == spool_append_status::stored) {
    context.metrics.count_spool_append("stored");
    context.replayer.notify_appended();
    line.reason = stored_reason;
    log_outcome(line, 200, request.received);
    co_return json_response(200, "{}");
  }
  const bool full = status == spool_append_status::full;
  context.metrics.count_spool_append(full ? "full" : "failed");
  line.reason = full ? "storage_unavailable_spool_full" : "storage_unavailable_spool_failed";
  context.metrics.count_events("rejected", line.events);
  log_outcome(line, 503, request.received);
  http_response response = json_response(503, R"({"error":"storage unavailable"})");
  response.headers.emplace_back("Retry-After", "1");
  co_return response;
}

}  // namespace

asio::awaitable<http_response> handle_line_webhook(handler_context& context, const route_match& match,
                                                   const http_request& request) {
  outcome_line line;
  line.channel_key = match.param("channel_key").value_or("");
  const config::tenant* tenant = nullptr;
  const config::channel* channel = context.settings.find_channel(line.channel_key, &tenant);
  const std::optional<std::string_view> header =
      request.line_signature ? std::optional<std::string_view>(*request.line_signature) : std::nullopt;
  if (channel == nullptr || tenant == nullptr) {
    // Answered exactly like a bad signature, after the same HMAC work, so that probing cannot tell
    // which channel keys exist. The key came from the URL: keep attacker-chosen text out of the log.
    static_cast<void>(verify_line_signature(unknown_channel_secret, request.body, header));
    line.channel_key = "(unknown)";
    line.reason = "unknown_channel";
    log_outcome(line, 401, request.received);
    co_return invalid_signature_response();
  }

  // The signature is checked on the raw bytes before anything parses them.
  const signature_status signature = verify_line_signature(channel->secret, request.body, header);
  if (signature != signature_status::valid) {
    line.reason = to_string(signature);
    log_outcome(line, 401, request.received);
    co_return invalid_signature_response();
  }

  webhook_parse_result parsed = parse_webhook(request.body);
  if (!parsed.ok()) {
    line.reason = to_string(parsed.error);
    log_outcome(line, 400, request.received);
    co_return json_response(400, R"({"error":"malformed webhook body"})");
  }
  line.events = parsed.events.size();
  if (parsed.events.empty()) {
    // LINE's "Verify" button sends no events: answer without touching the database.
    line.reason = "verification";
    log_outcome(line, 200, request.received);
    co_return json_response(200, "{}");
  }

  // Older than the window in which redeliveries are recognised: answered 200 (LINE would redeliver a
  // refusal for ever) but not stored. A spooled body keeps them; the replay drops them the same way.
  if (!context.settings.server.accept_stale_events_for_replay) {
    line.stale = routing::remove_stale_events(parsed.events, unix_ms_now(), tenant->retention);
    context.metrics.count_stale_events(line.stale);
    if (parsed.events.empty()) {
      line.reason = "stale";
      log_outcome(line, 200, request.received);
      co_return json_response(200, "{}");
    }
  }

  if (!context.spool.empty()) {
    co_return co_await spool_webhook(context, *tenant, *channel, request, line, "spooled_behind");
  }
  storage::ingest_request ingest;
  ingest.tenant_id = tenant->id;
  ingest.channel_key = channel->key;
  ingest.events = std::move(parsed.events);
  const storage::ingest_result result =
      co_await async_ingest_within(context.store, std::move(ingest), ingest_deadline, asio::use_awaitable);

  if (result.outcome == storage::ingest_outcome::stored) {
    context.metrics.observe_webhook_seconds(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - request.received).count());
    line.inserted = result.inserted;
    line.duplicates = result.duplicates;
    line.reason = "stored";
    context.metrics.count_events("inserted", result.inserted);
    context.metrics.count_events("duplicate", result.duplicates);
    log_outcome(line, 200, request.received);
    co_return json_response(200, "{}");
  }
  co_return co_await spool_webhook(context, *tenant, *channel, request, line, "spooled");
}

}  // namespace yorisoi::gateway
