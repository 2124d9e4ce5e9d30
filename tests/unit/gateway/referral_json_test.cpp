// The referral API's JSON: the schemas, what officers never see, the request
// bodies' validation, refusals with their reason, and who receives which live event.
#include "yorisoi/gateway/api_referral_json.hpp"
#include "yorisoi/gateway/event_audience.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <chrono>

namespace yorisoi::gateway {
namespace {

using namespace std::chrono_literals;

storage::time_point noon() {
  return storage::time_point(std::chrono::sys_days(std::chrono::year{2026} / 11 / 25).time_since_epoch() +
                             12h);
}

config::tenant sample_tenant() {
  config::tenant t;
  t.id = "yamagata";
  t.categories = {"家族関係", "孤独・孤立", "介護"};
  t.org_units = {{"hub", "生活福祉課", config::org_unit_kind::hub, {}},
                 {"kodomo", "こども家庭課", config::org_unit_kind::department, {}}};
  return t;
}

boost::json::object parse(const std::string& text) {
  return boost::json::parse(text).as_object();
}

TEST(referral_json, counsellors_view_follows_the_schema) {
  storage::referral_view r;
  r.referral_id = "r1";
  r.number = "2026-0001";
  r.consultation_id = "c1";
  r.stage = "awaiting_consent";
  r.summary = "共有する内容";
  r.reason = "理由";
  r.suggested_units = {"hub"};
  r.categories = {"介護"};
  r.consent.state = "requested";
  r.consent.requested_at = noon();
  r.consent.expires_at = noon() + 72h;
  r.created_at = noon();
  const auto o = parse(referral_json(r));
  EXPECT_EQ(o.at("number"), "2026-0001");
  EXPECT_EQ(o.at("consultation_id"), "c1");
  EXPECT_EQ(o.at("cause"), "none");
  EXPECT_EQ(o.at("emergency"), false);
  EXPECT_TRUE(o.at("legal_basis").is_null());
  EXPECT_EQ(o.at("reason"), "理由");
  EXPECT_EQ(o.at("suggested_units").as_array().size(), 1u);
  EXPECT_EQ(o.at("recipients").as_array().size(), 0u);
  const auto& consent = o.at("consent").as_object();
  EXPECT_EQ(consent.at("state"), "requested");
  EXPECT_EQ(consent.at("requested_at"), "2026-11-25T12:00:00Z");
  EXPECT_EQ(consent.at("expires_at"), "2026-11-28T12:00:00Z");
  EXPECT_TRUE(consent.at("answered_at").is_null());
  EXPECT_TRUE(consent.at("answer_via").is_null());
  EXPECT_TRUE(consent.at("withdrawn_at").is_null());
  EXPECT_EQ(o.at("created_at"), "2026-11-25T12:00:00Z");

  storage::referral_view never_asked;
  EXPECT_EQ(parse(referral_json(never_asked)).at("consent").as_object().at("state"), "none");
  EXPECT_EQ(parse(referral_list_json({r, r})).at("items").as_array().size(), 2u);
}

TEST(referral_json, officers_view_carries_no_consultation_reason_or_transcript) {
  storage::officer_referral r;
  r.referral_id = "r1";
  r.number = "2026-0002";
  r.stage = "forwarded";
  r.summary = "共有する内容";
  r.recipients = {"kodomo"};
  r.answers = {{"kodomo", "こども家庭課", "訪問します", noon()}};
  r.answered_by_my_unit = true;
  r.created_at = noon();
  const auto o = parse(officer_referral_json(r));
  for (const char* hidden : {"consultation_id", "reason", "messages", "notes", "consent", "line_user_id"}) {
    EXPECT_FALSE(o.contains(hidden)) << hidden;
  }
  EXPECT_EQ(o.at("answered_by_my_unit"), true);
  EXPECT_EQ(o.at("consent_withdrawn"), false);
  const auto& answer = o.at("answers").as_array().at(0).as_object();
  EXPECT_EQ(answer.at("unit_name"), "こども家庭課");
  EXPECT_EQ(answer.at("answered_at"), "2026-11-25T12:00:00Z");

  const auto tenant = sample_tenant();
  const auto inbox = parse(officer_inbox_json(&tenant.org_units[0], storage::officer_inbox_page{{r}, ""}));
  EXPECT_EQ(inbox.at("unit").as_object().at("kind"), "hub");
  EXPECT_EQ(inbox.at("unit").as_object().at("name"), "生活福祉課");
  EXPECT_EQ(inbox.at("items").as_array().size(), 1u);
  EXPECT_TRUE(inbox.at("next_cursor").is_null());
}

TEST(referral_parse, proposal) {
  const auto tenant = sample_tenant();
  const auto ok = parse_referral_proposal(
      R"({"summary":"内容","unit_ids":["kodomo"],"reason":"理由","categories":["介護","家族関係"]})", tenant);
  ASSERT_TRUE(ok.value);
  EXPECT_EQ(ok.value->unit_ids, std::vector<std::string>{"kodomo"});
  EXPECT_EQ(ok.value->categories, (std::vector<std::string>{"家族関係", "介護"}));  // the tenant's order
  EXPECT_FALSE(ok.value->emergency);

  const auto hub = parse_referral_proposal(R"({"summary":"内容","unit_ids":[],"reason":"理由"})", tenant);
  ASSERT_TRUE(hub.value);
  EXPECT_TRUE(hub.value->unit_ids.empty());

  const auto emergency =
      parse_referral_proposal(R"({"summary":"内容","unit_ids":[],"reason":"理由","categories":[],)"
                              R"("emergency":{"legal_basis":"appi_27_1_2","reason":"生命の危険"}})",
                              tenant);
  ASSERT_TRUE(emergency.value);
  ASSERT_TRUE(emergency.value->emergency);
  EXPECT_EQ(emergency.value->emergency->legal_basis, "appi_27_1_2");

  // The basis is the store's to judge (422 with its reason), not the parser's.
  EXPECT_TRUE(
      parse_referral_proposal(R"({"summary":"内容","unit_ids":[],"reason":"理由","emergency":{}})", tenant)
          .value);

  const auto unknown = parse_referral_proposal(
      R"({"summary":"内容","unit_ids":[],"reason":"理由","categories":["占い"]})", tenant);
  ASSERT_FALSE(unknown.value);
  EXPECT_EQ(unknown.error.status, 422u);
  EXPECT_EQ(unknown.error.reason, "unknown_category");

  const std::string too_long(2001, 'a');
  for (const std::string& body : {
           std::string("not json"),
           std::string(R"({"unit_ids":[],"reason":"r"})"),
           std::string(R"({"summary":"","unit_ids":[],"reason":"r"})"),
           R"({"summary":")" + too_long + R"(","unit_ids":[],"reason":"r"})",
           std::string(R"({"summary":"s","unit_ids":"hub","reason":"r"})"),
           std::string(R"({"summary":"s","unit_ids":[1],"reason":"r"})"),
           std::string(R"({"summary":"s","unit_ids":[],"reason":3})"),
           std::string(R"({"summary":"s","unit_ids":[],"reason":"r","emergency":"yes"})"),
           std::string(R"({"summary":"s","unit_ids":[],"reason":"r","extra":1})"),
       }) {
    const auto refused = parse_referral_proposal(body, tenant);
    EXPECT_FALSE(refused.value) << body;
    EXPECT_EQ(refused.error.status, 400u) << body;
  }
}

TEST(referral_parse, consent_withdrawal_emergency_forward) {
  const auto granted = parse_consent_record(R"({"granted":true,"message_id":"m1"})");
  ASSERT_TRUE(granted.value);
  EXPECT_TRUE(granted.value->granted);
  EXPECT_FALSE(parse_consent_record(R"({"granted":"yes","message_id":"m1"})").value);
  EXPECT_FALSE(parse_consent_record(R"({"granted":false})").value);

  EXPECT_EQ(parse_withdrawal(R"({"message_id":"m2"})").value.value_or(""), "m2");
  EXPECT_FALSE(parse_withdrawal(R"({})").value);

  const auto basis = parse_emergency_basis(R"({"legal_basis":"appi_27_1_2","reason":"危険"})");
  ASSERT_TRUE(basis.value);
  EXPECT_EQ(basis.value->reason, "危険");
  EXPECT_FALSE(parse_emergency_basis(R"({"legal_basis":1})").value);

  const auto units = parse_forward(R"({"unit_ids":["kodomo","hiki"]})");
  ASSERT_TRUE(units.value);
  EXPECT_EQ(units.value->size(), 2u);
  EXPECT_EQ(parse_forward(R"({"unit_ids":[]})").error.status, 400u);
  EXPECT_EQ(parse_forward(R"({"unit_ids":"kodomo"})").error.status, 400u);
}

TEST(referral_json, refusals_carry_the_rules_reason) {
  const auto e = refusal_error("conflict", "not_awaiting_consent");
  EXPECT_EQ(e.status, 409u);
  const auto o = parse(error_json(e));
  EXPECT_EQ(o.at("error"), "conflict");
  EXPECT_EQ(o.at("reason"), "not_awaiting_consent");
  EXPECT_FALSE(o.at("message").as_string().empty());
  const auto unknown = refusal_error("invalid", "some_new_rule");
  EXPECT_EQ(unknown.status, 422u);
  EXPECT_EQ(unknown.message, make_api_error("invalid").message);
  EXPECT_EQ(parse(error_json(make_api_error("invalid"))).contains("reason"), false);
}

TEST(event_audience, each_event_reaches_its_audience_only) {
  storage::actor counsellor;
  counsellor.role = routing::staff_role::counsellor;
  storage::actor hub_officer;
  hub_officer.role = routing::staff_role::officer;
  hub_officer.org_unit = "hub";
  storage::actor kodomo_officer = hub_officer;
  kodomo_officer.org_unit = "kodomo";
  storage::actor admin;
  admin.role = routing::staff_role::admin;

  const storage::console_event message{1, "yamagata", "message", "c1", "m1", noon(), "", ""};
  const storage::console_event for_counsellors{2, "yamagata", "referral", "c1", "", noon(), "r1", ""};
  storage::console_event for_hub = for_counsellors;
  for_hub.event_id = 3;
  for_hub.unit = "hub";

  EXPECT_TRUE(event_for(message, audience_of(counsellor)));
  EXPECT_FALSE(event_for(message, audience_of(hub_officer)));
  EXPECT_FALSE(event_for(message, audience_of(admin)));

  const auto seen = event_for(for_counsellors, audience_of(counsellor));
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->consultation_id, "c1");
  EXPECT_FALSE(event_for(for_counsellors, audience_of(hub_officer)));
  EXPECT_FALSE(event_for(for_hub, audience_of(counsellor)));
  EXPECT_FALSE(event_for(for_hub, audience_of(kodomo_officer)));
  EXPECT_FALSE(event_for(for_hub, audience_of(admin)));

  const auto officer_seen = event_for(for_hub, audience_of(hub_officer));
  ASSERT_TRUE(officer_seen);
  EXPECT_TRUE(officer_seen->consultation_id.empty());
  const auto o = parse(event_json(*officer_seen));
  EXPECT_TRUE(o.at("consultation_id").is_null());
  EXPECT_EQ(o.at("referral_id"), "r1");
  EXPECT_EQ(o.at("kind"), "referral");
}

}  // namespace
}  // namespace yorisoi::gateway
