// The figures of one Report as the city's tables, with charts beside the tables they
// mirror. Wording follows the CSV download (routing/report_csv.cpp) so that the page and the file read
// alike. Input: report (the GET /reports/summary answer).
import { html } from './html.js';
import { report_table, format_minutes, text_cell, sum } from './report_table.js';
import { report_heatmap, arrivals_by_hour } from './report_heatmap.js';
import { report_chart } from './report_chart.js';
import { referral_stage_labels, risk_label } from './format.js';

// A referral's stage in the console's one vocabulary (format.js; report_csv.cpp uses the same words);
// a cancellation's cause as the city's tables name it.
const stage_labels = referral_stage_labels;
const cause_labels = {
  consent_declined: 'うち取りやめ：不同意',
  consent_expired: 'うち取りやめ：同意の期限切れ',
  consent_withdrawn: 'うち取りやめ：同意の撤回',
};

export const age_label = (label) => (label === '' ? '不明' : label);

function section({ id, title, children, wide = false }) {
  return html`
    <section class=${`report-card${wide ? ' wide' : ''}`} aria-labelledby=${id}>
      <h2 id=${id}>${title}</h2>
      ${children}
    </section>`;
}

function consulters_section(r) {
  return section({ id: 'r-consulters', title: '相談者数・相談件数', children: html`
    ${report_table({ caption: '相談者数と相談件数', head: ['項目', '人数・件数'], rows: [
      ['相談者数（実人数）', r.consulters],
      ['うち新規相談者', r.new_consulters],
      ['うち継続相談者（期間前にも相談あり）', r.returning_consulters],
      ['相談件数', r.consultations],
      ['緊急（危険あり）の相談', r.urgent],
    ] })}
    ${report_table({ caption: 'メッセージ数', head: ['区分', '件数'], rows: [
      ['受信（相談者から）', r.messages_in],
      ['送信（自動応答を含む）', r.messages_out],
    ] })}
    ${report_table({ caption: '開設時間内・時間外', note: '相談の最初のメッセージを受信した時刻で分けています。',
      head: ['区分', '相談件数'], rows: [
        ['開設時間内', r.arrivals_staffed],
        ['開設時間外', r.arrivals_off_hours],
        ['区分なし', r.arrivals_unknown],
      ] })}` });
}

function age_section(r) {
  const rows = r.consulters_by_age_band.map((row) => [age_label(row.label), row.count]);
  const caption = '年代別相談者数';
  return section({ id: 'r-age', title: '年代別', children: html`
    ${report_table({ caption, note: '実人数。期間内で最後に記録された年代で数えています。',
      head: ['年代', '相談者数'], rows, total: ['合計', sum(rows.map((row) => row[1]))] })}
    <${report_chart} name="age_band" kind="doughnut" title="年代別相談者数" table_name=${caption}
      labels=${rows.map((row) => row[0])} values=${rows.map((row) => row[1])}
      unknown_last=${r.consulters_by_age_band.at(-1)?.label === ''} />` });
}

function category_section(r) {
  const rows = r.consultations_by_category.map((row) => [row.label, row.count]);
  const caption = '相談内容別件数';
  return section({ id: 'r-category', title: '相談内容別', children: html`
    ${report_table({ caption, note: r.categories_multi_valued ? '複数選択のため合計は件数を超えます。' : null,
      head: ['相談内容', '件数'],
      rows: [...rows, ['分類なし', r.consultations_without_category]] })}
    <${report_chart} name="category" kind="horizontal_bar" title="相談内容別件数" table_name=${caption}
      labels=${rows.map((row) => row[0])} values=${rows.map((row) => row[1])} />` });
}

function arrivals_section(r) {
  const by_hour = arrivals_by_hour(r.arrivals_by_weekday_hour);
  return section({ id: 'r-arrivals', title: '曜日×時間帯', wide: true, children: html`
    <${report_heatmap} grid=${r.arrivals_by_weekday_hour} />
    <${report_chart} name="hour" kind="bar" title="時間帯別の相談件数" table_name="曜日・時間帯別の相談件数"
      labels=${by_hour.map((_, h) => `${h}時`)} values=${by_hour} />` });
}

function risk_section(r) {
  const rows = (r.consultations_by_risk ?? []).map((row) => [risk_label(row.label), row.count]);
  return section({ id: 'r-risk', title: '危険度別', children: report_table({
    caption: '危険度別の相談件数', note: '相談中に達した最も高い危険度で数えています（緊急キーワードの相談は「高」以上）。',
    head: ['危険度', '件数'], rows, total: ['合計', sum(rows.map((row) => row[1]))] }) });
}

function waiting_section(r) {
  const w = r.waiting;
  return section({ id: 'r-waiting', title: '初回応答までの待ち時間', children: html`
    ${report_table({ caption: '初回応答までの待ち時間',
      note: '最初のメッセージから相談員の最初の返信まで。時計時間は経過時間そのもの、開設時間は開設時間内に数えた時間です。',
      head: ['数え方', '中央値', '90パーセンタイル'], rows: [
        ['時計時間', text_cell(format_minutes(w.clock_median_minutes), true),
          text_cell(format_minutes(w.clock_p90_minutes), true)],
        ['開設時間', text_cell(format_minutes(w.staffed_median_minutes), true),
          text_cell(format_minutes(w.staffed_p90_minutes), true)],
      ] })}
    ${report_table({ caption: '応答の有無', head: ['区分', '相談件数'], rows: [
      ['応答済み', w.answered],
      ['未応答（待ち時間の集計に含めず）', w.unanswered],
    ] })}` });
}

function referral_section(r) {
  const f = r.referrals;
  return section({ id: 'r-referrals', title: '紹介', children: html`
    ${report_table({ caption: '紹介の状況（結果別）', head: ['状況', '件数'], rows: [
      ...f.by_stage.map((row) => [stage_labels[row.label] ?? row.label, row.count]),
      ...f.cancelled_by_cause.map((row) => [cause_labels[row.label] ?? row.label, row.count]),
    ], total: ['紹介件数', f.total] })}
    ${report_table({ caption: '緊急紹介', head: ['区分', '件数'], rows: [
      ['緊急の紹介（同意なし・個人情報保護法第27条第1項第2号）', f.emergency],
    ] })}
    ${f.by_unit.length === 0
      ? html`<p class="empty small">紹介先別の件数: この期間の紹介はありません。</p>`
      : report_table({ caption: '紹介先別（部署別）の件数', head: ['紹介先', '提案', '送付', '回答'],
        rows: f.by_unit.map((u) => [u.unit_name, u.suggested, u.received, u.answered]) })}` });
}

function consent_section(r) {
  const c = r.consents;
  return section({ id: 'r-consents', title: '本人同意', children: report_table({
    caption: '本人同意の状況', note: '同意の依頼ごとに数えています。', head: ['区分', '件数'], rows: [
      ['依頼', c.requested],
      ['同意（後に撤回されたものを含む）', c.granted],
      ['不同意', c.declined],
      ['期限切れ', c.expired],
      ['撤回', c.withdrawn],
      ['同意待ち', c.pending],
    ] }) });
}

function link_section(r) {
  const caption = 'リンク別アクセス数';
  const labels = r.link_clicks.map((l) => l.label || l.code);
  const values = r.link_clicks.map((l) => l.clicks);
  return section({ id: 'r-links', title: 'リンク別アクセス数', wide: true, children: html`
    <div class="card-columns">
      ${report_table({ caption, note: '広報媒体ごとの追跡リンクのクリック数（クリックした日で数えています）。',
        head: ['媒体', { text: 'コード' }, 'アクセス数'],
        rows: r.link_clicks.map((l) => [l.label || l.code, text_cell(l.code), l.clicks]),
        total: ['合計', text_cell(''), sum(values)] })}
      <${report_chart} name="links" kind="horizontal_bar" title="リンク別アクセス数" table_name=${caption}
        labels=${labels} values=${values} />
    </div>` });
}

export function report_sections({ report }) {
  return html`
    <div class="report-grid">
      ${consulters_section(report)}
      ${age_section(report)}
      ${category_section(report)}
      ${risk_section(report)}
      ${waiting_section(report)}
      ${arrivals_section(report)}
      ${referral_section(report)}
      ${consent_section(report)}
      ${link_section(report)}
    </div>`;
}
