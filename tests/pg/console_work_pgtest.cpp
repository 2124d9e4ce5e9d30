// console_store against PostgreSQL: the queue, the audited transcript, the counsellors' changes to a
// consultation, replies through the outbox, and the live event feed (LISTEN/NOTIFY).
#include "storage_routing_support.hpp"

#include "console_pg_support.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

namespace yorisoi::storage::pgtest {
namespace {

constexpr const char* password = "correct horse battery";

class console_work_pg : public routing_pg {
 protected:
  void SetUp() override {
    routing_pg::SetUp();
    if (IsSkipped()) {
      return;
    }
    console_.emplace(*svc_, session_policy{});
    kana_ = make_user("yamagata", "kana", routing::staff_role::counsellor);
    taro_ = make_user("yamagata", "taro", routing::staff_role::counsellor);
    boss_ = make_user("yamagata", "boss", routing::staff_role::supervisor);
    officer_ = make_user("yamagata", "officer", routing::staff_role::officer, "hub");
    sendai_ = make_user("sendai", "sendai-c", routing::staff_role::counsellor);
  }

  void TearDown() override { console_.reset(); }

  // No routing rules: every message opens or continues a consultation, nothing is answered.
  [[nodiscard]] options routing_opts() const override { return opts(true); }

  template <typename T, typename Call>
  T call(Call start) {
    return await_store<T>(std::move(start), "console_store");
  }

  actor make_user(const std::string& tenant, const std::string& login, routing::staff_role role,
                  const std::string& unit = {}) {
    return actor_of(add_staff(*console_, tenant, new_staff{login, login + "さん", role, unit, password}));
  }

  // A resident's text message, one second after the previous one; answers the consultation's id.
  std::string resident_writes(const std::string& user, const std::string& text,
                              const std::string& tenant = "yamagata") {
    static int n = 0;
    const std::string id = "W" + std::to_string(++n);
    const std::int64_t at = jst_ms(2023, 2, 20, 18, 0) + n * 1000;
    EXPECT_EQ(ingest_sync(*svc_, request_of({text_at(id, at, text, user)}, tenant)).outcome,
              ingest_outcome::stored);
    wait_processed();
    return sql(url(),
               "SELECT consultation_id::text FROM message WHERE line_message_id = 'm-" + id + "'")[0][0]
        .as<std::string>();
  }

  op_result<queue_page> queue(const actor& who, queue_view view = queue_view::open) {
    return call<op_result<queue_page>>([&](auto d) { console_->queue(who, view, d); });
  }
  op_result<queue_item> claim(const actor& who, const std::string& id) {
    return call<op_result<queue_item>>([&](auto d) { console_->claim(who, id, d); });
  }
  op_result<queue_item> release(const actor& who, const std::string& id) {
    return call<op_result<queue_item>>([&](auto d) { console_->release(who, id, d); });
  }
  op_result<queue_item> close(const actor& who, const std::string& id) {
    return call<op_result<queue_item>>([&](auto d) { console_->close(who, id, d); });
  }
  op_result<queue_item> reopen(const actor& who, const std::string& id) {
    return call<op_result<queue_item>>([&](auto d) { console_->reopen(who, id, d); });
  }
  op_result<transcript_message> reply(const actor& who, const std::string& id, const std::string& text) {
    return call<op_result<transcript_message>>([&](auto d) { console_->reply(who, id, text, d); });
  }
  op_result<consultation_detail> read(const actor& who, const std::string& id) {
    return call<op_result<consultation_detail>>([&](auto d) { console_->consultation(who, id, d); });
  }

  std::optional<console_store> console_;
  actor kana_, taro_, boss_, officer_, sendai_;
};

TEST_F(console_work_pg, queue_views_and_counts) {
  const std::string a = resident_writes("U1", "hello");
  const std::string b = resident_writes("U2", "消えたい");
  sql(url(), "UPDATE consultation SET priority = 'urgent' WHERE consultation_id = '" + b + "'");
  const std::string c = resident_writes("U3", "three");
  ASSERT_EQ(claim(kana_, c).status, op_status::ok);
  resident_writes("S1", "仙台", "sendai");

  const auto all = queue(kana_);
  ASSERT_EQ(all.status, op_status::ok);
  EXPECT_EQ(all.value.counts.open, 3U);
  EXPECT_EQ(all.value.counts.waiting, 2U);
  EXPECT_EQ(all.value.counts.mine, 1U);
  EXPECT_EQ(all.value.counts.urgent, 1U);
  ASSERT_EQ(all.value.items.size(), 3U);
  EXPECT_EQ(all.value.items[0].consultation_id, b);  // urgent first
  EXPECT_TRUE(all.value.items[0].urgent);
  EXPECT_EQ(all.value.items[1].consultation_id, a);  // then by due time
  EXPECT_EQ(all.value.items[2].assigned_to, kana_.user_id);
  EXPECT_EQ(all.value.items[2].assigned_name, "kanaさん");
  EXPECT_EQ(all.value.items[2].state, "assigned");
  const std::string resident = sql(url(),
                                   "SELECT upper(left(resident_id::text, 6)) FROM consultation WHERE "
                                   "consultation_id = '" +
                                       a + "'")[0][0]
                                   .as<std::string>();
  EXPECT_EQ(all.value.items[1].resident_label, "R-" + resident);
  ASSERT_TRUE(all.value.items[1].waiting_since.has_value());

  EXPECT_EQ(queue(kana_, queue_view::waiting).value.items.size(), 2U);
  ASSERT_EQ(queue(kana_, queue_view::mine).value.items.size(), 1U);
  EXPECT_EQ(queue(kana_, queue_view::mine).value.items[0].consultation_id, c);
  EXPECT_TRUE(queue(taro_, queue_view::mine).value.items.empty());
  EXPECT_EQ(queue(kana_, queue_view::urgent).value.items.size(), 1U);
  EXPECT_EQ(queue(sendai_).value.items.size(), 1U);
  // Closed ones leave the queue.
  ASSERT_EQ(close(kana_, a).status, op_status::ok);
  EXPECT_EQ(queue(kana_).value.counts.open, 2U);
}

// Capacity is counted under a lock on the claimer's account: two claims of one counsellor sent at
// once, with room for one more, take one consultation; the other is refused with its reason. A
// supervisor is never held to a capacity.
TEST_F(console_work_pg, claims_beyond_capacity_are_refused_even_when_sent_at_once) {
  const std::string held = resident_writes("CAP1", "one");
  const std::string a = resident_writes("CAP2", "two");
  const std::string b = resident_writes("CAP3", "three");
  const std::optional<unsigned> capacity = 2;
  ASSERT_EQ(call<op_result<queue_item>>([&](auto d) { console_->claim(kana_, held, capacity, d); }).status,
            op_status::ok);

  std::mutex m;
  std::condition_variable answered;
  std::vector<op_result<queue_item>> results;
  for (const std::string& id : {a, b}) {
    console_->claim(kana_, id, capacity, [&](op_result<queue_item> r) {
      std::lock_guard lock(m);
      results.push_back(std::move(r));
      answered.notify_all();
    });
  }
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(answered.wait_for(lock, std::chrono::seconds(30), [&] { return results.size() == 2; }));
  }
  const auto ok = std::count_if(results.begin(), results.end(),
                                [](const auto& r) { return r.status == op_status::ok; });
  const auto refused = std::count_if(results.begin(), results.end(), [](const auto& r) {
    return r.status == op_status::conflict && r.reason == "over_capacity";
  });
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(refused, 1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM consultation WHERE assigned_to = '" + kana_.user_id + "'"), 2);

  // The supervisor takes the one left beyond the same capacity.
  const std::string left = results[0].status == op_status::ok ? (results[0].value.consultation_id == a ? b : a)
                                                              : (results[1].value.consultation_id == a ? b : a);
  const std::string more = resident_writes("CAP4", "four");
  EXPECT_EQ(call<op_result<queue_item>>([&](auto d) { console_->claim(boss_, left, std::optional<unsigned>(1), d); })
                .status,
            op_status::ok);
  EXPECT_EQ(call<op_result<queue_item>>([&](auto d) { console_->claim(boss_, more, std::optional<unsigned>(1), d); })
                .status,
            op_status::ok);
}

TEST_F(console_work_pg, claim_release_transfer_close_reopen_follow_the_state_rules) {
  const std::string c = resident_writes("U1", "hello");
  EXPECT_EQ(release(kana_, c).status, op_status::conflict);  // not mine
  EXPECT_EQ(claim(kana_, c).value.assigned_to, kana_.user_id);
  EXPECT_EQ(claim(kana_, c).status, op_status::ok);  // mine already
  EXPECT_EQ(claim(taro_, c).status, op_status::conflict);
  EXPECT_EQ(release(taro_, c).status, op_status::conflict);
  const auto released = release(kana_, c);
  EXPECT_EQ(released.value.assigned_to, "");
  EXPECT_EQ(released.value.state, "waiting");
  EXPECT_EQ(claim(taro_, c).status, op_status::ok);

  auto transfer = [&](const actor& who, const std::string& to) {
    return call<op_result<queue_item>>([&](auto d) { console_->transfer(who, c, to, d); });
  };
  EXPECT_EQ(transfer(boss_, officer_.user_id).status, op_status::invalid);  // not a counsellor
  EXPECT_EQ(transfer(boss_, sendai_.user_id).status, op_status::invalid);   // another tenant's
  EXPECT_EQ(transfer(boss_, "nobody").status, op_status::invalid);
  EXPECT_EQ(transfer(boss_, kana_.user_id).value.assigned_to, kana_.user_id);

  // A counsellor closes, releases or reopens only what they hold (or what nobody holds).
  const auto colleague = close(taro_, c);
  EXPECT_EQ(colleague.status, op_status::conflict);
  EXPECT_EQ(colleague.reason, "held_by_colleague");
  EXPECT_EQ(release(taro_, c).reason, "held_by_colleague");
  const auto closed = close(kana_, c);
  EXPECT_EQ(closed.value.state, "closed");
  EXPECT_TRUE(closed.value.closed_at.has_value());
  EXPECT_EQ(closed.value.assigned_to, kana_.user_id);  // kept for history
  EXPECT_EQ(close(kana_, c).status, op_status::conflict);
  EXPECT_EQ(claim(kana_, c).status, op_status::conflict);
  EXPECT_EQ(transfer(boss_, taro_.user_id).status, op_status::conflict);

  EXPECT_EQ(reopen(taro_, c).reason, "held_by_colleague");  // its last holder is kana
  const auto reopened = reopen(kana_, c);
  EXPECT_EQ(reopened.value.state, "assigned");
  EXPECT_EQ(reopened.value.assigned_to, kana_.user_id);
  EXPECT_FALSE(reopened.value.closed_at.has_value());
  EXPECT_EQ(reopen(kana_, c).reason, "consultation_open");

  // The resident wrote again after closure: a new consultation is open, the old one cannot reopen.
  ASSERT_EQ(close(kana_, c).status, op_status::ok);
  const std::string next = resident_writes("U1", "また来ました");
  EXPECT_NE(next, c);
  EXPECT_EQ(reopen(kana_, c).reason, "resident_has_open_consultation");

  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM audit_event WHERE object_type = 'consultation' AND object_id = '" + c +
                "' AND action IN ('consultation.claim', 'consultation.release', 'consultation.transfer', "
                "'consultation.close', 'consultation.reopen')"),
      8);
}

TEST_F(console_work_pg, another_tenants_or_malformed_ids_are_not_found) {
  const std::string c = resident_writes("S1", "仙台", "sendai");
  EXPECT_EQ(read(kana_, c).status, op_status::not_found);
  EXPECT_EQ(claim(kana_, c).status, op_status::not_found);
  EXPECT_EQ(close(kana_, c).status, op_status::not_found);
  EXPECT_EQ(reopen(kana_, c).status, op_status::not_found);
  EXPECT_EQ(reply(kana_, c, "hi").status, op_status::not_found);
  EXPECT_EQ(call<op_result<note>>([&](auto d) { console_->add_note(kana_, c, "note", d); }).status,
            op_status::not_found);
  EXPECT_EQ(
      call<op_result<queue_item>>([&](auto d) { console_->set_tags(kana_, c, {"家族関係"}, "", d); }).status,
      op_status::not_found);
  for (const std::string bad :
       {"", "x", "00000000-0000-0000-0000-00000000000g", "'; DROP TABLE message; --"}) {
    EXPECT_EQ(read(kana_, bad).status, op_status::not_found) << bad;
    EXPECT_EQ(claim(kana_, bad).status, op_status::not_found) << bad;
  }
  EXPECT_EQ(claim(sendai_, c).status, op_status::ok);
  // Nothing was audited for the refused reads.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'consultation.read'"), 0);
}

TEST_F(console_work_pg, reply_writes_outbox_row_and_message_together_and_wakes_the_sender) {
  const std::string c = resident_writes("U1", "聞いてほしい");
  EXPECT_EQ(reply(kana_, c, "こんばんは").status, op_status::conflict);  // not held
  ASSERT_EQ(claim(kana_, c).status, op_status::ok);
  EXPECT_EQ(reply(kana_, c, "").status, op_status::invalid);
  EXPECT_EQ(reply(kana_, c, "  \n").status, op_status::invalid);
  EXPECT_EQ(reply(kana_, c, std::string(5001, 'a')).status, op_status::invalid);
  std::string longest;
  for (int i = 0; i < 5000; ++i) {
    longest += "あ";  // 5000 characters, 15000 bytes
  }
  EXPECT_EQ(reply(kana_, c, longest).status, op_status::ok);

  const int before = notified_.load();
  const auto r = reply(kana_, c, "こんばんは。お話を聞かせてください。");
  ASSERT_EQ(r.status, op_status::ok);
  EXPECT_GT(notified_.load(), before);
  EXPECT_EQ(r.value.delivery, "pending");
  EXPECT_EQ(r.value.origin, "counsellor");
  EXPECT_EQ(r.value.author_name, "kanaさん");
  EXPECT_EQ(r.value.kind, "reply");

  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM outbox WHERE origin = 'counsellor' AND kind = 'reply' AND "
                  "reply_token IS NULL AND consultation_id = '" +
                      c + "'"),
            2);
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM message m JOIN outbox o USING (tenant_id, outbox_id) WHERE "
                  "m.message_id = '" +
                      r.value.message_id + "' AND m.author_id = '" + kana_.user_id + "'"),
            1);
  EXPECT_EQ(outbox_messages("origin = 'counsellor'").back(),
            R"([{"type":"text","text":"こんばんは。お話を聞かせてください。"}])");
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM consultation WHERE waiting_since IS NULL AND first_answer_at IS NOT "
                  "NULL AND consultation_id = '" +
                      c + "'"),
            1);
  // The sender gets the push with the outbox id as its retry key.
  const auto items = claim_sync(*svc_);
  ASSERT_EQ(items.size(), 2U);
  EXPECT_TRUE(items[0].reply_token.empty());

  // A closed consultation takes no reply.
  ASSERT_EQ(close(kana_, c).status, op_status::ok);
  EXPECT_EQ(reply(kana_, c, "まだ?").status, op_status::conflict);
}

TEST_F(console_work_pg, the_transcript_shows_texts_delivery_authors_and_notes_and_the_read_is_audited) {
  const std::string c = resident_writes("U1", "眠れない");
  ASSERT_EQ(claim(kana_, c).status, op_status::ok);
  ASSERT_EQ(reply(kana_, c, "つらいですね").status, op_status::ok);
  const auto n = call<op_result<note>>([&](auto d) { console_->add_note(kana_, c, "様子を見る", d); });
  ASSERT_EQ(n.status, op_status::ok);
  EXPECT_EQ(n.value.author_name, "kanaさん");
  EXPECT_EQ(call<op_result<note>>([&](auto d) { console_->add_note(kana_, c, "", d); }).status,
            op_status::invalid);
  // Notes are sealed at rest.
  EXPECT_EQ(open_sealed(url(), keys_, "SELECT body, body_key_id FROM consultation_note", "yamagata/note"),
            "様子を見る");

  // The sender fails it: the transcript shows the failure and LINE's message.
  const auto items = claim_sync(*svc_);
  ASSERT_EQ(items.size(), 1U);
  outbox_report report;
  report.tenant_id = "yamagata";
  report.outbox_id = items[0].outbox_id;
  report.outcome = outbox_outcome::failed;
  report.via = "push";
  report.http_status = 400;
  report.error = "Invalid reply token";
  ASSERT_TRUE(complete_sync(*svc_, report));

  const auto d = read(taro_, c);
  ASSERT_EQ(d.status, op_status::ok);
  ASSERT_EQ(d.value.messages.size(), 2U);
  EXPECT_EQ(d.value.messages[0].direction, "in");
  EXPECT_EQ(d.value.messages[0].text.value_or(""), "眠れない");
  EXPECT_EQ(d.value.messages[0].delivery, "");
  EXPECT_EQ(d.value.messages[1].direction, "out");
  EXPECT_EQ(d.value.messages[1].text.value_or(""), "つらいですね");
  EXPECT_EQ(d.value.messages[1].author_name, "kanaさん");
  EXPECT_EQ(d.value.messages[1].delivery, "failed");
  EXPECT_EQ(d.value.messages[1].delivery_error, "Invalid reply token");
  ASSERT_EQ(d.value.notes.size(), 1U);
  EXPECT_EQ(d.value.notes[0].text, "様子を見る");
  EXPECT_EQ(d.value.notes[0].author_id, kana_.user_id);
  EXPECT_EQ(d.value.summary.assigned_to, kana_.user_id);
  EXPECT_EQ(
      count(url(), "SELECT count(*) FROM audit_event WHERE action = 'consultation.read' AND actor_id = '" +
                       taro_.user_id + "' AND object_id = '" + c + "'"),
      1);
  // A withdrawn message has no text.
  sql(url(), "UPDATE message SET withdrawn_at = now() WHERE direction = 'in'");
  const auto again = read(taro_, c);
  EXPECT_TRUE(again.value.messages[0].withdrawn);
  EXPECT_FALSE(again.value.messages[0].text.has_value());
}

TEST_F(console_work_pg, tags_replace_categories_and_set_the_age_band_even_when_closed) {
  const std::string c = resident_writes("U1", "hello");
  auto tag = [&](std::vector<std::string> categories, std::string band) {
    return call<op_result<queue_item>>([&](auto d) { console_->set_tags(kana_, c, categories, band, d); });
  };
  auto r = tag({"孤独・孤立", "家族関係", "家族関係"}, "30代");
  ASSERT_EQ(r.status, op_status::ok);
  EXPECT_EQ(r.value.categories, (std::vector<std::string>{"孤独・孤立", "家族関係"}));
  EXPECT_EQ(r.value.age_band, "30代");
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE age_band = '30代'"), 1);
  ASSERT_EQ(close(kana_, c).status, op_status::ok);
  r = tag({"仕事・就労関係"}, "");
  ASSERT_EQ(r.status, op_status::ok);
  EXPECT_EQ(r.value.categories, (std::vector<std::string>{"仕事・就労関係"}));
  EXPECT_EQ(r.value.age_band, "");
  EXPECT_EQ(count(url(), "SELECT count(*) FROM resident WHERE age_band = '30代'"), 1);  // kept
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'consultation.tag'"), 2);
}

TEST_F(console_work_pg, events_since_lists_the_tenants_feed) {
  const std::string c = resident_writes("U1", "hello");
  resident_writes("S1", "仙台", "sendai");
  ASSERT_EQ(claim(kana_, c).status, op_status::ok);
  const auto events = call<op_result<std::vector<console_event>>>(
      [&](auto d) { console_->events_since("yamagata", 0, 500, {}, d); });
  ASSERT_EQ(events.status, op_status::ok);
  ASSERT_EQ(events.value.size(), 3U);  // queue (opened), message, assignment
  EXPECT_EQ(events.value[0].kind, "queue");
  EXPECT_EQ(events.value[1].kind, "message");
  EXPECT_FALSE(events.value[1].message_id.empty());
  EXPECT_EQ(events.value[2].kind, "assignment");
  for (const auto& e : events.value) {
    EXPECT_EQ(e.consultation_id, c);
    EXPECT_EQ(e.tenant_id, "yamagata");
  }
  const auto later = call<op_result<std::vector<console_event>>>(
      [&](auto d) { console_->events_since("yamagata", events.value[1].event_id, 1, {}, d); });
  ASSERT_EQ(later.value.size(), 1U);
  EXPECT_EQ(later.value[0].kind, "assignment");
}

TEST_F(console_work_pg, events_since_selects_the_audiences_rows_before_the_limit) {
  const std::string c = resident_writes("U1", "hello");
  // Many consultation rows, then one referral row for each of two units (what the referral triggers
  // write), then more consultation rows.
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(claim(kana_, c).status, op_status::ok);
    ASSERT_EQ(release(kana_, c).status, op_status::ok);
  }
  (void)sql(url(),
            "INSERT INTO console_event (tenant_id, kind, consultation_id, referral_id, unit) VALUES "
            "('yamagata', 'referral', '" +
                c +
                "', gen_random_uuid(), 'hub'), "
                "('yamagata', 'referral', '" +
                c +
                "', gen_random_uuid(), 'welfare'), "
                "('yamagata', 'referral', '" +
                c + "', gen_random_uuid(), NULL)");
  ASSERT_EQ(claim(kana_, c).status, op_status::ok);
  const auto list = [&](console_event_filter filter, std::size_t limit) {
    return call<op_result<std::vector<console_event>>>(
        [&](auto d) { console_->events_since("yamagata", 0, limit, filter, d); });
  };
  // An officer's page of 1 is their unit's row, not the oldest consultation row.
  const auto hub = list({false, "hub"}, 1);
  ASSERT_EQ(hub.status, op_status::ok);
  ASSERT_EQ(hub.value.size(), 1U);
  EXPECT_EQ(hub.value[0].kind, "referral");
  EXPECT_EQ(hub.value[0].unit, "hub");
  EXPECT_EQ(list({false, "hub"}, 500).value.size(), 1U);
  // Counsellors: everything without a unit, the unit-less referral row included, no unit's row.
  const auto workers = list({}, 500);
  ASSERT_EQ(workers.status, op_status::ok);
  for (const auto& e : workers.value) {
    EXPECT_TRUE(e.unit.empty()) << e.kind << " " << e.unit;
  }
  EXPECT_EQ(std::count_if(workers.value.begin(), workers.value.end(),
                          [](const console_event& e) { return e.kind == "referral"; }),
            1);
  // No audience: nothing.
  EXPECT_TRUE(list({false, ""}, 500).value.empty());
}

TEST_F(console_work_pg, listen_delivers_committed_events_and_ended_sessions) {
  std::mutex m;
  std::vector<console_event> seen;
  std::vector<std::string> ended;
  console_->listen(
      [&](const console_event& e) {
        std::lock_guard lock(m);
        seen.push_back(e);
      },
      [&](const std::string& user) {
        std::lock_guard lock(m);
        ended.push_back(user);
      });
  auto seen_kind = [&](const std::string& kind, const std::string& consultation) {
    std::lock_guard lock(m);
    return std::any_of(seen.begin(), seen.end(), [&](const console_event& e) {
      return e.kind == kind && e.consultation_id == consultation;
    });
  };
  // The listener may still be connecting (it hands over what commits after its LISTEN): write until
  // a first event arrives.
  int n = 0;
  ASSERT_TRUE(eventually([&] {
    {
      std::lock_guard lock(m);
      if (!seen.empty()) {
        return true;
      }
    }
    resident_writes("L" + std::to_string(++n), "hello");
    return false;
  }));
  const std::string c = resident_writes("U1", "hello");
  EXPECT_TRUE(eventually([&] { return seen_kind("message", c); }));
  EXPECT_TRUE(eventually([&] { return seen_kind("queue", c); }));
  ASSERT_EQ(claim(kana_, c).status, op_status::ok);
  EXPECT_TRUE(eventually([&] { return seen_kind("assignment", c); }));
  // Another writer's plain SQL (say another instance, or psql) is announced by the trigger too.
  sql(url(), "UPDATE consultation SET priority = 'urgent' WHERE consultation_id = '" + c + "'");
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(m);
    return std::count_if(seen.begin(), seen.end(), [&](const console_event& e) {
             return e.kind == "queue" && e.consultation_id == c;
           }) >= 2;
  }));
  // Ended sessions are announced with the user id.
  ASSERT_EQ(call<op_result<nothing>>([&](auto d) { console_->logout_everywhere(taro_, d); }).status,
            op_status::ok);
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(m);
    return std::find(ended.begin(), ended.end(), taro_.user_id) != ended.end();
  }));
  console_->stop_listening();
}

TEST_F(console_work_pg, the_listener_reconnects_and_catches_up) {
  std::mutex m;
  std::vector<console_event> seen;
  console_->listen(
      [&](const console_event& e) {
        std::lock_guard lock(m);
        seen.push_back(e);
      },
      nullptr);
  auto seen_queue_events = [&](const std::string& consultation) {
    std::lock_guard lock(m);
    return std::count_if(seen.begin(), seen.end(), [&](const console_event& e) {
      return e.kind == "queue" && e.consultation_id == consultation;
    });
  };
  int n = 0;
  ASSERT_TRUE(eventually([&] {
    {
      std::lock_guard lock(m);
      if (!seen.empty()) {
        return true;
      }
    }
    resident_writes("L" + std::to_string(++n), "hello");
    return false;
  }));
  const std::string c = resident_writes("U1", "hello");
  ASSERT_TRUE(eventually([&] { return seen_queue_events(c) == 1; }));
  // The server drops the listener's connection; an event committed right after is not lost: it is
  // either notified to the new connection or read back by the catch-up after the reconnect.
  ASSERT_EQ(count(url(),
                  "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                  "WHERE application_name = 'yorisoi-console-listener' AND datname = current_database()) t"),
            1);
  sql(url(), "UPDATE consultation SET priority = 'urgent' WHERE consultation_id = '" + c + "'");
  EXPECT_TRUE(eventually([&] { return seen_queue_events(c) >= 2; }));
  EXPECT_TRUE(eventually([&] {
    return count(url(),
                 "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'yorisoi-console-listener' "
                 "AND datname = current_database()") == 1;
  }));
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
