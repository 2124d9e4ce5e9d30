// Key rotation against PostgreSQL: data written through the real paths under key 1 is re-sealed under
// key 2, after which a keyring without key 1 reads every message, note, outbox message, reply token and
// LINE user id back; a second run re-seals nothing; an unopenable row is reported and left alone; and a
// rotation beside a serving instance that keeps ingesting leaves nothing under the old key.
#include "storage_routing_support.hpp"

#include "console_pg_support.hpp"
#include "yorisoi/storage/key_rotation.hpp"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <set>
#include <thread>
#include <tuple>

namespace yorisoi::storage::pgtest {
namespace {

constexpr const char* password = "correct horse battery";

// What the storage code seals (kept apart from storage/src on purpose: a column added there and not
// here shows up in key_status and fails lists_every_sealed_column).
struct column_spec {
  const char* name;
  const char* table;
  const char* id;
  const char* blob;
  const char* key_id;
  const char* suffix;
  // Referrals are not written by this fixture yet (their store is not wired into the service): those
  // columns are rotated over whatever rows exist, which here is none.
  bool written_here = true;
};
constexpr column_spec sealed_columns[] = {
    {"inbox_event.payload", "inbox_event", "event_id", "payload", "key_id", "/inbox"},
    {"resident.line_user_id", "resident", "resident_id", "line_user_id", "line_user_key_id", "/resident"},
    {"message.body", "message", "message_id", "body", "body_key_id", "/message"},
    {"outbox.messages", "outbox", "outbox_id", "messages", "messages_key_id", "/outbox"},
    {"outbox.reply_token", "outbox", "outbox_id", "reply_token", "reply_token_key_id", "/outbox"},
    {"consultation_note.body", "consultation_note", "note_id", "body", "body_key_id", "/note"},
    {"referral.summary", "referral", "referral_id", "summary", "summary_key_id", "/referral", false},
    {"referral.reason", "referral", "referral_id", "reason", "reason_key_id", "/referral", false},
    {"referral.emergency_reason", "referral", "referral_id", "emergency_reason", "emergency_reason_key_id",
     "/referral", false},
    {"referral_unit.answer", "referral_unit", "referral_unit_id", "answer", "answer_key_id", "/referral",
     false},
    {"staff_totp.secret", "staff_totp", "user_id", "secret", "secret_key_id", "/totp", false},
    {"resident_note.body", "resident_note", "note_id", "body", "body_key_id", "/resident_note", false},
    {"consultation_risk.reason", "consultation_risk", "risk_id", "reason", "reason_key_id", "/risk", false},
};

// column -> (tenant, row id) -> plaintext
using snapshot = std::map<std::string, std::map<std::pair<std::string, std::string>, std::string>>;

// Opens every sealed value directly with `keys` (throws crypto_error when one cannot be opened).
snapshot open_everything(const std::string& url, const keyring& keys) {
  snapshot out;
  for (const auto& c : sealed_columns) {
    auto& column = out[c.name];
    const std::string q = std::string("SELECT tenant_id, ") + c.id + "::text, " + c.blob + ", " + c.key_id +
                          " FROM " + c.table + " WHERE " + c.blob + " IS NOT NULL";
    for (const auto& r : sql(url, q)) {
      const std::string tenant = r[0].as<std::string>();
      column[{tenant, r[1].as<std::string>()}] =
          keys.open(sealed{r[3].as<std::uint32_t>(), pqxx::binarystring(r[2]).str()}, tenant + c.suffix);
    }
  }
  return out;
}

// Key ids in use per column, as key_status reports them.
std::map<std::string, std::map<std::uint32_t, std::size_t>> usage(const std::string& url) {
  std::map<std::string, std::map<std::uint32_t, std::size_t>> out;
  for (const auto& u : key_status(rotation_options{url})) {
    out[u.column][u.key_id] = u.rows;
  }
  return out;
}

const column_rotation& column_of(const rotation_report& report, const std::string& name) {
  for (const auto& c : report.columns) {
    if (c.column == name) {
      return c;
    }
  }
  ADD_FAILURE() << "no column " << name << " in the report";
  static const column_rotation none{};
  return none;
}

// One yorisoi instance's storage: the service and its console store.
struct instance {
  instance(options o, keyring keys) : svc(std::move(o), std::move(keys)) {
    svc.migrate();
    console.emplace(svc, session_policy{});
    svc.start();
  }
  ~instance() {
    console.reset();
    svc.stop();
  }
  template <typename T, typename Call>
  T call(Call start) {
    return await_store<T>(std::move(start), "console_store");
  }
  actor make_user(const std::string& tenant, const std::string& login, routing::staff_role role) {
    return actor_of(add_staff(*console, tenant, new_staff{login, login, role, "", password}));
  }

  service svc;
  std::optional<console_store> console;
};

class key_rotation_pg : public storage_pg {
 protected:
  [[nodiscard]] options instance_opts() const {
    options o = opts(true);
    o.tenant_rules.emplace("yamagata", pilot_rules());
    o.reply_token_usable = std::chrono::hours(24);  // the claim below hands the tokens over
    return o;
  }

  void ingest(instance& in, std::vector<routing::line_event> events, const std::string& tenant = "yamagata") {
    ASSERT_EQ(ingest_sync(in.svc, request_of(std::move(events), tenant)).outcome, ingest_outcome::stored);
  }

  std::string consultation_of(const std::string& line_message_id) {
    return sql(url(), "SELECT consultation_id::text FROM message WHERE line_message_id = '" +
                          line_message_id + "'")[0][0]
        .as<std::string>();
  }

  // Residents of two tenants write under key 1: automatic answers (off hours, crisis, greeting) with
  // reply tokens, a counsellor's reply and notes. Answers the supervisors who read it all back.
  std::vector<actor> write_under_key_1() {
    instance in(instance_opts(), make_keys({1}));
    event_spec follow;
    follow.webhook_event_id = "F4";
    follow.type = "follow";
    follow.user_id = "U4";
    follow.timestamp_ms = jst_ms(2023, 2, 20, 18, 5);
    follow.reply_token = "rt-F4";
    ingest(in, {text_at("Y1", jst_ms(2023, 2, 20, 22, 0), "眠れません", "U1"),
                text_at("Y2", jst_ms(2023, 2, 20, 19, 0), "消えたい", "U2"),
                text_at("Y3", jst_ms(2023, 2, 20, 19, 5), "話を聞いてほしい", "U3"), event_of(follow)});
    ingest(in, {text_at("S1", jst_ms(2023, 2, 20, 19, 0), "仙台から", "S1")}, "sendai");
    wait_processed();

    const actor kana = in.make_user("yamagata", "kana", routing::staff_role::counsellor);
    const actor sendai = in.make_user("sendai", "sendai-c", routing::staff_role::counsellor);
    const std::string c3 = consultation_of("m-Y3");
    const std::string s1 = consultation_of("m-S1");
    EXPECT_EQ(in.call<op_result<queue_item>>([&](auto d) { in.console->claim(kana, c3, d); }).status,
              op_status::ok);
    EXPECT_EQ(in.call<op_result<transcript_message>>([&](auto d) {
                  in.console->reply(kana, c3, "こんばんは", d);
                }).status,
              op_status::ok);
    EXPECT_EQ(
        in.call<op_result<note>>([&](auto d) { in.console->add_note(kana, c3, "様子を見る", d); }).status,
        op_status::ok);
    EXPECT_EQ(
        in.call<op_result<note>>([&](auto d) { in.console->add_note(sendai, s1, "仙台のメモ", d); }).status,
        op_status::ok);
    return {in.make_user("yamagata", "boss", routing::staff_role::supervisor),
            in.make_user("sendai", "sendai-boss", routing::staff_role::supervisor)};
  }
};

TEST_F(key_rotation_pg, after_rotation_a_keyring_without_the_old_key_reads_everything_back) {
  const auto supervisors = write_under_key_1();
  const snapshot before = open_everything(url(), make_keys({1}));
  for (const auto& c : sealed_columns) {
    EXPECT_EQ(before.at(c.name).empty(), !c.written_here) << c.name;
  }
  EXPECT_EQ(usage(url()).at("message.body").count(1), 1U);

  const rotation_report report = rotate_keys(rotation_options{url(), 2}, make_keys({1, 2}));
  EXPECT_TRUE(report.complete());
  EXPECT_TRUE(report.failures.empty());
  EXPECT_EQ(report.target_key_id, 2U);
  ASSERT_EQ(report.columns.size(), std::size(sealed_columns));
  for (const auto& c : sealed_columns) {
    EXPECT_EQ(column_of(report, c.name).counts.resealed, before.at(c.name).size()) << c.name;
    EXPECT_EQ(column_of(report, c.name).remaining, 0U) << c.name;
    // key_status lists exactly the columns above that hold rows, each under key 2 only.
    if (c.written_here) {
      EXPECT_EQ(usage(url()).at(c.name),
                (std::map<std::uint32_t, std::size_t>{{2, before.at(c.name).size()}}));
    }
  }
  EXPECT_EQ(usage(url()).size(), std::count_if(std::begin(sealed_columns), std::end(sealed_columns),
                                               [](const column_spec& c) { return c.written_here; }));

  // One audit row per tenant, with counts and never content.
  const auto audits =
      sql(url(),
          "SELECT tenant_id, object_id, detail::text, actor_id IS NULL FROM audit_event WHERE "
          "action = 'keys.rotate' ORDER BY tenant_id");
  ASSERT_EQ(audits.size(), 2U);
  EXPECT_EQ(audits[0][0].as<std::string>(), "sendai");
  EXPECT_EQ(audits[1][0].as<std::string>(), "yamagata");
  EXPECT_EQ(audits[1][1].as<std::string>(), "2");
  EXPECT_TRUE(audits[1][3].as<bool>());
  const auto detail = boost::json::parse(audits[1][2].as<std::string>()).as_object();
  EXPECT_EQ(
      detail.at("columns").as_object().at("message.body").as_object().at("resealed").to_number<long long>(),
      count(url(), "SELECT count(*) FROM message WHERE tenant_id = 'yamagata' AND body IS NOT NULL"));
  EXPECT_EQ(audits[1][2].as<std::string>().find("眠れません"), std::string::npos);

  // Key 1 is gone: every value opens with key 2 alone and equals what was written.
  const keyring only_2 = make_keys({2});
  EXPECT_EQ(open_everything(url(), only_2), before);
  EXPECT_THROW((void)open_everything(url(), make_keys({1})), crypto_error);

  // And through the real read paths of an instance that has key 2 only.
  instance in(instance_opts(), make_keys({2}));
  std::size_t messages = 0;
  std::size_t notes = 0;
  for (const actor& boss : supervisors) {
    for (const auto& r : sql(url(), "SELECT consultation_id::text FROM consultation WHERE tenant_id = '" +
                                        boss.tenant_id + "'")) {
      const auto id = r[0].as<std::string>();
      const auto read =
          in.call<op_result<consultation_detail>>([&](auto d) { in.console->consultation(boss, id, d); });
      ASSERT_EQ(read.status, op_status::ok);
      for (const auto& m : read.value.messages) {
        ASSERT_TRUE(m.text.has_value()) << m.message_id;
        EXPECT_EQ(*m.text, before.at("message.body").at({boss.tenant_id, m.message_id}));
        ++messages;
      }
      for (const auto& n : read.value.notes) {
        EXPECT_EQ(n.text, before.at("consultation_note.body").at({boss.tenant_id, n.note_id}));
        ++notes;
      }
    }
  }
  EXPECT_EQ(messages, before.at("message.body").size());
  EXPECT_EQ(notes, before.at("consultation_note.body").size());
  EXPECT_TRUE(
      before.at("message.body")
          .contains({"yamagata",
                     sql(url(), "SELECT message_id::text FROM message WHERE line_message_id = 'm-Y1'")[0][0]
                         .as<std::string>()}));

  const auto items = claim_sync(in.svc);
  ASSERT_EQ(items.size(), before.at("outbox.messages").size());
  std::size_t tokens = 0;
  for (const auto& item : items) {
    const std::pair<std::string, std::string> key{item.tenant_id, item.outbox_id};
    EXPECT_EQ(item.messages_json, before.at("outbox.messages").at(key));
    const auto resident =
        sql(url(), "SELECT resident_id::text FROM outbox WHERE outbox_id = '" + item.outbox_id + "'")[0][0]
            .as<std::string>();
    EXPECT_EQ(item.line_user_id, before.at("resident.line_user_id").at({item.tenant_id, resident}));
    if (!item.reply_token.empty()) {
      EXPECT_EQ(item.reply_token, before.at("outbox.reply_token").at(key));
      ++tokens;
    }
  }
  EXPECT_EQ(tokens, before.at("outbox.reply_token").size());
}

TEST_F(key_rotation_pg, a_second_run_reseals_nothing_and_a_stopped_run_resumes) {
  (void)write_under_key_1();
  std::stop_source stop;
  stop.request_stop();
  const auto stopped = rotate_keys(rotation_options{url()}, make_keys({1, 2}), stop.get_token());
  EXPECT_TRUE(stopped.stopped);
  EXPECT_FALSE(stopped.complete());

  const auto first = rotate_keys(rotation_options{url(), 1}, make_keys({1, 2}));
  EXPECT_TRUE(first.complete());
  const auto second = rotate_keys(rotation_options{url()}, make_keys({1, 2}));
  EXPECT_TRUE(second.complete());
  for (const auto& c : second.columns) {
    const bool written =
        std::any_of(std::begin(sealed_columns), std::end(sealed_columns),
                    [&](const column_spec& s) { return s.name == c.column && s.written_here; });
    if (written) {
      EXPECT_GT(column_of(first, c.column).counts.resealed, 0U) << c.column;
    }
    EXPECT_EQ(c.counts.resealed, 0U) << c.column;
  }
  EXPECT_TRUE(second.by_tenant.empty());  // and so no audit row
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'keys.rotate'"), 2);
}

TEST_F(key_rotation_pg, a_row_that_cannot_be_opened_is_reported_by_key_and_left_alone) {
  (void)write_under_key_1();
  const std::string message_id =
      sql(url(), "SELECT message_id::text FROM message WHERE line_message_id = 'm-Y1'")[0][0]
          .as<std::string>();
  const std::string note_id =
      sql(url(), "SELECT note_id::text FROM consultation_note WHERE tenant_id = 'sendai'")[0][0]
          .as<std::string>();
  // A flipped byte (fails authentication) and a key this keyring never had.
  sql(url(), "UPDATE message SET body = set_byte(body, 20, get_byte(body, 20) # 1) WHERE message_id = '" +
                 message_id + "'");
  sql(url(), "UPDATE consultation_note SET body_key_id = 7 WHERE note_id = '" + note_id + "'");
  const auto bytes_of = [&] {
    return sql(url(), "SELECT (SELECT encode(body, 'hex') || body_key_id FROM message WHERE message_id = '" +
                          message_id +
                          "') || (SELECT encode(body, 'hex') || body_key_id FROM consultation_note "
                          "WHERE note_id = '" +
                          note_id + "')")[0][0]
        .as<std::string>();
  };
  const std::string damaged = bytes_of();

  const auto report = rotate_keys(rotation_options{url(), 2}, make_keys({1, 2}));
  EXPECT_FALSE(report.complete());
  ASSERT_EQ(report.failures.size(), 2U);
  std::set<std::tuple<std::string, std::string, std::string>> failed;
  for (const auto& f : report.failures) {
    failed.emplace(f.column, f.tenant_id, f.row_id);
    EXPECT_EQ(f.reason.find("眠れません"), std::string::npos);
  }
  EXPECT_EQ(failed,
            (std::set<std::tuple<std::string, std::string, std::string>>{
                {"message.body", "yamagata", message_id}, {"consultation_note.body", "sendai", note_id}}));
  EXPECT_EQ(column_of(report, "message.body").remaining, 1U);
  EXPECT_EQ(column_of(report, "message.body").counts.failed, 1U);
  EXPECT_EQ(column_of(report, "consultation_note.body").remaining, 1U);
  EXPECT_EQ(column_of(report, "resident.line_user_id").remaining, 0U);
  EXPECT_EQ(bytes_of(), damaged);  // neither re-sealed nor deleted
  EXPECT_EQ(usage(url()).at("consultation_note.body").at(7), 1U);

  // Audited with the failure counted; a second run reports the same rows again and changes nothing.
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM audit_event WHERE action = 'keys.rotate' AND tenant_id = 'sendai' "
                  "AND (detail #>> '{columns,consultation_note.body,failed}')::int = 1"),
            1);
  const auto again = rotate_keys(rotation_options{url()}, make_keys({1, 2}));
  EXPECT_EQ(again.failures.size(), 2U);
  EXPECT_EQ(column_of(again, "message.body").counts.resealed, 0U);
  EXPECT_EQ(bytes_of(), damaged);
}

TEST_F(key_rotation_pg, rotation_beside_an_instance_that_keeps_ingesting_leaves_nothing_under_the_old_key) {
  {
    instance old(instance_opts(), make_keys({1}));
    for (int batch = 0; batch < 6; ++batch) {
      std::vector<routing::line_event> events;
      for (int i = 0; i < 20; ++i) {
        const std::string id = "A" + std::to_string(batch) + "-" + std::to_string(i);
        events.push_back(text_at(id, jst_ms(2023, 2, 20, 22, batch), "text " + id, "U" + std::to_string(i)));
      }
      ingest(old, std::move(events));
    }
    wait_processed();
  }
  // The instance now has key 2 as its current key; it keeps writing while the rotation runs.
  instance current(instance_opts(), make_keys({1, 2}));
  std::atomic<bool> done{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int n = 0; !done.load(); ++n) {
      const std::string id = "B" + std::to_string(n);
      // Old residents (sealed under key 1 so far) and new ones.
      const std::string user = "U" + std::to_string(n % 40);
      if (ingest_sync(current.svc,
                      request_of({text_at(id, jst_ms(2023, 2, 21, 22, 0) + n, "more " + id, user)}))
              .outcome == ingest_outcome::stored) {
        ++written;
      }
    }
  });
  ASSERT_TRUE(eventually([&] { return written.load() > 0; }));
  const int before = written.load();
  const auto report = rotate_keys(rotation_options{url(), 5}, make_keys({1, 2}));
  const int during = written.load() - before;
  done = true;
  writer.join();
  wait_processed();

  std::cout << "[ rotation ] re-sealed";
  for (const auto& c : report.columns) {
    std::cout << ' ' << c.column << '=' << c.counts.resealed;
  }
  std::cout << "; " << during << " webhook requests stored during the rotation\n";
  EXPECT_TRUE(report.complete());
  EXPECT_TRUE(report.failures.empty());
  EXPECT_GT(column_of(report, "inbox_event.payload").counts.resealed, 0U);
  for (const auto& [column, keys] : usage(url())) {
    EXPECT_FALSE(keys.contains(1)) << column << " still has rows under key 1";
  }
  EXPECT_NO_THROW((void)open_everything(url(), make_keys({2})));
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
