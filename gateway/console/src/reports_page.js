// 集計: the reports page (roles admin, supervisor, analyst). A date range (local dates,
// default: this fiscal year up to today), 表示 to fetch GET /reports/summary for it, and a CSV link
// (GET /reports/summary.csv, downloaded by the browser with the session cookie). The shown range is kept
// in the hash (#/reports?from=…&to=…). Inputs: api, session, nav (header links), on_logout().
import { html } from './html.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import { header_bar } from './header_bar.js';
import { report_sections } from './report_sections.js';
import { range_from_hash, reports_hash, slash_date } from './report_dates.js';

function csv_href({ from, to }) {
  return `/api/v1/reports/summary.csv?${new URLSearchParams({ from, to })}`;
}

export function reports_page({ api, session, on_logout }) {
  const [shown, set_shown] = useState(() => range_from_hash(location.hash));
  const [form, set_form] = useState(shown);
  const [report, set_report] = useState(null);
  const [loading, set_loading] = useState(true);
  const [error, set_error] = useState(null);

  useEffect(() => {
    const on_hash = () => {
      const range = range_from_hash(location.hash);
      set_shown(range);
      set_form(range);
    };
    window.addEventListener('hashchange', on_hash);
    return () => window.removeEventListener('hashchange', on_hash);
  }, []);

  useEffect(() => {
    let current = true;
    set_loading(true);
    set_error(null);
    api.get(`/reports/summary?${new URLSearchParams(shown)}`)
      .then((answer) => {
        if (current) {
          set_report(answer);
        }
      })
      .catch((failure) => {
        if (current) {
          set_report(null);
          set_error(failure.message);
        }
      })
      .finally(() => {
        if (current) {
          set_loading(false);
        }
      });
    return () => {
      current = false;
    };
  }, [api, shown.from, shown.to]);

  function show(event) {
    event.preventDefault();
    if (form.from === shown.from && form.to === shown.to) {
      set_shown({ ...form });  // 表示 again refetches
      return;
    }
    location.hash = reports_hash(form);
  }

  const form_complete = Boolean(form.from && form.to);
  return html`
    <div class="app">
      <${header_bar} session=${session} on_logout=${on_logout} place="reports" />
      <main class="reports" aria-busy=${loading ? 'true' : 'false'}>
        <div class="reports-head">
          <div>
            <h1>集計</h1>
            <p class="reports-sub">${session.tenant.name}・相談は最初のメッセージを受信した日（日本時間）で数えています。</p>
          </div>
          <form class="range-form" onSubmit=${show}>
            <label>開始日 <input type="date" required value=${form.from}
              onInput=${(e) => set_form({ ...form, from: e.currentTarget.value })} /></label>
            <span aria-hidden="true">～</span>
            <label>終了日 <input type="date" required value=${form.to}
              onInput=${(e) => set_form({ ...form, to: e.currentTarget.value })} /></label>
            <button type="submit" class="primary" disabled=${!form_complete}>表示</button>
            ${form_complete
              ? html`<a class="button-link" href=${csv_href(form)} download="">CSVダウンロード</a>`
              : html`<span class="button-link disabled" aria-disabled="true">CSVダウンロード</span>`}
          </form>
        </div>
        ${error ? html`<p class="error" role="alert">${error}</p>` : null}
        ${report
          ? html`
            <p class="reports-range" role="status">
              集計期間 ${slash_date(report.range.from)}～${slash_date(report.range.to)}
              ${loading ? html`<span class="muted">（更新中…）</span>` : null}</p>
            <${report_sections} report=${report} />`
          : loading ? html`<p class="empty">読み込み中…</p>` : null}
      </main>
    </div>`;
}
