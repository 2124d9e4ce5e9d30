#include "yorisoi/routing/report_csv.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <vector>

namespace yorisoi::routing {
namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";
constexpr std::string_view crlf = "\r\n";
constexpr std::array<const char*, 7> weekday_names{"日", "月", "火", "水", "木", "金", "土"};

// A row being written: fields joined by commas.
class csv_writer {
 public:
  csv_writer& text(std::string_view t) {
    sep();
    out_ += csv_text(t);
    return *this;
  }
  csv_writer& number(std::int64_t n) {
    sep();
    out_ += std::to_string(n);
    return *this;
  }
  csv_writer& minutes(const std::optional<double>& m) {
    sep();
    if (m) {
      std::array<char, 32> buf{};
      std::snprintf(buf.data(), buf.size(), "%.1f", *m);
      out_ += buf.data();
    }
    return *this;
  }
  void end_row() {
    out_ += crlf;
    first_ = true;
  }
  void blank_line() { out_ += crlf; }
  // A title row then a header row.
  void table(std::string_view title, std::initializer_list<std::string_view> headers) {
    text(title).end_row();
    for (std::string_view h : headers) {
      text(h);
    }
    end_row();
  }
  std::string take() { return std::move(out_); }

 private:
  void sep() {
    if (!first_) {
      out_ += ',';
    }
    first_ = false;
  }
  std::string out_{bom};
  bool first_ = true;
};

std::string date_text(civil_date d) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%04d/%02d/%02d", d.year, d.month, d.day);
  return buf.data();
}

void summary_table(csv_writer& w, const report& r) {
  w.table("概要", {"項目", "件数"});
  const std::array<std::pair<std::string_view, std::int64_t>, 12> rows{{
      {"相談者数（実人数）", r.consulters},
      {"うち新規相談者", r.new_consulters},
      {"うち継続相談者（期間前にも相談あり）", r.returning_consulters},
      {"相談件数", r.consultations},
      {"受信メッセージ数", r.messages_in},
      {"送信メッセージ数", r.messages_out},
      {"開設時間内に始まった相談", r.arrivals_staffed},
      {"開設時間外に始まった相談", r.arrivals_off_hours},
      {"開設時間の区分なし", r.arrivals_unknown},
      {"緊急（危険あり）の相談", r.urgent},
      {"紹介件数", r.referrals.total},
      {"うち緊急の紹介（同意なし・個人情報保護法第27条第1項第2号）", r.referrals.emergency},
  }};
  for (const auto& [label, n] : rows) {
    w.text(label).number(n).end_row();
  }
}

void age_table(csv_writer& w, const report& r) {
  w.table("年代別相談者数（実人数、期間内で最後に記録された年代）", {"年代", "相談者数"});
  std::int64_t total = 0;
  for (const label_count& row : r.consulters_by_age_band) {
    w.text(row.label.empty() ? "不明" : row.label).number(row.count).end_row();
    total += row.count;
  }
  w.text("合計").number(total).end_row();
}

void category_table(csv_writer& w, const report& r) {
  w.table("相談内容別件数（複数選択のため合計は相談件数を超えることがあります）", {"相談内容", "件数"});
  for (const label_count& row : r.consultations_by_category) {
    w.text(row.label).number(row.count).end_row();
  }
  w.text("分類なし").number(r.consultations_without_category).end_row();
}

void arrival_table(csv_writer& w, const report& r) {
  w.text("曜日・時間帯別の相談件数（最初のメッセージの受信時刻）").end_row();
  w.text("曜日");
  for (int h = 0; h < 24; ++h) {
    w.text(std::to_string(h) + "時");
  }
  w.text("合計").end_row();
  std::array<std::int64_t, 24> by_hour{};
  for (std::size_t d = 0; d < 7; ++d) {
    w.text(weekday_names[d]);
    std::int64_t total = 0;
    for (std::size_t h = 0; h < 24; ++h) {
      w.number(r.arrivals_by_weekday_hour[d][h]);
      total += r.arrivals_by_weekday_hour[d][h];
      by_hour[h] += r.arrivals_by_weekday_hour[d][h];
    }
    w.number(total).end_row();
  }
  w.text("合計");
  std::int64_t all = 0;
  for (std::int64_t n : by_hour) {
    w.number(n);
    all += n;
  }
  w.number(all).end_row();
}

void waiting_table(csv_writer& w, const report& r) {
  w.table("初回応答までの待ち時間（分）", {"数え方", "中央値", "90パーセンタイル"});
  w.text("経過時間").minutes(r.waiting.clock_median_minutes).minutes(r.waiting.clock_p90_minutes).end_row();
  w.text("開設時間内の時間")
      .minutes(r.waiting.staffed_median_minutes)
      .minutes(r.waiting.staffed_p90_minutes)
      .end_row();
  w.text("応答済みの相談").number(r.waiting.answered).end_row();
  w.text("未応答の相談（集計に含めず）").number(r.waiting.unanswered).end_row();
}

void referral_tables(csv_writer& w, const report& r) {
  w.table("紹介の状況", {"状況", "件数"});
  for (const label_count& row : r.referrals.by_stage) {
    w.text(referral_stage_label(row.label)).number(row.count).end_row();
  }
  for (const label_count& row : r.referrals.cancelled_by_cause) {
    w.text(referral_cause_label(row.label)).number(row.count).end_row();
  }
  w.text("緊急の紹介（同意なし）").number(r.referrals.emergency).end_row();
  w.blank_line();
  w.table("紹介先別の件数", {"紹介先", "提案", "送付", "回答"});
  for (const referral_unit_figures& u : r.referrals.by_unit) {
    w.text(u.unit_name).number(u.suggested).number(u.received).number(u.answered).end_row();
  }
}

void consent_table(csv_writer& w, const report& r) {
  w.table("本人同意の状況", {"区分", "件数"});
  const consent_figures& c = r.consents;
  w.text("同意の依頼").number(c.requested).end_row();
  w.text("同意（後に撤回されたものを含む）").number(c.granted).end_row();
  w.text("不同意").number(c.declined).end_row();
  w.text("期限切れ").number(c.expired).end_row();
  w.text("撤回").number(c.withdrawn).end_row();
  w.text("同意待ち").number(c.pending).end_row();
}

void risk_table(csv_writer& w, const report& r) {
  w.table("危険度別の相談件数（相談中に達した最も高い危険度、緊急キーワードは「高」以上）", {"危険度", "件数"});
  for (const label_count& row : r.consultations_by_risk) {
    const std::optional<risk_level> level = parse_risk(row.label);
    w.text(level ? risk_label(*level) : std::string_view("未設定")).number(row.count).end_row();
  }
}

void link_table_csv(csv_writer& w, const report& r) {
  w.table("広報媒体別アクセス数（リンクのクリック数）", {"コード", "媒体", "クリック数"});
  std::int64_t total = 0;
  for (const link_figures& l : r.link_clicks) {
    w.text(l.code).text(l.label).number(l.clicks).end_row();
    total += l.clicks;
  }
  w.text("合計").text("").number(total).end_row();
}

}  // namespace

std::string csv_text(std::string_view text) {
  std::string out = "\"";
  // A spreadsheet would evaluate a cell starting with one of these as a formula.
  constexpr std::string_view formula_starts = "=+-@\t\r";
  if (!text.empty() && formula_starts.find(text.front()) != std::string_view::npos) {
    out += '\'';
  }
  for (char c : text) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  out += '"';
  return out;
}

// A referral's stage in the console's words (gateway/console/src/format.js, the glossary in gateway/console/GUIDE.md).
std::string_view referral_stage_label(std::string_view stage) noexcept {
  if (stage == "proposed") {
    return "提案中";
  }
  if (stage == "awaiting_consent") {
    return "同意確認中";
  }
  if (stage == "at_hub") {
    return "とりまとめ課で受付";
  }
  if (stage == "forwarded") {
    return "関係先で対応中";
  }
  if (stage == "answered") {
    return "回答そろい";
  }
  if (stage == "returned") {
    return "回答返却済み";
  }
  if (stage == "closed") {
    return "完了";
  }
  if (stage == "cancelled") {
    return "取りやめ";
  }
  return stage;
}

std::string_view referral_cause_label(std::string_view cause) noexcept {
  if (cause == "consent_declined") {
    return "うち取りやめ：不同意";
  }
  if (cause == "consent_expired") {
    return "うち取りやめ：同意の期限切れ";
  }
  if (cause == "consent_withdrawn") {
    return "うち取りやめ：同意の撤回";
  }
  return cause;
}

std::string render_report_csv(const report& r, std::string_view tenant_name) {
  csv_writer w;
  w.text("相談実績の集計").text(tenant_name).end_row();
  w.text("集計期間").text(date_text(r.range.from) + "～" + date_text(r.range.to)).end_row();
  w.text("相談は最初のメッセージを受信した日に数えています").end_row();
  w.blank_line();
  summary_table(w, r);
  w.blank_line();
  age_table(w, r);
  w.blank_line();
  category_table(w, r);
  w.blank_line();
  arrival_table(w, r);
  w.blank_line();
  waiting_table(w, r);
  w.blank_line();
  referral_tables(w, r);
  w.blank_line();
  consent_table(w, r);
  w.blank_line();
  link_table_csv(w, r);
  w.blank_line();
  risk_table(w, r);
  return w.take();
}

}  // namespace yorisoi::routing
