// これまでの相談: the side panel's list of the resident's consultations (GET /residents/{id}/consultations,
// newest first; the open one is marked この相談), each with its dates, counsellor, categories, age band,
// urgency, referral stage and message count. 開く shows an earlier one read-only in a dialog: its
// transcript, notes and referral answers (GET /consultations/{id}, an audited read, and its referrals).
// A purged one shows 削除済み with its dates and tallies only, and cannot be opened.
// Inputs: consultation (the open one), api.
import { html } from './html.js';
import { format_date_time, referral_stage_labels, state_labels } from './format.js';
import { message_bubble } from './message_bubble.js';
import { useEffect, useRef, useState } from '../vendor/hooks.module.js';

// What past_consultation shows of one consultation: the audited transcript read and its referrals.
export async function read_past_consultation(api, id) {
  const [record, referrals] = await Promise.all([
    api.get(`/consultations/${encodeURIComponent(id)}`),
    api.get(`/consultations/${encodeURIComponent(id)}/referrals`),
  ]);
  return { record, referrals: referrals.items };
}

export function past_consultation({ record, referrals, on_close }) {
  const dialog = useRef(null);
  useEffect(() => {
    dialog.current?.showModal?.();
  }, []);
  return html`
    <dialog class="history-dialog" ref=${dialog} aria-labelledby="history-dialog-title" onClose=${on_close}>
      <header class="history-dialog-head">
        <h3 id="history-dialog-title">過去の相談（閲覧のみ）</h3>
        <button type="button" onClick=${on_close}>閉じる</button>
      </header>
      <p class="chat-sub">${format_date_time(record.opened_at)} 〜 ${format_date_time(record.closed_at) || '対応中'}
        ・担当：${record.assigned_to?.display_name ?? '未担当'}</p>
      <ol class="transcript read-only" aria-label="過去のやりとり">
        ${record.messages.length === 0 && html`<li class="empty">メッセージはありません。</li>`}
        ${record.messages.map((m) => html`<${message_bubble} key=${m.message_id} message=${m} />`)}
      </ol>
      <h4>メモ</h4>
      ${record.notes.length === 0 ? html`<p class="empty small">メモはありません。</p>` : html`
        <ul class="note-list">${record.notes.map((n) => html`<li key=${n.note_id}>
          <p class="note-text">${n.text}</p><p class="note-meta">${n.author.display_name}・${format_date_time(n.created_at)}</p></li>`)}
        </ul>`}
      <h4>紹介</h4>
      ${referrals.length === 0 ? html`<p class="empty small">紹介はありません。</p>` : html`
        <ul class="note-list">${referrals.map((r) => html`<li key=${r.referral_id}>
          <p class="note-meta">${r.number}・${referral_stage_labels[r.stage] ?? r.stage}</p>
          ${r.answers.map((a) => html`<p class="note-text">${a.unit_name}：${a.text}</p>`)}</li>`)}
        </ul>`}
    </dialog>`;
}

export function history_panel({ consultation, api }) {
  const resident_id = consultation.resident_id;
  const [items, set_items] = useState(null);
  const [error, set_error] = useState(null);
  const [opened, set_opened] = useState(null);

  useEffect(() => {
    let current = true;
    set_items(null);
    set_opened(null);
    api.get(`/residents/${encodeURIComponent(resident_id)}/consultations`).then(
      (answer) => { if (current) { set_items(answer.items); set_error(null); } },
      (failure) => { if (current) { set_error(failure.message); } });
    return () => { current = false; };
  }, [api, resident_id]);

  async function open(id) {
    try {
      set_opened(await read_past_consultation(api, id));
    } catch (failure) {
      set_error(failure.message);
    }
  }

  const earlier = items?.filter((i) => i.consultation_id !== consultation.consultation_id) ?? [];
  return html`
    <section class="panel-section history" aria-labelledby="history-title">
      <h3 id="history-title">これまでの相談 <small>${items ? `${earlier.length}件` : ''}</small></h3>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${items === null && !error && html`<p class="empty small">読み込み中…</p>`}
      ${items !== null && earlier.length === 0 && html`<p class="empty small">以前の相談はありません。</p>`}
      ${earlier.length > 0 && html`
        <ul class="history-list">
          ${earlier.map((h) => html`
            <li key=${h.consultation_id} class=${h.purged ? 'purged' : ''}>
              <p class="history-dates">${format_date_time(h.opened_at)} 〜 ${h.closed_at ? format_date_time(h.closed_at) : state_labels[h.state]}
                ${h.urgent && html`<span class="badge urgent-badge">緊急</span>`}
                ${h.purged && html`<span class="badge quiet">削除済み</span>`}</p>
              <p class="note-meta">担当：${h.counsellor?.display_name ?? '未担当'}・${h.age_band ?? '年代不明'}・${h.message_count}通
                ${h.referral_stage && html`・紹介：${referral_stage_labels[h.referral_stage] ?? h.referral_stage}`}</p>
              ${h.categories.length > 0 && html`<p class="note-meta">${h.categories.join('、')}</p>`}
              ${!h.purged && html`<button type="button" class="small" onClick=${() => open(h.consultation_id)}
                  aria-label=${`${format_date_time(h.opened_at)}の相談を開く`}>開く</button>`}
            </li>`)}
        </ul>`}
      ${opened && html`<${past_consultation} record=${opened.record} referrals=${opened.referrals}
                                             on_close=${() => set_opened(null)} />`}
    </section>`;
}
