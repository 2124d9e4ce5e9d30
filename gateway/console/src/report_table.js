// The tables of the reports page, laid out like a city's tables: a caption, column headers (th scope=col),
// one row per item with its name as the row header (th scope=row), numbers right-aligned, and an optional
// 合計 row in a tfoot. Numbers are shown with thousands separators; null as 「—」 (no value, e.g. a waiting
// time when nothing was answered). Inputs: caption, note (a sentence under the caption), head ([column
// names, the first one naming the row headers; {text} for a column of text, not numbers), rows ([[name, value…]]), total ([name, value…]).
import { html } from './html.js';

const number_format = new Intl.NumberFormat('ja-JP');

export function format_count(value) {
  return value === null || value === undefined ? '—' : number_format.format(value);
}

// Minutes as the waiting table shows them: "12分", "7.5分", "135分（2時間15分）"; null → "—".
export function format_minutes(value) {
  if (value === null || value === undefined) {
    return '—';
  }
  const rounded = Math.round(value * 10) / 10;
  const text = `${number_format.format(rounded)}分`;
  if (rounded < 60) {
    return text;
  }
  const whole = Math.round(rounded);
  const rest = whole % 60;
  return `${text}（${Math.floor(whole / 60)}時間${rest === 0 ? '' : `${rest}分`}）`;
}

function cell(value) {
  if (typeof value === 'number' || value === null || value === undefined) {
    return html`<td class="num">${format_count(value)}</td>`;
  }
  return html`<td class=${value.numeric ? 'num' : ''}>${value.text}</td>`;
}

export function report_table({ caption, note = null, head, rows, total = null, class_name = '' }) {
  return html`
    <table class=${`report-table ${class_name}`}>
      <caption>${caption}${note ? html`<small class="table-note">${note}</small>` : null}</caption>
      <thead><tr>${head.map((name) => (typeof name === 'string'
        ? html`<th scope="col">${name}</th>`
        : html`<th scope="col" class="text-col">${name.text}</th>`))}</tr></thead>
      <tbody>
        ${rows.map(([name, ...values]) => html`
          <tr><th scope="row">${name}</th>${values.map(cell)}</tr>`)}
      </tbody>
      ${total ? html`
        <tfoot><tr class="total"><th scope="row">${total[0]}</th>${total.slice(1).map(cell)}</tr></tfoot>` : null}
    </table>`;
}

// A text cell (not formatted as a number), or a number already formatted (numeric: right-aligned).
export function text_cell(text, numeric = false) {
  return { text, numeric };
}

export function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}
