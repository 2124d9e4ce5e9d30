// The open consultation: header with its state and actions (担当する / 担当を外す / 終了する / 再開する,
// 担当替え for supervisors: a choice of assignees and a button), the resident note (申し送り), the
// transcript like a chat, the reply box and the side panel. Inputs: consultation (null while loading), error, session, tenant, api,
// on_changed() to refetch, on_back(), transfer_targets ([{user_id, display_name, role}] from
// GET /assignees, or null: no 担当替え), referral_version (bumped on this consultation's referral events).
import { html } from './html.js';
import { message_bubble } from './message_bubble.js';
import { reply_box } from './reply_box.js';
import { consultation_panel } from './consultation_panel.js';
import { resident_note } from './resident_note.js';
import { confirm_button } from './confirm_button.js';
import { format_duration, format_time, role_labels, state_labels } from './format.js';
import { use_now } from './use_now.js';
import { useEffect, useRef, useState } from '../vendor/hooks.module.js';
import { use_submit } from './use_submit.js';

function transfer_form({ targets, current_user_id, busy, on_transfer }) {
  const [to, set_to] = useState('');
  // A transfer (ours or anyone's) changes the holder: start again from an empty choice.
  useEffect(() => {
    set_to('');
  }, [current_user_id]);
  const choices = targets.filter((t) => t.user_id !== current_user_id);
  if (choices.length === 0) {
    return null;
  }
  return html`
    <form class="transfer" onSubmit=${(e) => { e.preventDefault(); if (to) { on_transfer(to); } }}>
      <label class="visually-hidden" for="transfer-to">担当替えの相手</label>
      <select id="transfer-to" value=${to} disabled=${busy} onChange=${(e) => set_to(e.currentTarget.value)}>
        <option value="">担当替えの相手…</option>
        ${choices.map((t) => html`<option key=${t.user_id} value=${t.user_id}>${t.display_name}${
          t.role === 'supervisor' ? `（${role_labels.supervisor}）` : ''}</option>`)}
      </select>
      <button type="submit" disabled=${busy || !to}>担当替え</button>
    </form>`;
}

// The server's lifecycle rule (routing/consultation_access.hpp), to offer only what it allows: a
// counsellor closes, releases and reopens only what they hold or what nobody holds; supervisors any.
export function may_change(action, consultation, user) {
  const holder = consultation.assigned_to?.user_id ?? null;
  const own_or_nobody = user.role === 'supervisor' || holder === null || holder === user.user_id;
  const closed = consultation.state === 'closed';
  switch (action) {
    case 'claim':
      return !closed && holder === null;
    case 'close':
      return !closed && own_or_nobody;
    case 'release':
      return !closed && holder !== null && own_or_nobody;
    case 'reopen':
      return closed && own_or_nobody;
  }
  return false;
}

function reply_disabled_reason(consultation, mine, user) {
  if (consultation.state === 'closed') {
    return may_change('reopen', consultation, user)
      ? 'この相談は終了しています。返信するには「再開する」を押してください。'
      : 'この相談は終了しています。';
  }
  if (!mine) {
    return consultation.assigned_to
      ? `${consultation.assigned_to.display_name}さんが担当しています。`
      : '返信するには「担当する」を押してください。';
  }
  return '';
}

export function chat_view({ consultation, error, session, tenant, api, on_changed, on_back, transfer_targets,
                            referral_version }) {
  const now = use_now();
  const { busy, error: action_error, set_error: set_action_error, submit } = use_submit();
  const heading = useRef(null);
  const transcript = useRef(null);
  const id = consultation?.consultation_id;
  const message_count = consultation?.messages.length ?? 0;

  // Opening a consultation moves the focus to its heading, so that Tab continues from there.
  useEffect(() => {
    set_action_error(null);
    heading.current?.focus();
  }, [id]);
  // The newest message is at the bottom, as in a chat.
  useEffect(() => {
    if (transcript.current) {
      transcript.current.scrollTop = transcript.current.scrollHeight;
    }
  }, [id, message_count]);

  if (error) {
    return html`<section class="chat empty-chat"><p class="error" role="alert">${error}</p>
      <button type="button" onClick=${on_back}>一覧に戻る</button></section>`;
  }
  if (!consultation) {
    return html`<section class="chat empty-chat"><p class="empty">読み込み中…</p></section>`;
  }

  const path = `/consultations/${encodeURIComponent(id)}`;
  const me = session.user.user_id;
  const mine = consultation.assigned_to?.user_id === me;
  const closed = consultation.state === 'closed';

  // Refetched whatever the answer: a refusal (409) means the consultation changed meanwhile.
  const act = (suffix, body) => submit(async () => {
    try {
      await api.post(`${path}/${suffix}`, body);
    } finally {
      on_changed();
    }
  });

  // The resident sees LINE's loading animation; a refusal (the consultation changed meanwhile) or a
  // failure is of no consequence to the counsellor and stays silent.
  function typing() {
    api.post(`${path}/typing`).catch(() => {});
  }

  async function send(text) {
    try {
      await api.post(`${path}/messages`, { text });
    } finally {
      on_changed();
    }
  }

  return html`
    <div class="chat-layout">
      <section class="chat" aria-labelledby="chat-title">
        <header class="chat-header">
          <button type="button" class="back" onClick=${on_back} aria-label="一覧に戻る（Esc）">←</button>
          <div class="chat-title">
            <h2 id="chat-title" ref=${heading} tabindex="-1">${consultation.resident_label}</h2>
            <p class="chat-sub">
              ${consultation.urgent && html`<span class="badge urgent-badge">緊急</span>`}
              ${consultation.arrival === 'off_hours' && html`<span class="badge quiet">時間外</span>`}
              <span class=${`state-tag ${consultation.state}`}>${state_labels[consultation.state]}</span>
              <span>担当：${consultation.assigned_to ? consultation.assigned_to.display_name : '未担当'}</span>
              ${consultation.state === 'waiting' && consultation.waiting_since
                && html`<span>${format_duration(consultation.waiting_since, now)}待ち</span>`}
              <span>開始 ${format_time(consultation.opened_at, now)}</span>
            </p>
          </div>
          <div class="chat-actions">
            ${may_change('claim', consultation, session.user) && html`<button type="button" class="primary"
                disabled=${busy} onClick=${() => act('claim')}>担当する</button>`}
            ${may_change('release', consultation, session.user) && html`<button type="button" disabled=${busy}
                onClick=${() => act('release')}>担当を外す</button>`}
            ${!closed && transfer_targets && html`<${transfer_form} key=${id} targets=${transfer_targets}
                current_user_id=${consultation.assigned_to?.user_id} busy=${busy}
                on_transfer=${(to) => act('transfer', { to_user_id: to })} />`}
            ${may_change('close', consultation, session.user) && html`<${confirm_button} key=${`close-${id}`}
                label="終了する" question="この相談を終了しますか？" confirm_label="はい、終了する" class_name="danger"
                disabled=${busy} on_confirm=${() => act('close')} />`}
            ${may_change('reopen', consultation, session.user) && html`<button type="button" disabled=${busy}
                onClick=${() => act('reopen')}>再開する</button>`}
          </div>
        </header>
        ${action_error && html`<p class="error action-error" role="alert">${action_error}</p>`}
        ${consultation.inbox_parked_at && html`<p class="parked-notice" role="status">
          この相談者から届いたLINEのイベントの一つを処理できず、保留しています。メッセージが欠けているかもしれません。
          運用担当者に連絡してください（<code>yorisoi inbox parked</code> で確認し、再処理できます）。</p>`}
        <${resident_note} consultation=${consultation} api=${api} on_changed=${on_changed} />
        <ol class="transcript" ref=${transcript} aria-label="やりとり" tabindex="0">
          ${consultation.messages.length === 0 && html`<li class="empty">メッセージはまだありません。</li>`}
          ${consultation.messages.map((m) => html`<${message_bubble} key=${m.message_id} message=${m} now=${now} />`)}
        </ol>
        <${reply_box} key=${id} templates=${tenant.templates} enabled=${mine && !closed}
                      disabled_reason=${reply_disabled_reason(consultation, mine, session.user)} on_send=${send}
                      on_typing=${typing} />
      </section>
      <${consultation_panel} consultation=${consultation} tenant=${tenant} session=${session} api=${api}
                             on_changed=${on_changed} referral_version=${referral_version} />
    </div>`;
}
