// The console API's JSON: schemas as api.md writes them, errors, and body validation tables.
#include "yorisoi/gateway/api_json.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace yorisoi::gateway {
namespace {

using namespace std::chrono_literals;

storage::time_point at(int seconds_after_noon) {
  // 2026-11-25T12:00:00Z
  return storage::time_point(std::chrono::sys_days(std::chrono::year{2026} / 11 / 25).time_since_epoch() +
                             12h + std::chrono::seconds(seconds_after_noon));
}

config::tenant sample_tenant() {
  config::tenant t;
  t.id = "yamagata";
  t.name = "山形市";
  t.categories = {"家族関係", "孤独・孤立", "介護"};
  t.age_bands = {"10代", "20代"};
  t.templates = {{"greet", "挨拶", "こんばんは"}};
  t.org_units = {{"hub", "生活福祉課", config::org_unit_kind::hub, {}}};
  return t;
}

TEST(api_json, times_are_rfc3339_utc_seconds) {
  EXPECT_EQ(format_time(at(0)), "2026-11-25T12:00:00Z");
  EXPECT_EQ(format_time(at(-12 * 3600 - 1)), "2026-11-24T23:59:59Z");
  EXPECT_EQ(format_time(at(0) + 999ms), "2026-11-25T12:00:00Z");
}

TEST(api_json, errors_follow_the_contract) {
  const auto e = make_api_error("bad_credentials");
  EXPECT_EQ(e.status, 401u);
  EXPECT_EQ(error_json(e),
            R"({"error":"bad_credentials","message":"ログイン名またはパスワードが違います。"})");
  EXPECT_EQ(make_api_error("csrf").status, 403u);
  EXPECT_EQ(make_api_error("unsupported_media_type").status, 415u);
  EXPECT_EQ(make_api_error("throttled").status, 429u);
  EXPECT_EQ(make_api_error("no such code").status, 500u);
}

TEST(api_json, queue_item_nulls_and_assignment) {
  storage::queue_item item;
  item.consultation_id = "c1";
  item.resident_label = "R-3F9A";
  item.resident_id = "3f9a0000-0000-4000-8000-000000000001";
  item.state = "waiting";
  item.urgent = true;
  item.opened_at = at(0);
  item.last_message_at = at(60);
  item.waiting_since = at(60);
  item.risk = "high";  // urgent: a crisis keyword reads as 高
  item.risk_source = "keyword";
  EXPECT_EQ(
      queue_item_json(item),
      R"({"consultation_id":"c1","resident_label":"R-3F9A","resident_id":"3f9a0000-0000-4000-8000-000000000001",)"
      R"("state":"waiting","urgent":true,"arrival":null,)"
      R"("opened_at":"2026-11-25T12:00:00Z","last_message_at":"2026-11-25T12:01:00Z",)"
      R"("waiting_since":"2026-11-25T12:01:00Z","due_at":null,"closed_at":null,"assigned_to":null,)"
      R"("age_band":null,"categories":[],"risk":"high","risk_source":"keyword","risk_set":null,"risk_lowered":false,"inbox_parked_at":null})");
  item.assigned_to = "u1";
  item.assigned_name = "佐藤";
  item.arrival = "staffed";
  item.categories = {"介護"};
  item.inbox_parked_at = at(120);  // one of the resident's LINE events could not be applied
  const auto json = queue_item_json(item);
  EXPECT_NE(json.find(R"("inbox_parked_at":"2026-11-25T12:02:00Z")"), std::string::npos);
  EXPECT_NE(json.find(R"("assigned_to":{"user_id":"u1","display_name":"佐藤"})"), std::string::npos);
  EXPECT_NE(json.find(R"("arrival":"staffed")"), std::string::npos);
  EXPECT_NE(json.find(R"("categories":["介護"])"), std::string::npos);
}

TEST(api_json, queue_rows_carry_their_triage_and_pages_their_cursor) {
  storage::queue_item item;
  item.consultation_id = "c1";
  EXPECT_EQ(queue_item_json(item).find("unread_count"), std::string::npos);  // not a queue row
  storage::queue_triage triage;
  triage.preview = "眠れない";
  triage.unread = 2;
  triage.wrote_back = true;
  triage.queue_key = "1-key";
  item.triage = triage;
  const auto json = queue_item_json(item);
  EXPECT_NE(json.find(R"("preview":"眠れない","unread_count":2,"wrote_back":true,"referral_answered":false,)"
                      R"("queue_key":"1-key")"),
            std::string::npos);
  storage::queue_page page;
  EXPECT_NE(queue_page_json(page).find(R"("next_cursor":null)"), std::string::npos);
  page.next_cursor = "1-key";
  EXPECT_NE(queue_page_json(page).find(R"("next_cursor":"1-key")"), std::string::npos);
}

TEST(api_json, session_and_staff) {
  storage::session_info s;
  s.user.user_id = "u1";
  s.user.login = "sato";
  s.user.display_name = "佐藤";
  s.user.role = routing::staff_role::counsellor;
  s.csrf_token = "csrf";
  s.expires_at = at(3600);
  EXPECT_EQ(
      session_json(s, sample_tenant()),
      R"({"user":{"user_id":"u1","login":"sato","display_name":"佐藤","role":"counsellor","org_unit":null},)"
      R"("tenant":{"id":"yamagata","name":"山形市"},"csrf_token":"csrf","expires_at":"2026-11-25T13:00:00Z",)"
      R"("must_change_password":false,"second_factor":false,"second_factor_enrolment_required":false})");
  storage::staff_user officer = s.user;
  officer.role = routing::staff_role::officer;
  officer.org_unit = "hub";
  officer.disabled = true;
  officer.created_at = at(0);
  EXPECT_EQ(
      staff_list_json({officer}),
      R"({"items":[{"user_id":"u1","login":"sato","display_name":"佐藤","role":"officer","org_unit":"hub",)"
      R"("disabled":true,"created_at":"2026-11-25T12:00:00Z","pending_role":null,"pending_role_by":null,)"
      R"("pending_since":null,"role_unconfirmed":false}]})");
  // A raise awaiting another admin's confirmation.
  officer.disabled = false;
  officer.pending_role = "counsellor";
  officer.pending_role_by = "a1";
  officer.pending_since = at(60);
  EXPECT_NE(staff_json(officer).find(R"("pending_role":"counsellor","pending_role_by":"a1",)"
                                     R"("pending_since":"2026-11-25T12:01:00Z","role_unconfirmed":false})"),
            std::string::npos)
      << staff_json(officer);
}

TEST(api_json, tenant_lists_vocabularies) {
  EXPECT_EQ(
      tenant_json(sample_tenant()),
      R"({"id":"yamagata","name":"山形市","categories":["家族関係","孤独・孤立","介護"],"age_bands":["10代","20代"],)"
      R"("templates":[{"id":"greet","title":"挨拶","text":"こんばんは"}],)"
      R"("org_units":[{"id":"hub","name":"生活福祉課","kind":"hub"}]})");
}

TEST(api_json, consultation_messages_notes_and_events) {
  storage::consultation_detail d;
  d.summary.consultation_id = "c1";
  storage::transcript_message in;
  in.message_id = "m1";
  in.direction = "in";
  in.kind = "sticker";
  in.sent_at = at(0);
  storage::transcript_message out;
  out.message_id = "m2";
  out.direction = "out";
  out.kind = "reply";
  out.text = "はい";
  out.sent_at = at(1);
  out.origin = "counsellor";
  out.delivery = "failed";
  out.delivery_error = "blocked";
  out.author_name = "佐藤";
  d.messages = {in, out};
  d.notes = {{"n1", "u1", "佐藤", "メモ", at(2)}};
  const auto json = consultation_json(d);
  EXPECT_NE(json.find(R"({"message_id":"m1","direction":"in","kind":"sticker","text":null,)"
                      R"("sent_at":"2026-11-25T12:00:00Z","withdrawn":false,"origin":null,"delivery":null,)"
                      R"("delivery_error":null,"author_name":null})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("text":"はい")"), std::string::npos);
  EXPECT_NE(
      json.find(R"("notes":[{"note_id":"n1","author":{"user_id":"u1","display_name":"佐藤"},"text":"メモ",)"
                R"("created_at":"2026-11-25T12:00:02Z","whisper_to":null}])"),
      std::string::npos)
      << json;

  storage::console_event e{42, "yamagata", "queue", "c1", "", at(0), "", ""};
  EXPECT_EQ(
      event_json(e),
      R"({"event_id":42,"kind":"queue","consultation_id":"c1","message_id":null,"at":"2026-11-25T12:00:00Z",)"
      R"("referral_id":null,"user_id":null,"resident_id":null})");
  storage::console_event staff{43, "yamagata", "staff", "", "", at(0), "", "", "u9"};
  EXPECT_EQ(
      event_json(staff),
      R"({"event_id":43,"kind":"staff","consultation_id":null,"message_id":null,"at":"2026-11-25T12:00:00Z",)"
      R"("referral_id":null,"user_id":"u9","resident_id":null})");
  EXPECT_EQ(
      resync_event_json(99, at(0)),
      R"({"event_id":99,"kind":"resync","consultation_id":null,"message_id":null,"at":"2026-11-25T12:00:00Z",)"
      R"("referral_id":null,"user_id":null,"resident_id":null})");
}

TEST(api_parse, login_and_password) {
  EXPECT_TRUE(parse_login(R"({"login":"a","password":"b"})").value);
  for (const char* bad : {"", "{", "[]", R"({"login":"a"})", R"({"login":1,"password":"b"})", "null"}) {
    const auto r = parse_login(bad);
    EXPECT_FALSE(r.value) << bad;
    EXPECT_EQ(r.error.status, 400u) << bad;
  }
  EXPECT_EQ(parse_password_change(R"({"current_password":"x","new_password":"short"})").error.status, 422u);
  // Twelve characters, counted as characters and not bytes.
  EXPECT_TRUE(
      parse_password_change(R"({"current_password":"x","new_password":"あいうえおかきくけこさし"})").value);
  EXPECT_EQ(parse_password_change(R"({"current_password":"x","new_password":"あいうえおかきくけこさ"})")
                .error.status,
            422u);
}

TEST(api_parse, staff) {
  const auto ok = parse_new_staff(
      R"({"login":"k","display_name":"K","role":"officer","org_unit":"hub","password":"123456789012"})");
  ASSERT_TRUE(ok.value);
  EXPECT_EQ(ok.value->role, routing::staff_role::officer);
  EXPECT_EQ(ok.value->org_unit, "hub");
  EXPECT_EQ(parse_new_staff(R"({"login":"k","display_name":"K","role":"boss","password":"123456789012"})")
                .error.status,
            422u);
  EXPECT_EQ(
      parse_new_staff(R"({"login":"k","display_name":"K","role":"admin","password":"1234"})").error.status,
      422u);
  EXPECT_EQ(parse_new_staff(R"({"login":"k","role":"admin","password":"123456789012"})").error.status, 400u);

  const auto patch = parse_staff_patch(R"({"disabled":true,"org_unit":null})");
  ASSERT_TRUE(patch.value);
  EXPECT_EQ(patch.value->disabled, true);
  EXPECT_EQ(patch.value->org_unit, std::string());
  EXPECT_FALSE(patch.value->role);
  EXPECT_EQ(parse_staff_patch(R"({"disabled":"yes"})").error.status, 400u);
  EXPECT_EQ(parse_staff_patch(R"({"role":"nobody"})").error.status, 422u);
  EXPECT_EQ(parse_staff_patch(R"({"colour":"red"})").error.status, 400u);
}

TEST(api_parse, text_limits) {
  EXPECT_EQ(parse_text(R"({"text":"こんばんは"})").value, "こんばんは");
  EXPECT_EQ(parse_text(R"({"text":""})").error.status, 400u);
  EXPECT_EQ(parse_text(R"({"text":5})").error.status, 400u);
  const std::string longest(max_text_chars, 'a');
  EXPECT_TRUE(parse_text(R"({"text":")" + longest + R"("})").value);
  EXPECT_EQ(parse_text(R"({"text":")" + longest + R"(a"})").error.status, 400u);
}

TEST(api_parse, tags_against_the_tenant) {
  const auto tenant = sample_tenant();
  const auto ok = parse_tags(R"({"categories":["介護","家族関係","介護"],"age_band":"20代"})", tenant);
  ASSERT_TRUE(ok.value);
  EXPECT_EQ(ok.value->categories, (std::vector<std::string>{"家族関係", "介護"}));
  EXPECT_EQ(ok.value->age_band, "20代");
  const auto none = parse_tags(R"({"categories":[],"age_band":null})", tenant);
  ASSERT_TRUE(none.value);
  EXPECT_EQ(none.value->age_band, "");
  EXPECT_EQ(parse_tags(R"({"categories":["恋愛関係"],"age_band":null})", tenant).error.status, 422u);
  EXPECT_EQ(parse_tags(R"({"categories":[],"age_band":"90代"})", tenant).error.status, 422u);
  EXPECT_EQ(parse_tags(R"({"categories":"介護","age_band":null})", tenant).error.status, 400u);
  EXPECT_EQ(parse_tags(R"({"categories":[]})", tenant).error.status, 400u);
}

TEST(api_parse, queries) {
  EXPECT_EQ(query_param("a=1&after=42", "after"), "42");
  EXPECT_EQ(query_param("x=a%20b+c", "x"), "a b c");
  EXPECT_EQ(query_param("x=%2", "x"), std::nullopt);
  EXPECT_EQ(query_param("afterx=1", "after"), std::nullopt);
  EXPECT_EQ(parse_queue_view("").value, storage::queue_view::open);
  EXPECT_EQ(parse_queue_view("view=mine").value, storage::queue_view::mine);
  EXPECT_EQ(parse_queue_view("view=all").error.status, 400u);
  EXPECT_EQ(parse_after("after=7").value, std::optional<std::int64_t>(7));
  ASSERT_TRUE(parse_after("").value);
  EXPECT_EQ(*parse_after("").value, std::nullopt);
  for (const char* bad : {"after=", "after=-1", "after=1x", "after=99999999999999999999"}) {
    EXPECT_FALSE(parse_after(bad).value) << bad;
  }
}

TEST(api_parse, queue_pages) {
  const auto first = parse_queue_request("view=waiting");
  ASSERT_TRUE(first.value);
  EXPECT_EQ(first.value->view, storage::queue_view::waiting);
  EXPECT_EQ(first.value->limit, storage::queue_default_limit);
  EXPECT_EQ(first.value->after, "");
  EXPECT_EQ(parse_queue_request("limit=200").value->limit, 200u);
  EXPECT_EQ(parse_queue_request("limit=1").value->limit, 1u);
  // Refused, never clamped.
  for (const char* bad :
       {"limit=0", "limit=201", "limit=", "limit=-1", "limit=5x", "limit=99999999999999999999"}) {
    const auto refused = parse_queue_request(bad);
    EXPECT_FALSE(refused.value) << bad;
    EXPECT_EQ(refused.error.status, 400u) << bad;
    EXPECT_EQ(refused.error.reason, "limit_out_of_range") << bad;
  }
  const std::string too_long =
      "0-00000001764000000000000-00000001764000000000001-8f9c1e52-3b1d-4c8e-9a7f-2d6b5e4c3a21";
  const std::string good = "0-00001764000000000000-00001764000000000001-8f9c1e52-3b1d-4c8e-9a7f-2d6b5e4c3a21";
  ASSERT_TRUE(parse_queue_request("cursor=" + good).value);
  // The first character is the risk rank: 0 緊急, 1 高 (or urgent), 2 the rest.
  ASSERT_TRUE(parse_queue_request("cursor=2" + good.substr(1)).value);
  EXPECT_EQ(parse_queue_request("cursor=" + good).value->after, good);
  for (const std::string& bad :
       {std::string("abc"), too_long, "3" + good.substr(1), good.substr(0, good.size() - 1) + "G",
        "1-" + std::string(20, '9') + good.substr(22)}) {
    const auto refused = parse_queue_request("cursor=" + bad);
    EXPECT_FALSE(refused.value) << bad;
    EXPECT_EQ(refused.error.reason, "bad_cursor") << bad;
  }
  EXPECT_EQ(parse_queue_request("view=all").error.status, 400u);
}

}  // namespace
}  // namespace yorisoi::gateway
