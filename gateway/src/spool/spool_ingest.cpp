#include "spool/spool_ingest.hpp"

#include "yorisoi/gateway/webhook_parser.hpp"
#include "yorisoi/routing/event_age.hpp"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <memory>
#include <mutex>

namespace yorisoi::gateway {

spool_ingest_plan plan_spool_ingest(const config::settings& settings, const spool_record& record) {
  spool_ingest_plan plan;
  const config::tenant* tenant = nullptr;
  const config::channel* channel = settings.find_channel(record.channel_key, &tenant);
  if (channel == nullptr || tenant == nullptr) {
    plan.reason = "unknown_channel";
    return plan;
  }
  if (tenant->id != record.tenant_id) {
    // The channel moved to another tenant since: storing it there would cross tenants.
    plan.reason = "tenant_mismatch";
    return plan;
  }
  webhook_parse_result parsed = parse_webhook(record.body);
  if (!parsed.ok()) {
    plan.reason = to_string(parsed.error);
    return plan;
  }
  if (!settings.server.accept_stale_events_for_replay) {
    routing::remove_stale_events(parsed.events, record.received_at_ms, tenant->retention);
  }
  if (parsed.events.empty()) {
    plan.what = spool_ingest_plan::kind::nothing_to_store;
    return plan;
  }
  plan.what = spool_ingest_plan::kind::ingest;
  plan.request.tenant_id = tenant->id;
  plan.request.channel_key = channel->key;
  plan.request.events = std::move(parsed.events);
  plan.request.received_unix_ms = record.received_at_ms;
  return plan;
}

namespace {

// One ingest's answer, shared with the storage callback (which may outlive the wait).
struct pending_answer {
  std::mutex mutex;
  std::condition_variable answered;
  std::optional<storage::ingest_result> result;
};

// Hands `requests` to storage in one commit and waits for the answer up to `timeout`.
spool_delivery store_all(storage::service& store, std::vector<storage::ingest_request> requests,
                         std::chrono::milliseconds timeout) {
  auto answer = std::make_shared<pending_answer>();
  try {
    store.ingest_all(std::move(requests), [answer](storage::ingest_result result) {
      std::lock_guard lock(answer->mutex);
      answer->result = result;
      answer->answered.notify_all();
    });
  } catch (const std::exception&) {
    return spool_delivery::retry_later;
  }
  std::unique_lock lock(answer->mutex);
  if (!answer->answered.wait_for(lock, timeout, [&] { return answer->result.has_value(); })) {
    return spool_delivery::retry_later;
  }
  return answer->result->outcome == storage::ingest_outcome::stored ? spool_delivery::stored
                                                                    : spool_delivery::retry_later;
}

void log_rejected(const config::settings& settings, const spool_record& record, std::string_view reason) {
  // Ids only: the channel key is configuration, the reason a fixed word.
  spdlog::error("spool: record of channel {} cannot be stored ({}): quarantined",
                settings.find_channel(record.channel_key) != nullptr ? record.channel_key : "(unknown)",
                reason);
}

}  // namespace

spool_batch_deliver make_spool_batch_deliver(const config::settings& settings, storage::service& store,
                                             std::chrono::milliseconds timeout) {
  return [&settings, &store, timeout](const std::vector<const spool_record*>& records) {
    std::vector<spool_delivery> out(records.size(), spool_delivery::retry_later);
    std::vector<storage::ingest_request> requests;
    std::vector<std::size_t> to_store;  // indexes of the records whose requests those are
    try {
      for (std::size_t i = 0; i < records.size(); ++i) {
        spool_ingest_plan plan = plan_spool_ingest(settings, *records[i]);
        if (plan.what == spool_ingest_plan::kind::rejected) {
          log_rejected(settings, *records[i], plan.reason);
          out[i] = spool_delivery::rejected;
        } else if (plan.what == spool_ingest_plan::kind::nothing_to_store) {
          out[i] = spool_delivery::stored;
        } else {
          requests.push_back(std::move(plan.request));
          to_store.push_back(i);
        }
      }
    } catch (const std::exception&) {
      // bad_alloc: nothing is wrong with the records themselves.
      return std::vector<spool_delivery>(records.size(), spool_delivery::retry_later);
    }
    if (!requests.empty()) {
      const spool_delivery stored = store_all(store, std::move(requests), timeout);
      for (const std::size_t i : to_store) {
        out[i] = stored;
      }
    }
    return out;
  };
}

spool_deliver make_spool_deliver(const config::settings& settings, storage::service& store,
                                 std::chrono::milliseconds timeout) {
  return [&settings, &store, timeout](const spool_record& record) -> spool_delivery {
    spool_ingest_plan plan;
    try {
      plan = plan_spool_ingest(settings, record);
    } catch (const std::exception&) {
      return spool_delivery::retry_later;  // bad_alloc: nothing is wrong with the record itself
    }
    if (plan.what == spool_ingest_plan::kind::rejected) {
      log_rejected(settings, record, plan.reason);
      return spool_delivery::rejected;
    }
    if (plan.what == spool_ingest_plan::kind::nothing_to_store) {
      return spool_delivery::stored;
    }
    std::vector<storage::ingest_request> one;
    try {
      one.push_back(std::move(plan.request));
    } catch (const std::exception&) {
      return spool_delivery::retry_later;
    }
    return store_all(store, std::move(one), timeout);
  };
}

}  // namespace yorisoi::gateway
