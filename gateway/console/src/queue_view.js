// The queue: tabs 待機中 / 自分の担当 / 緊急 / すべて with their counts, and one row per consultation:
// the resident's label, 緊急, 時間外 (only when the list mixes staffed and off-hours arrivals), the unread
// count, 返信あり (waiting again after our answer), 紹介回答あり (a referral's answers came back), the
// preview of the latest message, the holder, tags and times. The list is a page of the queue; もっと見る
// loads the next one. Rows are links (#/c/<id>), so Tab reaches them and Enter opens them; j/k (main.js)
// move the focus.
// Inputs: queue ({counts, items, next_cursor} or null while loading), tab, on_tab(tab), open_id, error,
// on_more() (loads the next page), loading_more.
import { html } from './html.js';
import { format_duration, format_time, state_labels } from './format.js';
import { use_now } from './use_now.js';
import { risk_badge } from './risk_panel.js';

export const queue_tabs = [
  { id: 'waiting', label: '待機中' },
  { id: 'mine', label: '自分の担当' },
  { id: 'urgent', label: '緊急' },
  { id: 'open', label: 'すべて' },
];

const empty_texts = {
  waiting: '待っている相談はありません。',
  mine: '担当している相談はありません。',
  urgent: '緊急の相談はありません。',
  open: '対応中の相談はありません。',
};

// 時間外 distinguishes rows only when both kinds of arrival are listed.
export function arrivals_mixed(items) {
  return items.some((i) => i.arrival === 'off_hours') && items.some((i) => i.arrival === 'staffed');
}

function queue_row({ item, selected, now, show_arrival }) {
  const waiting = item.state === 'waiting' && item.waiting_since;
  const overdue = waiting && item.due_at && new Date(item.due_at).getTime() < now;
  const classes = ['queue-row', item.urgent ? 'urgent' : '', selected ? 'selected' : ''].join(' ');
  const unread = item.unread_count ?? 0;
  return html`
    <li>
      <a class=${classes} href=${`#/c/${encodeURIComponent(item.consultation_id)}`}
         data-consultation-id=${item.consultation_id} aria-current=${selected ? 'true' : undefined}>
        <span class="row-top">
          <span class="resident">${item.resident_label}</span>
          ${item.urgent && html`<span class="badge urgent-badge">緊急</span>`}
          <${risk_badge} item=${item} />
          ${show_arrival && item.arrival === 'off_hours' && html`<span class="badge quiet">時間外</span>`}
          ${unread > 0 && html`<span class="badge unread-badge" aria-label=${`未読 ${unread}件`}>${unread}</span>`}
          ${item.wrote_back && html`<span class="badge mark-badge wrote-back">返信あり</span>`}
          ${item.referral_answered && html`<span class="badge mark-badge referral-answered">紹介回答あり</span>`}
          ${item.inbox_parked_at && html`<span class="badge parked-badge"
            title="この相談者から届いたLINEのイベントの一つを処理できず、保留しています">受信保留</span>`}
          <span class="row-when">
            ${waiting
              ? html`<span class=${overdue ? 'waiting overdue' : 'waiting'}>${format_duration(item.waiting_since, now)}待ち</span>`
              : html`<span class="state">${state_labels[item.state] ?? item.state}</span>`}
          </span>
        </span>
        ${item.preview && html`<span class="preview">${item.preview}</span>`}
        <span class="row-bottom">
          <span class="assignee">${item.assigned_to ? item.assigned_to.display_name : '未担当'}</span>
          ${item.age_band && html`<span class="chip">${item.age_band}</span>`}
          ${item.categories.map((category) => html`<span class="chip">${category}</span>`)}
          <span class="last" title="最後のメッセージ">最終 ${format_time(item.last_message_at, now)}</span>
        </span>
      </a>
    </li>`;
}

export function queue_view({ queue, tab, on_tab, open_id, error, on_more, loading_more }) {
  const now = use_now();
  const counts = queue?.counts ?? {};
  const show_arrival = queue ? arrivals_mixed(queue.items) : false;
  return html`
    <section class="queue" aria-label="相談の一覧">
      <div class="tabs" role="tablist" aria-label="一覧の種類">
        ${queue_tabs.map((t) => html`
          <button type="button" role="tab" class=${t.id === tab ? 'tab active' : 'tab'}
                  aria-selected=${t.id === tab ? 'true' : 'false'} data-tab=${t.id}
                  onClick=${() => on_tab(t.id)}>
            ${t.label}
            <span class=${t.id === 'urgent' && counts.urgent > 0 ? 'count hot' : 'count'}>${counts[t.id] ?? '–'}</span>
          </button>`)}
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${queue === null
        ? html`<p class="empty">読み込み中…</p>`
        : queue.items.length === 0
          ? html`<p class="empty">${empty_texts[tab]}</p>`
          : html`<ul class="queue-list">
              ${queue.items.map((item) => html`<${queue_row} key=${item.consultation_id} item=${item}
                                                  selected=${item.consultation_id === open_id} now=${now}
                                                  show_arrival=${show_arrival} />`)}
            </ul>
            ${queue.next_cursor && html`<button type="button" class="more" disabled=${loading_more}
                onClick=${on_more}>${loading_more ? '読み込み中…' : 'もっと見る'}</button>`}`}
      <p class="keys-hint">j / k で移動、Enter で開く、Esc で戻る</p>
    </section>`;
}
