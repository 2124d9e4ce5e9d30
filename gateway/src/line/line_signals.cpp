#include "line/line_signals.hpp"

#include "line/line_client.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace yorisoi::gateway {
namespace asio = boost::asio;

namespace {

// What is remembered of one consultation.
struct remembered {
  std::string read_token;  // the token last sent (sensitive: never logged)
  std::optional<std::chrono::steady_clock::time_point> loading_started;
  std::uint64_t touched = 0;  // recency, for forgetting
};

std::string_view outcome_of(const line_answer& answer) {
  return answer.status >= 200 && answer.status < 300 ? "sent" : "failed";
}

}  // namespace

struct line_signals::core : std::enable_shared_from_this<core> {
  core(asio::io_context& io, const config::settings& s, gateway::metrics& m, line_signal_options o)
      : settings(s),
        metrics(m),
        options(o),
        strand(asio::make_strand(io)),
        client(strand, line_http_options{s.line.api_base, o.connect_timeout, o.total_timeout}) {}

  const config::settings& settings;
  gateway::metrics& metrics;
  line_signal_options options;
  asio::strand<asio::io_context::executor_type> strand;
  line_client client;  // strand only
  std::atomic<std::size_t> in_flight{0};

  std::mutex mutex;  // guards the members below
  std::unordered_map<std::string, remembered> consultations;
  std::uint64_t clock = 0;

  // The channel `key` when it belongs to tenant `tenant_id`, else null.
  const config::channel* channel_of(const std::string& tenant_id, const std::string& key) const {
    const config::tenant* owner = nullptr;
    const config::channel* channel = settings.find_channel(key, &owner);
    return channel != nullptr && owner != nullptr && owner->id == tenant_id ? channel : nullptr;
  }

  // The entry of a consultation (mutex held), forgetting the least recent half when full.
  remembered& entry(const std::string& key) {
    if (consultations.size() >= options.max_remembered && consultations.find(key) == consultations.end()) {
      const std::uint64_t keep_after = clock - options.max_remembered / 2;
      std::erase_if(consultations, [&](const auto& item) { return item.second.touched <= keep_after; });
    }
    remembered& e = consultations[key];
    e.touched = ++clock;
    return e;
  }

  // A read mark that was not delivered is forgotten, so that the next opening tries again.
  void forget_read(const std::string& key, const std::string& token) {
    std::lock_guard lock(mutex);
    if (auto found = consultations.find(key); found != consultations.end() && found->second.read_token == token) {
      found->second.read_token.clear();
    }
  }

  bool reserve() {
    if (in_flight.fetch_add(1) >= options.max_in_flight) {
      in_flight.fetch_sub(1);
      return false;
    }
    return true;
  }

  void finished(std::string_view signal, const line_answer& answer) {
    in_flight.fetch_sub(1);
    const std::string_view outcome = outcome_of(answer);
    metrics.count_line_signal(signal, outcome);
    if (outcome != "sent") {
      // LINE's status and request id, or why there was no answer: never the token or the user id.
      spdlog::warn("line signal {} failed: status={} request_id={}{}{}", signal, answer.status, answer.request_id,
                   answer.transport_error.empty() ? "" : " transport=", answer.transport_error);
    }
  }

  // Coroutines take their values as parameters (copied into the frame), never as lambda captures.
  static asio::awaitable<void> read_task(std::shared_ptr<core> self, std::string key, std::string access_token,
                                         std::string token) {
    const line_answer answer = co_await self->client.mark_as_read(access_token, token);
    if (outcome_of(answer) != "sent") {
      self->forget_read(key, token);
    }
    self->finished("read", answer);
  }

  static asio::awaitable<void> loading_task(std::shared_ptr<core> self, std::string access_token,
                                            std::string chat_id) {
    const line_answer answer = co_await self->client.start_loading(access_token, chat_id, routing::loading_seconds);
    self->finished("typing", answer);
  }

  void send_read(const std::string& key, const std::string& access_token, const std::string& token) {
    asio::co_spawn(strand, read_task(shared_from_this(), key, access_token, token), asio::detached);
  }

  void send_loading(const std::string& access_token, const std::string& chat_id) {
    asio::co_spawn(strand, loading_task(shared_from_this(), access_token, chat_id), asio::detached);
  }
};

line_signals::line_signals(asio::io_context& io, const config::settings& settings, gateway::metrics& metrics,
                           line_signal_options options)
    : core_(std::make_shared<core>(io, settings, metrics, options)) {}

line_signals::~line_signals() = default;

bool line_signals::marks_read(const config::tenant& tenant) noexcept {
  for (const auto& channel : tenant.channels) {
    if (channel.read_marks == config::read_marks::on_open) {
      return true;
    }
  }
  return false;
}

routing::read_mark_decision line_signals::read(const std::string& tenant_id, const std::string& consultation_id,
                                               const storage::line_chat& chat, bool by_person) {
  const config::channel* channel = core_->channel_of(tenant_id, chat.channel_key);
  const std::string key = tenant_id + "/" + consultation_id;
  routing::read_mark_decision decision = routing::read_mark_decision::off;
  {
    std::lock_guard lock(core_->mutex);
    const auto known = core_->consultations.find(key);
    routing::read_mark_facts facts;
    facts.channel_marks_on_open = channel != nullptr && channel->read_marks == config::read_marks::on_open;
    facts.by_person = by_person;
    facts.consultation_open = chat.open;
    facts.newest_token = chat.read_token;
    facts.last_sent_token = known == core_->consultations.end() ? std::string_view() : known->second.read_token;
    decision = routing::decide_read_mark(facts);
    if (decision == routing::read_mark_decision::send) {
      core_->entry(key).read_token = chat.read_token;
    }
  }
  if (decision == routing::read_mark_decision::already_marked) {
    core_->metrics.count_line_signal("read", "skipped");
  }
  if (decision != routing::read_mark_decision::send) {
    return decision;
  }
  if (!core_->reserve()) {
    core_->forget_read(key, chat.read_token);
    core_->metrics.count_line_signal("read", "dropped");
    return decision;
  }
  core_->send_read(key, channel->access_token, chat.read_token);
  return decision;
}

bool line_signals::typing(const std::string& tenant_id, const std::string& consultation_id,
                          const storage::line_chat& chat) {
  const config::channel* channel = core_->channel_of(tenant_id, chat.channel_key);
  if (channel == nullptr || chat.line_user_id.empty()) {
    return false;
  }
  const std::string key = tenant_id + "/" + consultation_id;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(core_->mutex);
    remembered& e = core_->entry(key);
    if (!routing::typing_due(e.loading_started, now)) {
      core_->metrics.count_line_signal("typing", "throttled");
      return false;
    }
    e.loading_started = now;
  }
  if (!core_->reserve()) {
    core_->metrics.count_line_signal("typing", "dropped");
    return false;
  }
  core_->send_loading(channel->access_token, chat.line_user_id);
  return true;
}

}  // namespace yorisoi::gateway
