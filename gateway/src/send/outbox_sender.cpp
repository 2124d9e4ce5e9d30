#include "send/outbox_sender.hpp"

#include "api/async_storage.hpp"
#include "send/leased_claim_loop.hpp"
#include "line/line_client.hpp"
#include "yorisoi/gateway/line_outcome.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include <random>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

struct send_result {
  line_call via = line_call::push;
  line_answer answer;
  line_verdict verdict;
  bool unconfirmed = false;  // counted as sent without LINE's confirmation
};

}  // namespace

struct outbox_sender::impl {
  impl(asio::io_context& io, const config::settings& s, storage::service& st, gateway::metrics& m,
       outbox_sender_options o)
      : settings(s),
        store(st),
        metrics(m),
        options(o),
        strand(asio::make_strand(io)),
        client(strand, line_http_options{s.line.api_base, o.connect_timeout, o.total_timeout}),
        loop(strand, {"outbox", o.max_in_flight, o.poll,
                      [this](std::size_t limit) {
                        return async_claim_outbox(store, limit, options.lease, asio::use_awaitable);
                      },
                      [this](storage::outbox_item item) { return send_one(std::move(item)); },
                      [this] { client.close_idle(); }}) {}

  const config::settings& settings;
  storage::service& store;
  gateway::metrics& metrics;
  outbox_sender_options options;
  asio::strand<asio::io_context::executor_type> strand;
  line_client client;
  leased_claim_loop<storage::outbox_item> loop;
  std::mt19937_64 random{std::random_device{}()};

  asio::awaitable<send_result> deliver(const storage::outbox_item& item, const std::string& access_token) {
    send_result result;
    if (!item.reply_token.empty()) {
      result.via = line_call::reply;
      result.answer = co_await client.reply(access_token, item.reply_token, item.messages_json);
      result.verdict = classify(line_call::reply, result.answer);
      if (!result.verdict.invalid_reply_token) {
        co_return result;
      }
      if (!fall_back_to_push(item.previous_attempt_unknown, item.previous_via)) {
        // An earlier reply of unknown outcome may have been delivered and used the token: a push
        // now could deliver the messages twice, so the earlier reply is taken as delivered.
        result.verdict.outcome = send_outcome::sent;
        result.verdict.error = "reply unconfirmed: an earlier reply may have been delivered";
        result.unconfirmed = true;
        co_return result;
      }
    }
    result.via = line_call::push;
    result.answer = co_await client.push(access_token, item.line_user_id, item.messages_json, item.outbox_id);
    result.verdict = classify(line_call::push, result.answer);
    co_return result;
  }

  asio::awaitable<void> send_one(storage::outbox_item item) {
    const auto started = std::chrono::steady_clock::now();
    storage::outbox_report report;
    report.tenant_id = item.tenant_id;
    report.outbox_id = item.outbox_id;
    send_result result;
    const config::channel* channel = settings.find_channel(item.channel_key);
    if (channel == nullptr) {
      // The channel left the configuration: nothing can send this row.
      result.verdict.outcome = send_outcome::failed;
      result.verdict.error = "channel not configured: " + item.channel_key;
    } else {
      result = co_await deliver(item, channel->access_token);
    }
    report.outcome = to_storage(result.verdict.outcome);
    report.via = std::string(to_string(result.via));
    report.http_status = result.answer.status;
    report.error = result.verdict.error;
    report.request_id = result.verdict.request_id;
    std::chrono::milliseconds delay{0};
    if (result.verdict.outcome == send_outcome::retry) {
      const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random);
      delay = retry_delay(item.attempts, result.verdict.retry_after, unit);
      report.retry_at = std::chrono::system_clock::now() + delay;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    metrics.count_outbox_send(report.via, to_string(result.verdict.outcome));
    metrics.observe_outbox_send_seconds(seconds);
    // Ids and outcomes only: never the messages, tokens or the user id.
    spdlog::info(
        "outbox send outbox_id={} tenant={} via={} status={} outcome={}{} attempt={} retry_in_ms={} "
        "latency_ms={:.1f}{}{}",
        report.outbox_id, report.tenant_id, report.via, report.http_status, to_string(result.verdict.outcome),
        result.unconfirmed ? " (unconfirmed)" : "", item.attempts, delay.count(), seconds * 1000,
        report.error.empty() ? "" : " error=", report.error);
    const bool recorded = co_await async_complete_outbox(store, std::move(report), asio::use_awaitable);
    if (!recorded) {
      // The lease runs out and the row is claimed again; a push meets its retry key (409) then.
      spdlog::warn("outbox: outcome of {} not recorded; the row is retried after its lease", item.outbox_id);
    }
  }
};

outbox_sender::outbox_sender(asio::io_context& io, const config::settings& settings, storage::service& store,
                             gateway::metrics& metrics, outbox_sender_options options)
    : impl_(std::make_unique<impl>(io, settings, store, metrics, options)) {}

outbox_sender::~outbox_sender() = default;

void outbox_sender::start() {
  impl_->loop.start();
}

void outbox_sender::notify() {
  impl_->loop.notify();
}

void outbox_sender::stop(std::function<void()> drained) {
  impl_->loop.stop(std::move(drained));
}

}  // namespace yorisoi::gateway
