// referral_store against PostgreSQL: a proposal writes the consent request to the outbox
// with both buttons, the resident's postback (ingested like any webhook) grants, declines or withdraws,
// the hub forwards, the units answer, and every change is in referral_event; officers see only their
// own unit's referrals; expiry; emergency referrals; another tenant sees nothing.
#include "console_pg_support.hpp"

#include "yorisoi/routing/consent_request.hpp"
#include "yorisoi/storage/referral.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <set>

namespace yorisoi::storage::pgtest {
namespace {

namespace json = boost::json;

constexpr const char* password = "correct horse battery";

referral_tenant yamagata_units() {
  referral_tenant t;
  t.units = {{"hub", "生活福祉課", routing::unit_kind::hub},
             {"kodomo", "こども家庭支援課", routing::unit_kind::department},
             {"hikikomori", "ひきこもり支援", routing::unit_kind::platform_group},
             {"choju", "長寿支援課", routing::unit_kind::department}};
  t.consent_ttl = std::chrono::hours(72);
  return t;
}

class referral_pg : public routing_pg {
 protected:
  void SetUp() override {
    routing_pg::SetUp();
    if (IsSkipped()) {
      return;
    }
    console_.emplace(*svc_, session_policy{});
    referral_store_options o;
    o.url = url();
    o.tenants.emplace("yamagata", tenant_settings());
    o.tenants.emplace("sendai", yamagata_units());
    referrals_.emplace(*svc_, make_keys({1}), o);
    referrals_->start();
    kana_ = make_user("yamagata", "kana", routing::staff_role::counsellor);
    boss_ = make_user("yamagata", "boss", routing::staff_role::supervisor);
    hub_ = make_user("yamagata", "hub-o", routing::staff_role::officer, "hub");
    kodomo_ = make_user("yamagata", "kodomo-o", routing::staff_role::officer, "kodomo");
    hiki_ = make_user("yamagata", "hiki-o", routing::staff_role::officer, "hikikomori");
    choju_ = make_user("yamagata", "choju-o", routing::staff_role::officer, "choju");
    sendai_hub_ = make_user("sendai", "sendai-hub", routing::staff_role::officer, "hub");
    sendai_c_ = make_user("sendai", "sendai-c", routing::staff_role::counsellor);
  }

  void TearDown() override {
    if (referrals_) {
      referrals_->stop();
    }
    referrals_.reset();
    console_.reset();
  }

  [[nodiscard]] virtual referral_tenant tenant_settings() const { return yamagata_units(); }

  // No automatic answers: the outbox holds only what referrals write.
  [[nodiscard]] options routing_opts() const override { return opts(true); }

  template <typename T, typename Call>
  T call(Call start) {
    return await_store<T>(std::move(start), "store");
  }

  actor make_user(const std::string& tenant, const std::string& login, routing::staff_role role,
                  const std::string& unit = {}) {
    return actor_of(add_staff(*console_, tenant, new_staff{login, login + "さん", role, unit, password}));
  }

  // The resident writes; returns the consultation id.
  std::string resident_writes(const std::string& user, const std::string& id, const std::string& text) {
    const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    ingest({text_at(id, now_ms, text, user)});
    return sql(url(),
               "SELECT consultation_id::text FROM message WHERE line_message_id = 'm-" + id + "'")[0][0]
        .as<std::string>();
  }

  std::string message_id_of(const std::string& line_id) {
    return sql(url(),
               "SELECT message_id::text FROM message WHERE line_message_id = 'm-" + line_id + "'")[0][0]
        .as<std::string>();
  }

  void tap(const std::string& user, const std::string& id, const std::string& data) {
    event_spec s;
    s.webhook_event_id = id;
    s.type = "postback";
    s.user_id = user;
    s.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    s.reply_token = "rt-" + id;
    s.postback_data = data;
    ingest({event_of(s)});
  }

  referral_proposal proposal_for(const std::string& consultation, std::vector<std::string> units = {}) {
    referral_proposal p;
    p.consultation_id = consultation;
    p.summary = "30代の方。仕事を失い、家族との関係にも悩んでいる。";
    p.reason = "生活の立て直しに市の支援が要る";
    p.unit_ids = std::move(units);
    p.categories = {"仕事・就労関係", "家族関係"};
    return p;
  }

  op_result<referral_view> propose(const actor& who, const referral_proposal& p) {
    return call<op_result<referral_view>>([&](auto d) { referrals_->propose(who, p, d); });
  }
  std::vector<referral_view> list(const actor& who, const std::string& consultation) {
    auto r = call<op_result<std::vector<referral_view>>>(
        [&](auto d) { referrals_->list_for_consultation(who, consultation, d); });
    EXPECT_EQ(r.status, op_status::ok) << r.reason;
    return r.value;
  }
  // One page of an officer's inbox: its rows as `value`, and where the next page starts.
  struct inbox_answer {
    op_status status = op_status::ok;
    std::vector<officer_referral> value;
    std::string next_cursor;
  };
  inbox_answer inbox(const actor& who, std::size_t limit = officer_inbox_default_limit,
                     const std::string& after = {}) {
    auto r = call<op_result<officer_inbox_page>>([&](auto d) {
      referrals_->officer_inbox(who, officer_inbox_request{limit, after}, d);
    });
    return inbox_answer{r.status, std::move(r.value.items), std::move(r.value.next_cursor)};
  }
  op_result<officer_referral> detail(const actor& who, const std::string& id) {
    return call<op_result<officer_referral>>([&](auto d) { referrals_->officer_detail(who, id, d); });
  }
  op_result<officer_referral> forward(const actor& who, const std::string& id,
                                      std::vector<std::string> units) {
    return call<op_result<officer_referral>>([&](auto d) { referrals_->forward(who, id, units, d); });
  }
  op_result<officer_referral> answer(const actor& who, const std::string& id, const std::string& text) {
    return call<op_result<officer_referral>>([&](auto d) { referrals_->answer(who, id, text, d); });
  }
  op_result<officer_referral> give_back(const actor& who, const std::string& id) {
    return call<op_result<officer_referral>>([&](auto d) { referrals_->return_answers(who, id, d); });
  }
  op_result<referral_view> close(const actor& who, const std::string& id) {
    return call<op_result<referral_view>>([&](auto d) { referrals_->close(who, id, d); });
  }
  op_result<referral_view> emergency(const actor& who, const std::string& id, const std::string& basis,
                                     const std::string& reason) {
    return call<op_result<referral_view>>([&](auto d) {
      referrals_->emergency_send(who, id, emergency_basis{basis, reason}, d);
    });
  }
  op_result<referral_view> record(const actor& who, const std::string& id, bool granted,
                                  const std::string& msg) {
    return call<op_result<referral_view>>(
        [&](auto d) { referrals_->record_consent(who, id, granted, msg, d); });
  }
  op_result<referral_view> withdraw(const actor& who, const std::string& id, const std::string& msg) {
    return call<op_result<referral_view>>([&](auto d) { referrals_->withdraw(who, id, msg, d); });
  }

  // The consent request's LINE messages for the latest consent_request outbox row.
  json::array consent_request_messages() {
    const std::string m =
        open_sealed(url(), make_keys({1}),
                    "SELECT messages, messages_key_id FROM outbox WHERE kind = 'consent_request' "
                    "ORDER BY created_at DESC LIMIT 1",
                    "yamagata/outbox");
    return json::parse(m).as_array();
  }

  // The postback data of the button labelled `label` in the latest consent request.
  std::string button(const std::string& label) {
    const json::array messages = consent_request_messages();
    for (const auto& a : messages.at(1).at("template").at("actions").as_array()) {
      if (a.at("label").as_string() == label.c_str()) {
        return std::string(a.at("data").as_string());
      }
    }
    ADD_FAILURE() << "no button " << label;
    return {};
  }

  std::vector<std::string> events_of(const std::string& referral_id) {
    std::vector<std::string> out;
    for (const auto& row : sql(url(),
                               "SELECT event || ':' || coalesce(from_stage, '') || '>' || to_stage "
                               "FROM referral_event WHERE referral_id = '" +
                                   referral_id + "' ORDER BY event_seq")) {
      out.push_back(row[0].as<std::string>());
    }
    return out;
  }

  std::optional<console_store> console_;
  std::optional<referral_store> referrals_;
  actor kana_, boss_, hub_, kodomo_, hiki_, choju_, sendai_hub_, sendai_c_;
};

TEST_F(referral_pg, consent_by_postback_then_forward_answer_return_close) {
  const std::string c = resident_writes("U1", "a1", "仕事をなくして家族ともうまくいかない");
  const auto proposed = propose(kana_, proposal_for(c));
  ASSERT_EQ(proposed.status, op_status::ok) << proposed.reason;
  const referral_view& v = proposed.value;
  EXPECT_EQ(v.stage, "awaiting_consent");
  EXPECT_EQ(v.consent.state, "requested");
  EXPECT_EQ(v.number.size(), 9U);  // "YYYY-0001"
  EXPECT_EQ(v.number.substr(4), "-0001");
  EXPECT_EQ(v.suggested_units, std::vector<std::string>{"hub"});

  // The outbox row: the text names what and with whom; the template has both buttons.
  const json::array messages = consent_request_messages();
  ASSERT_EQ(messages.size(), 2U);
  const std::string text(messages.at(0).at("text").as_string());
  EXPECT_NE(text.find("生活福祉課"), std::string::npos);
  EXPECT_NE(text.find("仕事を失い"), std::string::npos);
  EXPECT_EQ(messages.at(1).at("template").at("type").as_string(), "confirm");
  const std::string grant = button("同意する");
  const std::string decline = button("同意しない");
  ASSERT_TRUE(routing::parse_consent_postback(grant).has_value());
  EXPECT_EQ(routing::parse_consent_postback(decline)->answer, routing::consent_answer::decline);

  // Not visible to the hub before consent.
  EXPECT_TRUE(inbox(hub_).value.empty());
  EXPECT_EQ(detail(hub_, v.referral_id).status, op_status::not_found);

  // Someone else tapping the same data changes nothing.
  tap("U-stranger", "p0", grant);
  EXPECT_EQ(list(kana_, c).at(0).stage, "awaiting_consent");

  tap("U1", "p1", grant);
  auto after = list(kana_, c).at(0);
  EXPECT_EQ(after.stage, "at_hub");
  EXPECT_EQ(after.consent.state, "granted");
  EXPECT_EQ(after.consent.answer_via, "postback");
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM referral_consent WHERE answer_webhook_event_id = 'p1' "
                  "AND answer_event_id IS NOT NULL AND answered_at IS NOT NULL"),
            1);
  // The resident got an acknowledgement by reply.
  EXPECT_EQ(
      count(url(), "SELECT count(*) FROM outbox WHERE kind = 'consent_ack' AND reply_token IS NOT NULL"), 1);

  // The hub sees it (summary, categories), audited.
  auto in = inbox(hub_);
  ASSERT_EQ(in.status, op_status::ok);
  ASSERT_EQ(in.value.size(), 1U);
  EXPECT_EQ(in.value[0].summary, proposal_for(c).summary);
  EXPECT_EQ(in.value[0].categories, (std::vector<std::string>{"仕事・就労関係", "家族関係"}));
  ASSERT_EQ(detail(hub_, v.referral_id).status, op_status::ok);
  // Listing is not a view of the referral; opening it is the one audited read.
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'referral.read' AND object_id = '" +
                             v.referral_id + "' AND actor_id = '" + hub_.user_id + "'"),
            1);
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'referral.read' AND actor_id = '" +
                             hub_.user_id + "' AND detail->>'view' = 'officer'"),
            1);
  EXPECT_GT(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'referral.read' AND actor_id = '" +
                             kana_.user_id + "' AND detail->>'view' = 'consultation'"),
            0);
  EXPECT_EQ(detail(kodomo_, v.referral_id).status, op_status::not_found);

  // Forward to a department and a platform group; each sees it, a third unit does not.
  ASSERT_EQ(forward(kodomo_, v.referral_id, {"kodomo"}).status, op_status::not_found);
  const auto fw = forward(hub_, v.referral_id, {"kodomo", "hikikomori"});
  ASSERT_EQ(fw.status, op_status::ok) << fw.reason;
  EXPECT_EQ(fw.value.stage, "forwarded");
  EXPECT_EQ(inbox(kodomo_).value.size(), 1U);
  EXPECT_EQ(inbox(hiki_).value.size(), 1U);
  EXPECT_TRUE(inbox(choju_).value.empty());
  EXPECT_EQ(detail(choju_, v.referral_id).status, op_status::not_found);
  EXPECT_EQ(answer(choju_, v.referral_id, "x").status, op_status::not_found);

  const auto a1 = answer(kodomo_, v.referral_id, "家庭相談員が面談できます");
  ASSERT_EQ(a1.status, op_status::ok) << a1.reason;
  EXPECT_EQ(a1.value.answers.size(), 1U);
  const auto again = answer(kodomo_, v.referral_id, "もう一度");
  EXPECT_EQ(again.status, op_status::conflict);
  EXPECT_EQ(again.reason, "unit_already_answered");
  const auto a2 = answer(hiki_, v.referral_id, "居場所の会を紹介できます");
  ASSERT_EQ(a2.status, op_status::ok) << a2.reason;
  EXPECT_EQ(a2.value.stage, "answered");
  EXPECT_EQ(a2.value.answers.size(), 1U);  // its own only

  // The counsellor cannot close before the hub returns the answers (answers through the hub).
  EXPECT_EQ(close(kana_, v.referral_id).reason, "not_returned");
  const auto back = give_back(hub_, v.referral_id);
  ASSERT_EQ(back.status, op_status::ok) << back.reason;
  EXPECT_EQ(back.value.answers.size(), 2U);

  auto shown = list(kana_, c).at(0);
  EXPECT_EQ(shown.stage, "returned");
  ASSERT_EQ(shown.answers.size(), 2U);
  EXPECT_EQ(shown.answers[0].text, "家庭相談員が面談できます");
  EXPECT_EQ(shown.answers[1].text, "居場所の会を紹介できます");

  const auto closed = close(kana_, v.referral_id);
  ASSERT_EQ(closed.status, op_status::ok) << closed.reason;
  EXPECT_EQ(closed.value.stage, "closed");

  EXPECT_EQ(events_of(v.referral_id),
            (std::vector<std::string>{"propose:>proposed", "request_consent:proposed>awaiting_consent",
                                      "consent.grant:awaiting_consent>at_hub", "forward:at_hub>forwarded",
                                      "answer:forwarded>forwarded", "answer:forwarded>answered",
                                      "return_answers:answered>returned", "close:returned>closed"}));
  // Live feed rows for the consultation and for the units.
  EXPECT_GT(count(url(), "SELECT count(*) FROM console_event WHERE kind = 'referral' AND unit = 'kodomo'"),
            0);
  EXPECT_GT(count(url(), "SELECT count(*) FROM console_event WHERE kind = 'referral' AND unit IS NULL"), 0);
  // Nothing is deleted.
  EXPECT_THROW(sql(url(), "DELETE FROM referral_event"), pqxx::sql_error);
  EXPECT_THROW(sql(url(), "DELETE FROM referral"), pqxx::sql_error);
}

TEST_F(referral_pg, declined_by_postback_cancels) {
  const std::string c = resident_writes("U2", "b1", "相談です");
  const auto v = propose(kana_, proposal_for(c, {"kodomo"}));
  ASSERT_EQ(v.status, op_status::ok) << v.reason;
  tap("U2", "b2", button("同意しない"));
  const auto shown = list(kana_, c).at(0);
  EXPECT_EQ(shown.stage, "cancelled");
  EXPECT_EQ(shown.cause, "consent_declined");
  EXPECT_EQ(shown.consent.state, "declined");
  EXPECT_TRUE(inbox(hub_).value.empty());
  EXPECT_TRUE(inbox(kodomo_).value.empty());
  // A later grant tap is refused by the rules (and ignored).
  tap("U2", "b3", button("同意する"));
  EXPECT_EQ(list(kana_, c).at(0).stage, "cancelled");
}

TEST_F(referral_pg, withdrawn_after_forwarding_leaves_only_the_notice) {
  const std::string c = resident_writes("U3", "w1", "相談です");
  const auto v = propose(kana_, proposal_for(c));
  ASSERT_EQ(v.status, op_status::ok);
  const std::string token = routing::parse_consent_postback(button("同意する"))->token;
  tap("U3", "w2", button("同意する"));
  ASSERT_EQ(forward(hub_, v.value.referral_id, {"kodomo"}).status, op_status::ok);
  tap("U3", "w3", routing::postback_data(routing::consent_answer::withdraw, token));
  const auto shown = list(kana_, c).at(0);
  EXPECT_EQ(shown.stage, "cancelled");
  EXPECT_EQ(shown.cause, "consent_withdrawn");
  EXPECT_EQ(shown.consent.state, "withdrawn");
  const auto seen = detail(kodomo_, v.value.referral_id);
  ASSERT_EQ(seen.status, op_status::ok);
  EXPECT_TRUE(seen.value.consent_withdrawn);
  EXPECT_TRUE(seen.value.summary.empty());
  EXPECT_TRUE(seen.value.categories.empty());
  EXPECT_EQ(seen.value.number, v.value.number);
}

TEST_F(referral_pg, counsellor_records_consent_and_withdrawal_from_messages) {
  const std::string c = resident_writes("U4", "r1", "相談です");
  sql(url(), "UPDATE message SET sent_at = sent_at - interval '1 hour'");  // well before the request
  const auto v = propose(kana_, proposal_for(c));
  ASSERT_EQ(v.status, op_status::ok);
  // A message older than the request cannot carry the answer.
  const auto early = record(kana_, v.value.referral_id, true, message_id_of("r1"));
  EXPECT_EQ(early.status, op_status::invalid);
  EXPECT_EQ(early.reason, "consent_before_request");
  resident_writes("U4", "r2", "はい、伝えてください");
  const auto granted = record(kana_, v.value.referral_id, true, message_id_of("r2"));
  ASSERT_EQ(granted.status, op_status::ok) << granted.reason;
  EXPECT_EQ(granted.value.stage, "at_hub");
  EXPECT_EQ(granted.value.consent.answer_via, "counsellor");
  resident_writes("U4", "r3", "やっぱりやめます");
  const auto withdrawn = withdraw(kana_, v.value.referral_id, message_id_of("r3"));
  ASSERT_EQ(withdrawn.status, op_status::ok) << withdrawn.reason;
  EXPECT_EQ(withdrawn.value.stage, "cancelled");
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'referral.consent_record'"), 2);
  EXPECT_EQ(count(url(),
                  "SELECT count(*) FROM referral_consent WHERE withdraw_via = 'counsellor' "
                  "AND withdraw_message_id IS NOT NULL AND withdraw_recorded_by = '" +
                      kana_.user_id + "'"),
            1);
}

TEST_F(referral_pg, a_message_written_less_than_a_second_before_the_request_cannot_carry_consent) {
  const std::string c = resident_writes("U6", "s1", "相談です");
  const auto v = propose(kana_, proposal_for(c));
  ASSERT_EQ(v.status, op_status::ok);
  // The request's time has whole seconds; a message 0.4 s before it must not round up to it.
  sql(url(),
      "UPDATE message m SET sent_at = r.requested_at - interval '0.4 seconds' FROM referral_consent r "
      "WHERE r.referral_id = '" +
          v.value.referral_id + "' AND m.direction = 'in'");
  const auto early = record(kana_, v.value.referral_id, true, message_id_of("s1"));
  EXPECT_EQ(early.status, op_status::invalid);
  EXPECT_EQ(early.reason, "consent_before_request");
}

TEST_F(referral_pg, requests_expire_when_looked_at_and_by_the_sweep) {
  const std::string c = resident_writes("U5", "e1", "相談です");
  const auto one = propose(kana_, proposal_for(c));
  const auto two = propose(kana_, proposal_for(c));
  ASSERT_EQ(one.status, op_status::ok);
  ASSERT_EQ(two.status, op_status::ok);
  EXPECT_NE(one.value.number, two.value.number);
  sql(url(),
      "UPDATE referral_consent SET requested_at = requested_at - interval '73 hours', "
      "expires_at = expires_at - interval '73 hours'");
  // One sweep at a time: while another instance holds the lock, a sweep does nothing.
  {
    pqxx::connection other(url());
    pqxx::nontransaction tx(other);
    tx.exec("SELECT pg_advisory_lock(x'79727366'::bigint)");
    EXPECT_EQ(sweep_expired_consents(url()), 0U);
    tx.exec("SELECT pg_advisory_unlock(x'79727366'::bigint)");
  }
  // The sweep expires them all (and cancels their referrals)…
  EXPECT_EQ(sweep_expired_consents(url()), 2U);
  EXPECT_EQ(sweep_expired_consents(url()), 0U);
  for (const auto& r : list(kana_, c)) {
    EXPECT_EQ(r.stage, "cancelled");
    EXPECT_EQ(r.cause, "consent_expired");
    EXPECT_EQ(r.consent.state, "expired");
  }
  // …and a tap after the deadline changes nothing.
  tap("U5", "e2", button("同意する"));
  EXPECT_EQ(count(url(), "SELECT count(*) FROM referral WHERE stage = 'at_hub'"), 0);
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM referral_event WHERE event = 'consent.expire' AND actor_kind = 'system'"),
      2);
}

TEST_F(referral_pg, looking_at_an_old_request_expires_it) {
  const std::string c = resident_writes("U6", "x1", "相談です");
  ASSERT_EQ(propose(kana_, proposal_for(c)).status, op_status::ok);
  sql(url(),
      "UPDATE referral_consent SET requested_at = requested_at - interval '80 hours', "
      "expires_at = expires_at - interval '80 hours'");
  const auto shown = list(kana_, c).at(0);
  EXPECT_EQ(shown.stage, "cancelled");
  EXPECT_EQ(shown.consent.state, "expired");
}

TEST_F(referral_pg, emergency_needs_a_supervisor_a_basis_and_a_reason) {
  const std::string c = resident_writes("U7", "m1", "もう限界です");
  const auto v = propose(kana_, proposal_for(c, {"kodomo"}));
  ASSERT_EQ(v.status, op_status::ok);
  const std::string id = v.value.referral_id;
  EXPECT_EQ(emergency(kana_, id, "appi_27_1_2", "命の危険").reason, "emergency_needs_supervisor");
  const auto no_basis = emergency(boss_, id, "", "命の危険");
  EXPECT_EQ(no_basis.status, op_status::invalid);
  EXPECT_EQ(no_basis.reason, "emergency_needs_basis");
  EXPECT_EQ(emergency(boss_, id, "appi_27_1_2", " ").reason, "emergency_needs_reason");
  EXPECT_EQ(count(url(), "SELECT count(*) FROM audit_event WHERE action = 'referral.emergency'"), 0);

  const auto sent = emergency(boss_, id, "appi_27_1_2", "自殺の危険が差し迫っている");
  ASSERT_EQ(sent.status, op_status::ok) << sent.reason;
  EXPECT_TRUE(sent.value.emergency);
  EXPECT_EQ(sent.value.legal_basis, "appi_27_1_2");
  EXPECT_EQ(sent.value.stage, "at_hub");
  EXPECT_EQ(
      count(url(), "SELECT count(*) FROM audit_event WHERE action = 'referral.emergency' AND actor_id = '" +
                       boss_.user_id + "' AND detail->>'legal_basis' = 'appi_27_1_2'"),
      1);
  const auto seen = inbox(hub_);
  ASSERT_EQ(seen.value.size(), 1U);
  EXPECT_TRUE(seen.value[0].emergency);

  // Proposed as an emergency at once: no consent request goes to the resident.
  auto p = proposal_for(c);
  p.emergency = emergency_basis{"", "急ぎ"};
  EXPECT_EQ(propose(boss_, p).reason, "emergency_needs_basis");
  p.emergency = emergency_basis{"appi_27_1_2", "急ぎ"};
  const auto direct = propose(boss_, p);
  ASSERT_EQ(direct.status, op_status::ok) << direct.reason;
  EXPECT_TRUE(direct.value.emergency);
  EXPECT_EQ(direct.value.consent.state, "");
  EXPECT_EQ(count(url(), "SELECT count(*) FROM outbox WHERE kind = 'consent_request'"), 1);
}

TEST_F(referral_pg, the_inbox_pages_newest_first_without_locks_or_audit_rows) {
  const std::string c = resident_writes("U9", "q1", "相談です");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto p = proposal_for(c);
    p.emergency = emergency_basis{"appi_27_1_2", "急ぎ"};
    const auto sent = propose(boss_, p);
    ASSERT_EQ(sent.status, op_status::ok) << sent.reason;
    ids.push_back(sent.value.referral_id);
  }
  const std::string audited_reads =
      "SELECT count(*) FROM audit_event WHERE action = 'referral.read' AND actor_id = '" + hub_.user_id + "'";

  // A writer holding every referral row does not hold the list up (the list would wait on a lock).
  pqxx::connection holder(url());
  pqxx::work held(holder);
  held.exec("SELECT 1 FROM referral FOR UPDATE");
  const auto first = inbox(hub_, 2);
  ASSERT_EQ(first.status, op_status::ok);
  ASSERT_EQ(first.value.size(), 2U);
  ASSERT_FALSE(first.next_cursor.empty());
  const auto second = inbox(hub_, 2, first.next_cursor);
  ASSERT_EQ(second.status, op_status::ok);
  ASSERT_EQ(second.value.size(), 1U);
  EXPECT_TRUE(second.next_cursor.empty());
  held.abort();

  // Every referral once, newest first.
  std::vector<std::string> seen;
  std::vector<time_point> made;
  for (const auto* page : {&first, &second}) {
    for (const auto& r : page->value) {
      seen.push_back(r.referral_id);
      made.push_back(r.created_at);
    }
  }
  EXPECT_TRUE(std::is_sorted(made.rbegin(), made.rend()));
  std::sort(seen.begin(), seen.end());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(inbox(hub_, 3).value.size(), 3U);
  EXPECT_TRUE(inbox(hub_, 3).next_cursor.empty());

  // Listing wrote no audit row; opening one writes one.
  EXPECT_EQ(count(url(), audited_reads), 0);
  ASSERT_EQ(detail(hub_, ids[0]).status, op_status::ok);
  EXPECT_EQ(count(url(), audited_reads), 1);
}

TEST_F(referral_pg, other_tenants_and_units_find_nothing) {
  const std::string c = resident_writes("U8", "t1", "相談です");
  const auto v = propose(kana_, proposal_for(c));
  ASSERT_EQ(v.status, op_status::ok);
  tap("U8", "t2", button("同意する"));
  EXPECT_EQ(detail(sendai_hub_, v.value.referral_id).status, op_status::not_found);
  EXPECT_TRUE(inbox(sendai_hub_).value.empty());
  EXPECT_EQ(forward(sendai_hub_, v.value.referral_id, {"kodomo"}).status, op_status::not_found);
  EXPECT_EQ(call<op_result<std::vector<referral_view>>>([&](auto d) {
              referrals_->list_for_consultation(sendai_c_, c, d);
            }).status,
            op_status::not_found);
  EXPECT_EQ(close(sendai_c_, v.value.referral_id).status, op_status::not_found);
  EXPECT_EQ(detail(kodomo_, v.value.referral_id).status, op_status::not_found);
  EXPECT_EQ(detail(hub_, "not-a-uuid").status, op_status::not_found);
  // Proposals check units and content through the rules.
  EXPECT_EQ(propose(kana_, proposal_for(c, {"nowhere"})).reason, "unknown_unit");
  auto blank = proposal_for(c);
  blank.summary = "　";
  EXPECT_EQ(propose(kana_, blank).reason, "empty_summary");
  EXPECT_EQ(propose(hub_, proposal_for(c)).reason, "not_counsellor");
}

TEST_F(referral_pg, numbers_are_gap_free_under_concurrency) {
  const std::string c = resident_writes("U9", "n1", "相談です");
  constexpr int n = 8;
  std::vector<std::future<op_result<referral_view>>> results;
  for (int i = 0; i < n; ++i) {
    auto p = std::make_shared<std::promise<op_result<referral_view>>>();
    results.push_back(p->get_future());
    referrals_->propose(kana_, proposal_for(c),
                        [p](op_result<referral_view> r) { p->set_value(std::move(r)); });
  }
  std::set<std::string> numbers;
  for (auto& f : results) {
    ASSERT_EQ(f.wait_for(wait_limit), std::future_status::ready);
    const auto r = f.get();
    ASSERT_EQ(r.status, op_status::ok) << r.reason;
    numbers.insert(r.value.number.substr(5));
  }
  std::set<std::string> expected;
  for (int i = 1; i <= n; ++i) {
    expected.insert((i < 10 ? "000" : "00") + std::to_string(i));
  }
  EXPECT_EQ(numbers, expected);
}

// A tenant that skips the hub: consent sends straight to the units, answers come back by themselves.
class referral_no_hub_pg : public referral_pg {
 protected:
  [[nodiscard]] referral_tenant tenant_settings() const override {
    referral_tenant t = yamagata_units();
    t.hub_skipped = true;
    t.answers_through_hub = false;
    return t;
  }
};

TEST_F(referral_no_hub_pg, consent_goes_to_the_units_and_answers_return_directly) {
  const std::string c = resident_writes("U10", "h1", "相談です");
  EXPECT_EQ(propose(kana_, proposal_for(c)).reason, "no_units");
  const auto v = propose(kana_, proposal_for(c, {"kodomo"}));
  ASSERT_EQ(v.status, op_status::ok) << v.reason;
  tap("U10", "h2", button("同意する"));
  EXPECT_EQ(list(kana_, c).at(0).stage, "forwarded");
  EXPECT_TRUE(inbox(hub_).value.empty());
  const auto a = answer(kodomo_, v.value.referral_id, "対応できます");
  ASSERT_EQ(a.status, op_status::ok) << a.reason;
  EXPECT_EQ(a.value.stage, "returned");
  EXPECT_EQ(close(kana_, v.value.referral_id).status, op_status::ok);
  EXPECT_EQ(
      count(url(),
            "SELECT count(*) FROM referral_event WHERE event = 'return_answers' AND actor_kind = 'system'"),
      1);
}

}  // namespace
}  // namespace yorisoi::storage::pgtest
