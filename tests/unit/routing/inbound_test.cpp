#include "yorisoi/routing/inbound.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

using kinds = std::vector<auto_answer_kind>;
using K = auto_answer_kind;

instant jst(int y, int mo, int d, int h, int mi, int s = 0) {
  return instant{to_sys_days({y, mo, d})} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s} - std::chrono::hours{9};
}

tenant_rules pilot() {
  tenant_rules r;
  r.schedule.windows = {{{1, 2, 3, 4, 5}, 18 * 60, 21 * 60}};
  r.schedule.intake_start = civil_date{2023, 2, 16};
  r.schedule.intake_end = civil_date{2023, 2, 27};
  r.schedule.answers_until = civil_date{2023, 2, 28};
  r.texts = {"ようこそ", "次は{next_window}からお返事します", "受付は終了しました。{other_contacts}",
             "緊急の連絡先。相談員は{next_window}から", "年代を教えてください", "よりそいホットライン", {"10代", "20代"}};
  r.risk = risk_matcher({"死にたい", "消えたい"});
  return r;
}

kinds kinds_of(const message_decision& d) {
  kinds out;
  for (const auto& a : d.answers) {
    out.push_back(a.kind);
  }
  return out;
}

struct message_case {
  const char* what;
  instant at;
  const char* text;
  bool standby;
  resident_facts resident;
  consultation_facts consultation;
  bool opens;
  bool urgent;
  arrival arrived;
  kinds answers;
};

TEST(decide_message, table) {
  const auto rules = pilot();
  const resident_facts newcomer{};
  const resident_facts returning{true, true, std::nullopt};
  const consultation_facts none{};
  const consultation_facts open{true, false};
  const message_case cases[] = {
      {"staffed weekday 19:00: queued, no answer", jst(2023, 2, 20, 19, 0), "相談です", false, returning, none, true,
       false, arrival::staffed, {}},
      {"first consultation asks the age band", jst(2023, 2, 20, 19, 0), "相談です", false, newcomer, none, true,
       false, arrival::staffed, {K::age_question}},
      {"Saturday: off-hours answer", jst(2023, 2, 18, 10, 0), "相談です", false, returning, none, true, false,
       arrival::off_hours, {K::off_hours}},
      {"Saturday, already answered for Monday's window: nothing", jst(2023, 2, 18, 11, 0), "まだいますか", false,
       {true, true, jst(2023, 2, 20, 18, 0)}, open, false, false, arrival::off_hours, {}},
      {"answered for an earlier stretch: answer again", jst(2023, 2, 20, 22, 0), "こんばんは", false,
       {true, true, jst(2023, 2, 20, 18, 0)}, open, false, false, arrival::off_hours, {K::off_hours}},
      {"crisis at 03:00: the contacts alone, urgent", jst(2023, 2, 21, 3, 0), "もう死にたい", false, returning, none,
       true, true, arrival::off_hours, {K::crisis}},
      {"a newcomer's crisis at 21:40: the contacts alone, no age question", jst(2023, 2, 21, 21, 40), "もう死にたい",
       false, newcomer, none, true, true, arrival::off_hours, {K::crisis}},
      {"a newcomer's crisis while staffed: urgent, no age question", jst(2023, 2, 21, 19, 0), "死にたい", false,
       newcomer, none, true, true, arrival::staffed, {}},
      {"a crisis in an open case already answered for the stretch: the contacts again", jst(2023, 2, 21, 22, 0),
       "消えたい", false, {true, true, jst(2023, 2, 22, 18, 0)}, open, false, true, arrival::off_hours, {K::crisis}},
      {"crisis while staffed: urgent, no automatic answer", jst(2023, 2, 21, 19, 0), "消えたい", false, returning,
       open, false, true, arrival::staffed, {}},
      {"20:59:59 is staffed", jst(2023, 2, 20, 20, 59, 59), "相談", false, returning, none, true, false,
       arrival::staffed, {}},
      {"21:00:00 is off-hours", jst(2023, 2, 20, 21, 0, 0), "相談", false, returning, none, true, false,
       arrival::off_hours, {K::off_hours}},
      {"before the service: out of service, nothing opened", jst(2023, 2, 15, 19, 0), "相談", false, returning, none,
       false, false, arrival::off_hours, {K::out_of_service}},
      {"2/27 23:59: still accepted", jst(2023, 2, 27, 23, 59), "相談", false, returning, none, true, false,
       arrival::off_hours, {K::off_hours}},
      {"2/28 00:01: intake over", jst(2023, 2, 28, 0, 1), "相談", false, returning, none, false, false,
       arrival::off_hours, {K::out_of_service}},
      {"2/28 with an open case: continues, answered at 18時", jst(2023, 2, 28, 0, 1), "続きです", false, returning,
       open, false, false, arrival::off_hours, {K::off_hours}},
      {"after the last window with an open case: told no answer will come", jst(2023, 2, 28, 21, 30), "続き", false,
       returning, open, false, false, arrival::off_hours, {K::out_of_service}},
      {"crisis after the service: contacts and out of service", jst(2023, 3, 5, 2, 0), "死にたい", false, returning,
       none, false, true, arrival::off_hours, {K::crisis, K::out_of_service}},
      {"standby: stored, never answered", jst(2023, 2, 21, 3, 0), "死にたい", true, newcomer, none, true, true,
       arrival::off_hours, {}},
  };
  for (const auto& c : cases) {
    const auto d = decide_message(rules, c.at, c.text, c.standby, c.resident, c.consultation);
    EXPECT_EQ(d.open_consultation, c.opens) << c.what;
    EXPECT_EQ(d.attach_to_open, c.consultation.open) << c.what;
    EXPECT_EQ(d.mark_urgent, c.urgent) << c.what;
    EXPECT_EQ(d.arrived, c.arrived) << c.what;
    EXPECT_EQ(kinds_of(d), c.answers) << c.what;
  }
}

TEST(decide_message, off_hours_answer_names_the_next_window_and_is_remembered) {
  const auto rules = pilot();
  const auto d = decide_message(rules, jst(2023, 2, 18, 10, 0), "相談です", false, {true, true, {}}, {});
  ASSERT_EQ(d.answers.size(), 1u);
  EXPECT_EQ(d.answers[0].text, "次は2月20日(月) 18時からお返事します");
  EXPECT_EQ(d.off_hours_answered_for, jst(2023, 2, 20, 18, 0));
  EXPECT_EQ(d.due_at, jst(2023, 2, 20, 18, 0));

  // Five more messages in the same stretch get nothing more.
  resident_facts after{true, true, d.off_hours_answered_for};
  for (int minute = 1; minute <= 5; ++minute) {
    const auto again = decide_message(rules, jst(2023, 2, 18, 10, minute), "もう一つ", false, after, {true, false});
    EXPECT_TRUE(again.answers.empty()) << minute;
  }
}

TEST(decide_message, crisis_contacts_name_the_next_window_and_stand_for_the_off_hours_answer) {
  const auto rules = pilot();
  const auto d = decide_message(rules, jst(2023, 2, 21, 21, 40), "もう死にたい", false, {}, {});
  ASSERT_EQ(d.answers.size(), 1u);
  EXPECT_EQ(d.answers[0].kind, K::crisis);
  EXPECT_EQ(d.answers[0].text, "緊急の連絡先。相談員は2月22日(水) 18時から");
  EXPECT_EQ(d.off_hours_answered_for, jst(2023, 2, 22, 18, 0));

  // The resident writes again in the same stretch, without crisis words: nothing more, and never the
  // age question (the consultation is open and urgent).
  const auto again =
      decide_message(rules, jst(2023, 2, 21, 21, 45), "眠れません", false, {true, false, d.off_hours_answered_for},
                     {true, true});
  EXPECT_TRUE(again.answers.empty());

  // After the service, no window will come: the contacts say so, the out-of-service answer follows.
  const auto late = decide_message(rules, jst(2023, 3, 5, 2, 0), "死にたい", false, {true, true, {}}, {});
  ASSERT_EQ(kinds_of(late), (kinds{K::crisis, K::out_of_service}));
  EXPECT_EQ(late.answers[0].text, "緊急の連絡先。相談員は未定から");
}

struct late_case {
  const char* what;
  instant at;   // when the resident wrote
  instant now;  // when the event is processed
  const char* text;
  consultation_facts consultation;
  arrival arrived;
  instant due_at;
  kinds answers;
  const char* first_text;  // "" = not checked
  std::optional<instant> answered_for;
};

TEST(decide_message, late_events_name_the_next_window_from_the_processing_time) {
  const auto rules = pilot();
  const resident_facts returning{true, true, std::nullopt};
  const late_case cases[] = {
      {"Saturday's message processed on Tuesday night: Wednesday's window, due Monday", jst(2023, 2, 18, 10, 0),
       jst(2023, 2, 21, 22, 0), "相談です", {}, arrival::off_hours, jst(2023, 2, 20, 18, 0), {K::off_hours},
       "次は2月22日(水) 18時からお返事します", jst(2023, 2, 22, 18, 0)},
      {"processed while counsellors are in: no off-hours answer", jst(2023, 2, 18, 10, 0), jst(2023, 2, 20, 19, 0),
       "相談です", {}, arrival::off_hours, jst(2023, 2, 20, 18, 0), {}, "", std::nullopt},
      {"a crisis processed while counsellors are in: the contacts name the window in progress",
       jst(2023, 2, 18, 10, 0), jst(2023, 2, 20, 19, 30), "死にたい", {}, arrival::off_hours,
       jst(2023, 2, 20, 18, 0), {K::crisis}, "緊急の連絡先。相談員は2月20日(月) 18時から", std::nullopt},
      {"a crisis processed two days late names the window after now", jst(2023, 2, 18, 3, 0),
       jst(2023, 2, 20, 22, 0), "死にたい", {}, arrival::off_hours, jst(2023, 2, 20, 18, 0), {K::crisis},
       "緊急の連絡先。相談員は2月21日(火) 18時から", jst(2023, 2, 21, 18, 0)},
      {"processed after the last window: out of service for an open case", jst(2023, 2, 27, 22, 0),
       jst(2023, 3, 1, 9, 0), "続き", {true, false}, arrival::off_hours, jst(2023, 2, 28, 18, 0),
       {K::out_of_service}, "", std::nullopt},
      {"a staffed message processed later: still staffed, no answer", jst(2023, 2, 20, 19, 0),
       jst(2023, 2, 20, 23, 0), "相談です", {}, arrival::staffed, jst(2023, 2, 20, 19, 0), {}, "", std::nullopt},
      {"our clock behind LINE's: judged at the message's time", jst(2023, 2, 18, 10, 0), jst(2023, 2, 18, 9, 59),
       "相談です", {}, arrival::off_hours, jst(2023, 2, 20, 18, 0), {K::off_hours},
       "次は2月20日(月) 18時からお返事します", jst(2023, 2, 20, 18, 0)},
  };
  for (const auto& c : cases) {
    const auto d = decide_message(rules, c.at, c.now, c.text, false, returning, c.consultation);
    EXPECT_EQ(d.arrived, c.arrived) << c.what;
    EXPECT_EQ(d.due_at, c.due_at) << c.what;
    EXPECT_EQ(kinds_of(d), c.answers) << c.what;
    if (std::string_view(c.first_text).size() > 0 && !d.answers.empty()) {
      EXPECT_EQ(d.answers[0].text, c.first_text) << c.what;
    }
    EXPECT_EQ(d.off_hours_answered_for, c.answered_for) << c.what;
  }
}

TEST(decide_message, staffed_messages_are_due_now_and_the_age_question_offers_bands) {
  const auto rules = pilot();
  const auto at = jst(2023, 2, 20, 19, 0);
  const auto d = decide_message(rules, at, "", false, {}, {});
  EXPECT_EQ(d.due_at, at);
  ASSERT_EQ(d.answers.size(), 1u);
  EXPECT_EQ(d.answers[0].quick_replies, (std::vector<std::string>{"10代", "20代"}));
}

TEST(decide_message, out_of_service_names_other_contacts) {
  const auto d = decide_message(pilot(), jst(2023, 3, 1, 12, 0), "相談", false, {}, {});
  ASSERT_EQ(d.answers.size(), 1u);
  EXPECT_EQ(d.answers[0].text, "受付は終了しました。よりそいホットライン");
}

TEST(decide_follow, greets_unless_standby) {
  EXPECT_EQ(decide_follow(pilot(), false).size(), 1u);
  EXPECT_TRUE(decide_follow(pilot(), true).empty());
}

TEST(fill_placeholders, replaces_known_and_keeps_unknown) {
  EXPECT_EQ(fill_placeholders("{a}と{b}と{c}", {{"a", "1"}, {"b", "2"}}), "1と2と{c}");
  EXPECT_EQ(fill_placeholders("{", {{"a", "1"}}), "{");
}

}  // namespace
}  // namespace yorisoi::routing
