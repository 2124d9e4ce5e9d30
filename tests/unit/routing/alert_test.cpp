#include "yorisoi/routing/alert.hpp"

#include <gtest/gtest.h>

namespace yorisoi::routing {
namespace {

instant jst(int y, int mo, int d, int h, int mi) {
  return instant{to_sys_days({y, mo, d})} + std::chrono::hours{h} + std::chrono::minutes{mi} -
         std::chrono::hours{9};
}

// The pilot: Mon–Fri 18:00–21:00 (JST), intake 2023-02-16 – 02-27, answers until 02-28.
tenant_rules pilot() {
  tenant_rules r;
  r.schedule.windows = {{{1, 2, 3, 4, 5}, 18 * 60, 21 * 60}};
  r.schedule.intake_start = civil_date{2023, 2, 16};
  r.schedule.intake_end = civil_date{2023, 2, 27};
  r.schedule.answers_until = civil_date{2023, 2, 28};
  r.texts = {"ようこそ",
             "次は{next_window}からお返事します",
             "受付は終了しました。{other_contacts}",
             "緊急の連絡先",
             "年代を教えてください",
             "よりそいホットライン",
             {"10代", "20代"}};
  r.risk = risk_matcher({"死にたい"});
  return r;
}

struct alert_case {
  const char* what;
  alert_on on;
  instant at;
  const char* text;
  bool standby;
  bool open_before;  // the resident has an open consultation already
  alert_history history;
  std::optional<alert_kind> kind;  // nullopt: no alert
  instant stretch{};               // when alerted
};

TEST(decide_alert, table) {
  const auto rules = pilot();
  const instant mon_1800 = jst(2023, 2, 20, 18, 0);
  const instant tue_1800 = jst(2023, 2, 21, 18, 0);
  const instant fri_1800 = jst(2023, 2, 17, 18, 0);
  const alert_case cases[] = {
      {"urgent off-hours (Saturday night), new consultation",
       alert_on::urgent,
       jst(2023, 2, 18, 21, 40),
       "もう死にたい",
       false,
       false,
       {},
       alert_kind::urgent,
       mon_1800},
      {"urgent off-hours in an open consultation (21:40 Monday)",
       alert_on::urgent,
       jst(2023, 2, 20, 21, 40),
       "死にたい",
       false,
       true,
       {},
       alert_kind::urgent,
       tue_1800},
      {"urgent while staffed: counsellors are there, no alert",
       alert_on::urgent,
       jst(2023, 2, 20, 19, 0),
       "死にたい",
       false,
       false,
       {},
       std::nullopt,
       {}},
      {"urgent mode: an ordinary new consultation off-hours is not paged",
       alert_on::urgent,
       jst(2023, 2, 18, 10, 0),
       "相談です",
       false,
       false,
       {},
       std::nullopt,
       {}},
      {"any mode: a new consultation off-hours is paged",
       alert_on::any,
       jst(2023, 2, 18, 10, 0),
       "相談です",
       false,
       false,
       {},
       alert_kind::off_hours,
       mon_1800},
      {"any mode: a new consultation while staffed is not",
       alert_on::any,
       jst(2023, 2, 20, 19, 0),
       "相談です",
       false,
       false,
       {},
       std::nullopt,
       {}},
      {"any mode: a further message in an open consultation is not",
       alert_on::any,
       jst(2023, 2, 18, 10, 0),
       "まだいますか",
       false,
       true,
       {},
       std::nullopt,
       {}},
      {"any mode: urgent is paged as urgent",
       alert_on::any,
       jst(2023, 2, 18, 10, 0),
       "死にたい",
       false,
       false,
       {},
       alert_kind::urgent,
       mon_1800},
      {"already alerted urgent this stretch: not again",
       alert_on::urgent,
       jst(2023, 2, 19, 2, 0),
       "死にたい",
       false,
       true,
       {mon_1800, std::nullopt},
       std::nullopt,
       {}},
      {"urgent alert of an earlier stretch: alerted again",
       alert_on::urgent,
       jst(2023, 2, 20, 22, 0),
       "死にたい",
       false,
       true,
       {mon_1800, std::nullopt},
       alert_kind::urgent,
       tue_1800},
      {"any mode, told of the consultation this stretch, now a crisis: urgent follows",
       alert_on::any,
       jst(2023, 2, 18, 23, 0),
       "死にたい",
       false,
       true,
       {std::nullopt, mon_1800},
       alert_kind::urgent,
       mon_1800},
      {"standby (another channel owner answers): no alert",
       alert_on::urgent,
       jst(2023, 2, 18, 21, 40),
       "死にたい",
       true,
       false,
       {},
       std::nullopt,
       {}},
      {"before the service period, nothing opened: no alert",
       alert_on::urgent,
       jst(2023, 2, 15, 22, 0),
       "死にたい",
       false,
       false,
       {},
       std::nullopt,
       {}},
      {"Friday 02:00 before the first window",
       alert_on::urgent,
       jst(2023, 2, 17, 2, 0),
       "死にたい",
       false,
       false,
       {},
       alert_kind::urgent,
       fri_1800},
      {"no staffed window ahead: the stretch never ends",
       alert_on::urgent,
       jst(2023, 2, 28, 22, 0),
       "死にたい",
       false,
       true,
       {},
       alert_kind::urgent,
       no_window_ahead},
      {"no staffed window ahead, already alerted: not again",
       alert_on::urgent,
       jst(2023, 2, 28, 23, 0),
       "死にたい",
       false,
       true,
       {no_window_ahead, std::nullopt},
       std::nullopt,
       {}},
  };
  for (const auto& c : cases) {
    const resident_facts resident{true, true, std::nullopt};
    const consultation_facts consultation{c.open_before, false};
    const auto decision = decide_message(rules, c.at, c.text, c.standby, resident, consultation);
    const auto alert = decide_alert(alert_policy{c.on}, rules.schedule, c.at, c.standby, decision, c.history);
    ASSERT_EQ(alert.has_value(), c.kind.has_value()) << c.what;
    if (alert) {
      EXPECT_EQ(alert->kind, *c.kind) << c.what;
      EXPECT_EQ(alert->stretch, c.stretch) << c.what;
    }
  }
}

}  // namespace
}  // namespace yorisoi::routing
