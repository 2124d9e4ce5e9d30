#pragma once
// Helpers for the routing, outbox and queue tests: the pilot's rules, events at a given Japan time,
// and synchronous wrappers around the outbox and queue callbacks.

#include "storage_pg_support.hpp"

#include "yorisoi/routing/inbound.hpp"

#include <boost/json/parse.hpp>

namespace yorisoi::storage::pgtest {

// Milliseconds since the epoch of a Japan-time instant (JST = UTC+9, no daylight saving time).
inline std::int64_t jst_ms(int y, int mo, int d, int h, int mi) {
  const auto day = std::chrono::sys_days{std::chrono::year{y} / mo / d};
  const auto t = day + std::chrono::hours{h - 9} + std::chrono::minutes{mi};
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

inline std::chrono::system_clock::time_point jst_point(int y, int mo, int d, int h, int mi) {
  return std::chrono::system_clock::time_point{std::chrono::milliseconds{jst_ms(y, mo, d, h, mi)}};
}

// Like the Yamagata pilot: weekdays 18:00–21:00, intake 2023-02-16 … 02-27, answers until 02-28.
inline routing::tenant_rules pilot_rules() {
  routing::tenant_rules r;
  r.schedule.windows = {{{1, 2, 3, 4, 5}, 18 * 60, 21 * 60}};
  r.schedule.intake_start = routing::civil_date{2023, 2, 16};
  r.schedule.intake_end = routing::civil_date{2023, 2, 27};
  r.schedule.answers_until = routing::civil_date{2023, 2, 28};
  r.texts.greeting = "友だち追加ありがとうございます。小さなお悩みでもどうぞ。";
  r.texts.off_hours = "ただいま受付時間外です。「{next_window}」以降に順にお返事します。";
  r.texts.out_of_service = "受付期間外です。{other_contacts}";
  r.texts.crisis = "いのちの電話 0120-783-556";
  r.texts.age_question = "よろしければ年代を教えてください。";
  r.texts.other_contacts = "よりそいホットライン 0120-279-338";
  r.texts.age_bands = {"10代", "20代", "30代", "40代", "50代", "60代", "70代以上"};
  r.risk = routing::risk_matcher({"死にたい", "消えたい", "自殺", "リストカット"});
  return r;
}

struct event_spec {
  std::string webhook_event_id;
  std::string type = "message";
  std::string user_id = "U1";
  std::int64_t timestamp_ms = 0;
  std::string reply_token;  // empty: none
  bool standby = false;
  std::string message_id;  // message events
  std::string text;        // text messages
  std::string postback_data;
};

// A faithful webhook event object for `spec` (texts must need no JSON escaping).
inline routing::line_event event_of(const event_spec& s) {
  routing::line_event ev;
  ev.webhook_event_id = s.webhook_event_id;
  ev.type = routing::line_event_type_from(s.type);
  ev.type_name = s.type;
  ev.mode = s.standby ? routing::line_event_mode::standby : routing::line_event_mode::active;
  ev.timestamp_ms = s.timestamp_ms;
  ev.source_type = "user";
  ev.source_user_id = s.user_id;
  ev.reply_token = s.reply_token;
  std::string json = R"({"type":")" + s.type + R"(","mode":")" + (s.standby ? "standby" : "active") +
                     R"(","timestamp":)" + std::to_string(s.timestamp_ms) + R"(,"webhookEventId":")" +
                     s.webhook_event_id +
                     R"(","deliveryContext":{"isRedelivery":false},"source":{"type":"user",)" +
                     R"("userId":")" + s.user_id + "\"}";
  if (!s.reply_token.empty()) {
    json += R"(,"replyToken":")" + s.reply_token + "\"";
  }
  if (s.type == "message") {
    ev.message_type = "text";
    ev.message_id = s.message_id;
    ev.text = s.text;
    json += R"(,"message":{"type":"text","id":")" + s.message_id + R"(","text":")" + s.text + "\"}";
  }
  if (s.type == "postback") {
    ev.postback_data = s.postback_data;
    json += R"(,"postback":{"data":")" + s.postback_data + "\"}";
  }
  ev.raw_json = json + "}";
  return ev;
}

inline routing::line_event text_at(const std::string& id, std::int64_t ms, const std::string& text,
                                   const std::string& user = "U1") {
  event_spec s;
  s.webhook_event_id = id;
  s.user_id = user;
  s.timestamp_ms = ms;
  s.reply_token = "rt-" + id;
  s.message_id = "m-" + id;
  s.text = text;
  return event_of(s);
}

template <typename T>
T await_callback(const std::function<void(std::function<void(T)>)>& call, const char* what) {
  auto p = std::make_shared<std::promise<T>>();
  auto f = p->get_future();
  call([p](T value) { p->set_value(std::move(value)); });
  if (f.wait_for(wait_limit) != std::future_status::ready) {
    ADD_FAILURE() << what << " did not answer";
    std::abort();
  }
  return f.get();
}

inline std::vector<outbox_item> claim_sync(service& svc, std::size_t limit = 100,
                                           std::chrono::seconds lease = std::chrono::seconds{60}) {
  using result = std::optional<std::vector<outbox_item>>;
  auto r = await_callback<result>(
      [&](std::function<void(result)> done) { svc.claim_outbox(limit, lease, std::move(done)); },
      "claim_outbox");
  EXPECT_TRUE(r.has_value()) << "claim_outbox reported a database error";
  return r.value_or(std::vector<outbox_item>{});
}

inline bool complete_sync(service& svc, outbox_report report) {
  return await_callback<bool>(
      [&](std::function<void(bool)> done) { svc.complete_outbox(std::move(report), std::move(done)); },
      "complete_outbox");
}

inline std::vector<queue_row> queue_sync(service& svc, const std::string& tenant = "yamagata") {
  using result = std::optional<std::vector<queue_row>>;
  auto r = await_callback<result>(
      [&](std::function<void(result)> done) { svc.list_queue(tenant, std::move(done)); }, "list_queue");
  EXPECT_TRUE(r.has_value()) << "list_queue reported a database error";
  return r.value_or(std::vector<queue_row>{});
}

// Opens a sealed column of the single row a query returns: SELECT <blob>, <key id> FROM …
inline std::string open_sealed(const std::string& url, const keyring& keys, const std::string& query,
                               const std::string& context) {
  const auto row = sql(url, query)[0];
  return keys.open(sealed{row[1].as<std::uint32_t>(), pqxx::binarystring(row[0]).str()}, context);
}

// A service with the pilot rules for tenant "yamagata", started, its schema migrated.
class routing_pg : public storage_pg {
 protected:
  void SetUp() override {
    storage_pg::SetUp();
    if (IsSkipped()) {
      return;
    }
    svc_.emplace(routing_opts(), make_keys({1}));
    svc_->migrate();
    svc_->set_outbox_notifier([this] { ++notified_; });
    svc_->start();
  }

  [[nodiscard]] virtual options routing_opts() const {
    options o = opts(true);
    o.tenant_rules.emplace("yamagata", pilot_rules());
    return o;
  }

  void ingest(std::vector<routing::line_event> events) {
    ASSERT_EQ(ingest_sync(*svc_, request_of(std::move(events))).outcome, ingest_outcome::stored);
    wait_processed();
  }

  // The messages JSON of every outbox row, in creation order.
  std::vector<std::string> outbox_messages(const std::string& where = "true") {
    std::vector<std::string> out;
    for (const auto& r : sql(url(), "SELECT messages, messages_key_id FROM outbox WHERE " + where +
                                        " ORDER BY created_at, outbox_id")) {
      out.push_back(
          keys_.open(sealed{r[1].as<std::uint32_t>(), pqxx::binarystring(r[0]).str()}, "yamagata/outbox"));
    }
    return out;
  }

  keyring keys_ = make_keys({1});
  std::optional<service> svc_;
  std::atomic<int> notified_{0};
};

}  // namespace yorisoi::storage::pgtest
