// 曜日×時間帯: the consultations by the weekday and local hour of their first message, a 7×24 table
// (Sunday first, as the API gives it) with row and column totals. Each cell's shade comes from a CSS class
// heat-0 … heat-5 (share of the busiest cell), never from an inline style (CSP); the number stays in the
// cell, so the colour only helps the eye. Input: grid ([7][24] counts).
import { html } from './html.js';
import { format_count, sum } from './report_table.js';

export const weekday_names = ['日', '月', '火', '水', '木', '金', '土'];
const hours = Array.from({ length: 24 }, (_, h) => h);

function heat_class(count, max) {
  if (count <= 0 || max <= 0) {
    return 'heat-0';
  }
  return `heat-${Math.max(1, Math.ceil((5 * count) / max))}`;
}

export function arrivals_by_hour(grid) {
  return hours.map((h) => sum(grid.map((day) => day[h] ?? 0)));
}

export function report_heatmap({ grid }) {
  const max = Math.max(0, ...grid.flat());
  const by_hour = arrivals_by_hour(grid);
  return html`
    <div class="heatmap-scroll">
      <table class="report-table heatmap">
        <caption>曜日・時間帯別の相談件数<small class="table-note">最初のメッセージを受信した曜日と時刻（日本時間）。
          色が濃いほど多い時間帯です。</small></caption>
        <thead>
          <tr><th scope="col">曜日</th>
            ${hours.map((h) => html`<th scope="col"><abbr title=${`${h}時台`}>${h}</abbr></th>`)}
            <th scope="col">合計</th></tr>
        </thead>
        <tbody>
          ${grid.map((day, d) => html`
            <tr><th scope="row">${weekday_names[d]}</th>
              ${hours.map((h) => html`<td class=${`num ${heat_class(day[h] ?? 0, max)}`}>${format_count(day[h] ?? 0)}</td>`)}
              <td class="num row-total">${format_count(sum(day))}</td></tr>`)}
        </tbody>
        <tfoot>
          <tr class="total"><th scope="row">合計</th>
            ${by_hour.map((n) => html`<td class="num">${format_count(n)}</td>`)}
            <td class="num">${format_count(sum(by_hour))}</td></tr>
        </tfoot>
      </table>
    </div>`;
}
