// The CSV download's exact bytes: BOM, CRLF, quoting, table layout.
#include "yorisoi/routing/report_csv.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace yorisoi::routing {
namespace {

// A weekday row of the arrival table with one non-zero hour (or none).
std::string arrival_row(const char* day, int hour = -1, int n = 0) {
  std::string row = std::string("\"") + day + "\"";
  for (int h = 0; h < 24; ++h) {
    row += "," + std::to_string(h == hour ? n : 0);
  }
  return row + "," + std::to_string(hour >= 0 ? n : 0) + "\r\n";
}

report sample() {
  report r;
  r.range = {civil_date{2023, 2, 16}, civil_date{2023, 2, 28}};
  r.consultations = 3;
  r.consulters = 2;
  r.new_consulters = 1;
  r.returning_consulters = 1;
  r.consulters_by_age_band = {{"20代", 1}, {"", 1}};
  r.consultations_by_category = {{"家族関係", 2}, {"孤独・孤立", 2}};
  r.consultations_without_category = 1;
  r.messages_in = 12;
  r.messages_out = 9;
  r.arrivals_by_weekday_hour[1][18] = 2;
  r.arrivals_by_weekday_hour[6][3] = 1;
  r.arrivals_staffed = 2;
  r.arrivals_off_hours = 1;
  r.waiting = {2, 1, 10.0, 4110.0, 10.0, 30.5};
  r.urgent = 1;
  r.referrals.total = 1;
  r.referrals.by_stage = {{"forwarded", 1}};
  r.referrals.cancelled_by_cause = {{"consent_declined", 0}};
  r.referrals.by_unit = {{"kenko", "健康増進課", 1, 1, 0}};
  r.consents = {1, 1, 0, 0, 0, 0};
  r.link_clicks = {{"web-ads", "Web広告", 5}, {"flyer", "チラシ \"A\"", 2}};
  r.consultations_by_risk = {{"critical", 0}, {"high", 1}, {"medium", 1}, {"low", 0}, {"", 1}};
  return r;
}

TEST(report_csv, exact_bytes) {
  const std::string expected =
      "\xEF\xBB\xBF"
      "\"相談実績の集計\",\"山形市\"\r\n"
      "\"集計期間\",\"2023/02/16～2023/02/28\"\r\n"
      "\"相談は最初のメッセージを受信した日に数えています\"\r\n"
      "\r\n"
      "\"概要\"\r\n"
      "\"項目\",\"件数\"\r\n"
      "\"相談者数（実人数）\",2\r\n"
      "\"うち新規相談者\",1\r\n"
      "\"うち継続相談者（期間前にも相談あり）\",1\r\n"
      "\"相談件数\",3\r\n"
      "\"受信メッセージ数\",12\r\n"
      "\"送信メッセージ数\",9\r\n"
      "\"開設時間内に始まった相談\",2\r\n"
      "\"開設時間外に始まった相談\",1\r\n"
      "\"開設時間の区分なし\",0\r\n"
      "\"緊急（危険あり）の相談\",1\r\n"
      "\"紹介件数\",1\r\n"
      "\"うち緊急の紹介（同意なし・個人情報保護法第27条第1項第2号）\",0\r\n"
      "\r\n"
      "\"年代別相談者数（実人数、期間内で最後に記録された年代）\"\r\n"
      "\"年代\",\"相談者数\"\r\n"
      "\"20代\",1\r\n"
      "\"不明\",1\r\n"
      "\"合計\",2\r\n"
      "\r\n"
      "\"相談内容別件数（複数選択のため合計は相談件数を超えることがあります）\"\r\n"
      "\"相談内容\",\"件数\"\r\n"
      "\"家族関係\",2\r\n"
      "\"孤独・孤立\",2\r\n"
      "\"分類なし\",1\r\n"
      "\r\n"
      "\"曜日・時間帯別の相談件数（最初のメッセージの受信時刻）\"\r\n"
      "\"曜日\",\"0時\",\"1時\",\"2時\",\"3時\",\"4時\",\"5時\",\"6時\",\"7時\",\"8時\",\"9時\",\"10時\","
      "\"11時\","
      "\"12時\",\"13時\",\"14時\",\"15時\",\"16時\",\"17時\",\"18時\",\"19時\",\"20時\",\"21時\",\"22時\","
      "\"23時\","
      "\"合計\"\r\n" +
      arrival_row("日") + arrival_row("月", 18, 2) + arrival_row("火") + arrival_row("水") +
      arrival_row("木") + arrival_row("金") + arrival_row("土", 3, 1) +
      "\"合計\",0,0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0,0,0,0,0,3\r\n"
      "\r\n"
      "\"初回応答までの待ち時間（分）\"\r\n"
      "\"数え方\",\"中央値\",\"90パーセンタイル\"\r\n"
      "\"経過時間\",10.0,4110.0\r\n"
      "\"開設時間内の時間\",10.0,30.5\r\n"
      "\"応答済みの相談\",2\r\n"
      "\"未応答の相談（集計に含めず）\",1\r\n"
      "\r\n"
      "\"紹介の状況\"\r\n"
      "\"状況\",\"件数\"\r\n"
      "\"関係先で対応中\",1\r\n"
      "\"うち取りやめ：不同意\",0\r\n"
      "\"緊急の紹介（同意なし）\",0\r\n"
      "\r\n"
      "\"紹介先別の件数\"\r\n"
      "\"紹介先\",\"提案\",\"送付\",\"回答\"\r\n"
      "\"健康増進課\",1,1,0\r\n"
      "\r\n"
      "\"本人同意の状況\"\r\n"
      "\"区分\",\"件数\"\r\n"
      "\"同意の依頼\",1\r\n"
      "\"同意（後に撤回されたものを含む）\",1\r\n"
      "\"不同意\",0\r\n"
      "\"期限切れ\",0\r\n"
      "\"撤回\",0\r\n"
      "\"同意待ち\",0\r\n"
      "\r\n"
      "\"広報媒体別アクセス数（リンクのクリック数）\"\r\n"
      "\"コード\",\"媒体\",\"クリック数\"\r\n"
      "\"web-ads\",\"Web広告\",5\r\n"
      "\"flyer\",\"チラシ \"\"A\"\"\",2\r\n"
      "\"合計\",\"\",7\r\n"
      "\r\n"
      "\"危険度別の相談件数（相談中に達した最も高い危険度、緊急キーワードは「高」以上）\"\r\n"
      "\"危険度\",\"件数\"\r\n"
      "\"緊急\",0\r\n"
      "\"高\",1\r\n"
      "\"中\",1\r\n"
      "\"低\",0\r\n"
      "\"未設定\",1\r\n";
  EXPECT_EQ(render_report_csv(sample(), "山形市"), expected);
}

TEST(report_csv, missing_waits_are_empty_fields) {
  report r;
  const std::string csv = render_report_csv(r, "t");
  EXPECT_NE(csv.find("\"経過時間\",,\r\n"), std::string::npos);
}

TEST(report_csv, every_line_ends_with_crlf) {
  const std::string csv = render_report_csv(sample(), "山形市");
  for (std::size_t i = 0; i < csv.size(); ++i) {
    if (csv[i] == '\n') {
      ASSERT_GT(i, 0U);
      EXPECT_EQ(csv[i - 1], '\r') << "bare LF at byte " << i;
    }
  }
  EXPECT_EQ(csv.substr(csv.size() - 2), "\r\n");
}

TEST(report_csv, text_fields_are_quoted_and_formulas_defused) {
  struct row {
    std::string_view text;
    std::string_view cell;
  };
  // A spreadsheet evaluates a cell starting with = + - @ TAB or CR as a formula.
  const row table[] = {
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"=SUM(A1)", "\"'=SUM(A1)\""},
      {"+1", "\"'+1\""},
      {"-1", "\"'-1\""},
      {"@x", "\"'@x\""},
      {"\t=1+1", "\"'\t=1+1\""},
      {"\r=1+1", "\"'\r=1+1\""},
      {"a\t=1", "\"a\t=1\""},
      {"line\r\nbreak", "\"line\r\nbreak\""},
      {"", "\"\""},
  };
  for (const row& r : table) {
    EXPECT_EQ(csv_text(r.text), r.cell) << "input: " << r.text;
  }
}

}  // namespace
}  // namespace yorisoi::routing
