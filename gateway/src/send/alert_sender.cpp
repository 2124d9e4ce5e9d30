#include "send/alert_sender.hpp"

#include "api/async_storage.hpp"
#include "send/leased_claim_loop.hpp"
#include "line/line_http.hpp"
#include "yorisoi/gateway/alert_payload.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include <map>
#include <random>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

std::string_view metric_outcome(send_outcome outcome) {
  switch (outcome) {
    case send_outcome::sent:
      return "sent";
    case send_outcome::retry:
      return "retried";
    case send_outcome::failed:
      return "failed";
  }
  return "retried";
}

struct receiver {
  const config::alert_settings* settings = nullptr;
  std::unique_ptr<line_http> http;
};

}  // namespace

struct alert_sender::impl {
  impl(asio::io_context& io, const config::settings& s, storage::service& st, gateway::metrics& m,
       alert_sender_options o)
      : store(st),
        metrics(m),
        options(o),
        strand(asio::make_strand(io)),
        loop(strand, {"alert", o.max_in_flight, o.poll,
                      [this](std::size_t limit) {
                        return async_claim_alerts(store, limit, options.lease, asio::use_awaitable);
                      },
                      [this](storage::alert_item item) { return send_one(std::move(item)); },
                      [this] {
                        for (auto& [tenant, r] : receivers) {
                          r.http->close_idle();
                        }
                      }}) {
    for (const auto& tenant : s.tenants) {
      if (tenant.alert) {
        receivers[tenant.id] =
            receiver{&*tenant.alert,
                     std::make_unique<line_http>(
                         strand, line_http_options{tenant.alert->url, o.connect_timeout, o.total_timeout})};
      }
    }
  }

  storage::service& store;
  gateway::metrics& metrics;
  alert_sender_options options;
  asio::strand<asio::io_context::executor_type> strand;
  std::map<std::string, receiver> receivers;  // by tenant id
  leased_claim_loop<storage::alert_item> loop;
  std::mt19937_64 random{std::random_device{}()};

  asio::awaitable<line_answer> deliver(receiver& target, const storage::alert_item& item) {
    const std::string body = alert_body({item.alert_id, item.tenant_id, item.kind, item.resident_label,
                                         item.consultation_id, item.occurred_at},
                                        target.settings->console_base_url);
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    const std::string timestamp =
        std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count());
    http_post post{"",
                   {{"X-Yorisoi-Alert-Id", item.alert_id},
                    {"X-Yorisoi-Timestamp", timestamp},
                    {"X-Yorisoi-Signature", alert_signature(target.settings->secret, timestamp, body)}},
                   body,
                   true};
    co_return co_await target.http->post(std::move(post));
  }

  asio::awaitable<void> send_one(storage::alert_item item) {
    storage::alert_report report;
    report.tenant_id = item.tenant_id;
    report.alert_id = item.alert_id;
    report.attempt = item.attempt;
    line_answer answer;
    send_outcome outcome = send_outcome::failed;
    const auto found = receivers.find(item.tenant_id);
    if (found == receivers.end()) {
      report.error = "tenant has no [tenant.alert]";  // removed from the configuration since
    } else {
      answer = co_await deliver(found->second, item);
      outcome = classify_alert_answer(answer.status);
      report.error = answer.status == 0 ? answer.transport_error : "";
    }
    report.outcome = to_storage(outcome);
    report.http_status = answer.status;
    std::chrono::milliseconds delay{0};
    if (outcome == send_outcome::retry) {
      const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(random);
      delay = retry_delay(item.attempt, answer.retry_after, unit);
      report.retry_at = std::chrono::system_clock::now() + delay;
    }
    metrics.count_alert_send(metric_outcome(outcome));
    // Ids and outcomes only: the receiver's answer body is not logged.
    spdlog::info(
        "alert send alert_id={} tenant={} consultation_id={} kind={} status={} outcome={} attempt={} "
        "retry_in_ms={}{}{}",
        item.alert_id, item.tenant_id, item.consultation_id, item.kind, answer.status,
        metric_outcome(outcome), item.attempt, delay.count(),
        report.error.empty() ? "" : " error=", report.error);
    const bool recorded = co_await async_complete_alert(store, std::move(report), asio::use_awaitable);
    if (!recorded) {
      spdlog::warn("alert: outcome of {} not recorded; the alert is retried after its lease", item.alert_id);
    }
  }
};

alert_sender::alert_sender(asio::io_context& io, const config::settings& settings, storage::service& store,
                           gateway::metrics& metrics, alert_sender_options options)
    : impl_(std::make_unique<impl>(io, settings, store, metrics, options)) {}

alert_sender::~alert_sender() = default;

void alert_sender::start() {
  if (impl_->receivers.empty()) {
    return;  // no tenant has alerts: nothing to claim, ever
  }
  impl_->loop.start();
}

void alert_sender::notify() {
  impl_->loop.notify();
}

void alert_sender::stop(std::function<void()> drained) {
  impl_->loop.stop(std::move(drained));
}

}  // namespace yorisoi::gateway
