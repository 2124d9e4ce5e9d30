// 監督ボード (supervisors, #/board): every open consultation — resident label, counsellor, state, risk,
// waiting time, last message — and who is on shift with their load (GET /queue?view=open, GET /shift).
// Sort (危険度 / 待ち時間 / 最終メッセージ) and filter (state, counsellor) with ordinary form controls, so
// the keyboard reaches everything; a row's link opens the conversation (#/c/<id>, the ordinary audited
// read, where the supervisor panel whispers or takes over). Reloads on the live events of the stream.
// Inputs: api, session, on_logout().
import { html } from './html.js';
import { useCallback, useEffect, useState } from '../vendor/hooks.module.js';
import { header_bar } from './header_bar.js';
import { format_duration, format_time, risk_label, state_labels } from './format.js';
import { open_stream } from './stream.js';
import { use_now } from './use_now.js';

const presence_labels = { available: '対応可', away: '離席', off: '終了' };
const risk_order = { critical: 0, high: 1, medium: 2, low: 3 };
const sorters = {
  risk: (a, b) => (risk_order[a.risk] ?? 4) - (risk_order[b.risk] ?? 4) || waited(a, b),
  waiting: (a, b) => waited(a, b),
  last: (a, b) => Date.parse(b.last_message_at) - Date.parse(a.last_message_at),
};
function waited(a, b) {
  return Date.parse(a.waiting_since ?? a.last_message_at) - Date.parse(b.waiting_since ?? b.last_message_at);
}

export function board_page({ api, session, on_logout }) {
  const [rows, set_rows] = useState(null);
  const [shift, set_shift] = useState([]);
  const [error, set_error] = useState(null);
  const [stream_state, set_stream_state] = useState('connecting');
  const [sort, set_sort] = useState('risk');
  const [state_filter, set_state_filter] = useState('');
  const [holder_filter, set_holder_filter] = useState('');
  const now = use_now();

  const load = useCallback(async () => {
    try {
      const [queue, people] = await Promise.all([api.get('/queue?view=open&limit=200'), api.get('/shift')]);
      set_rows(queue.items);
      set_shift(people.items);
      set_error(null);
    } catch (failure) {
      set_error('読み込めませんでした。');
    }
  }, [api]);

  useEffect(() => {
    const stream = open_stream({
      on_event: (event) => {
        if (['queue', 'message', 'assignment', 'presence', 'resync'].includes(event.kind)) {
          load();
        }
      },
      on_open: load,
      on_state: set_stream_state,
      on_session_ended: () => api.get('/session').catch(() => {}),
      on_failed_attempt: () => api.get('/session').catch(() => {}),
    });
    return () => stream.close();
  }, [api, load]);

  const shown = (rows ?? [])
    .filter((r) => !state_filter || r.state === state_filter)
    .filter((r) => !holder_filter || (r.assigned_to?.user_id ?? '') === holder_filter)
    .sort(sorters[sort]);

  return html`
    <${header_bar} session=${session} stream_state=${stream_state} on_logout=${on_logout} place="board" api=${api} />
    <main class="board">
      <h2>監督ボード</h2>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <section aria-labelledby="board-shift-title">
        <h3 id="board-shift-title">シフト中の職員</h3>
        <ul class="board-shift">
          ${shift.map((p) => html`<li key=${p.user_id} class=${`presence-${p.status}`}>
            ${p.display_name} — ${presence_labels[p.status] ?? p.status}
            ${p.since && html`<small>（${format_time(p.since)}から）</small>`}
            ・担当 ${p.load}${p.capacity !== null ? ` / ${p.capacity}` : ''}件
          </li>`)}
        </ul>
      </section>
      <section aria-labelledby="board-open-title">
        <h3 id="board-open-title">対応中・待機中の相談 <small>${shown.length}件</small></h3>
        <div class="board-controls">
          <label>並び順 <select id="board-sort" value=${sort} onChange=${(e) => set_sort(e.currentTarget.value)}>
            <option value="risk">危険度</option><option value="waiting">待ち時間</option>
            <option value="last">最終メッセージ</option></select></label>
          <label>状態 <select id="board-state" value=${state_filter} onChange=${(e) => set_state_filter(e.currentTarget.value)}>
            <option value="">すべて</option><option value="waiting">待機中</option><option value="assigned">対応中</option>
          </select></label>
          <label>担当 <select id="board-holder" value=${holder_filter} onChange=${(e) => set_holder_filter(e.currentTarget.value)}>
            <option value="">すべて</option>
            ${shift.map((p) => html`<option value=${p.user_id}>${p.display_name}</option>`)}
          </select></label>
        </div>
        ${rows === null ? html`<p class="empty">読み込み中…</p>` : html`
          <table class="board-table">
            <thead><tr><th>相談者</th><th>担当</th><th>状態</th><th>危険度</th><th>待ち時間</th><th>最終メッセージ</th></tr></thead>
            <tbody>
              ${shown.map((r) => html`<tr key=${r.consultation_id} data-id=${r.consultation_id}>
                <td><a href=${`#/c/${encodeURIComponent(r.consultation_id)}`}>${r.resident_label}</a></td>
                <td>${r.assigned_to ? r.assigned_to.display_name : '—'}</td>
                <td>${state_labels[r.state] ?? r.state}</td>
                <td class=${r.risk ? `risk-${r.risk}` : ''}>${risk_label(r.risk)}</td>
                <td>${r.waiting_since ? format_duration(r.waiting_since, now) : '—'}</td>
                <td>${format_time(r.last_message_at)}</td>
              </tr>`)}
            </tbody>
          </table>`}
      </section>
    </main>`;
}
