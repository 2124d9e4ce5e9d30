// One referral in the counsellors' 紹介 panel: number, stage, consent state, 緊急, the summary shared,
// whom it went to, each unit's answer (with the unit's name), and what can be done now:
//   同意を記録 (awaiting consent: 同意 / 不同意 and the resident's message it rests on),
//   同意撤回を記録 (consent granted and the referral still alive: the resident's message),
//   終了 (returned: after replying to the resident),
//   緊急送信 (supervisors, proposed or awaiting consent: the legal basis in words and a reason).
// Inputs: referral (Referral), units (tenant org_units), resident_messages ([Message], newest first),
// is_supervisor, api, on_changed().
import { html } from './html.js';
import {
  cancel_cause_labels, consent_labels, emergency_basis, format_date_time, kind_label, referral_stage_labels,
  unit_name,
} from './format.js';
import { emergency_fields } from './referral_form.js';
import { confirm_button } from './confirm_button.js';
import { useState } from '../vendor/hooks.module.js';
import { use_submit } from './use_submit.js';

const live_stages = new Set(['at_hub', 'forwarded', 'answered', 'returned']);

function message_label(message) {
  const text = message.text ?? `（${kind_label(message.kind)}）`;
  const short = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `${format_date_time(message.sent_at)}　${short}`;
}

// The resident's message a consent record rests on: a select of their recent inbound messages.
function message_choice({ id, messages, value, on_change }) {
  return html`
    <label for=${id}>根拠となる相談者のメッセージ</label>
    <select id=${id} value=${value} onChange=${(e) => on_change(e.currentTarget.value)}>
      <option value="">選んでください…</option>
      ${messages.map((m) => html`<option key=${m.message_id} value=${m.message_id}>${message_label(m)}</option>`)}
    </select>`;
}

function consent_form({ referral, messages, api, on_done }) {
  const [granted, set_granted] = useState('');
  const [message_id, set_message_id] = useState('');
  const { busy, error, on_submit } = use_submit();
  const id = referral.referral_id;
  const submit = on_submit(async () => {
    await api.post(`/referrals/${encodeURIComponent(id)}/consent`, { granted: granted === 'yes', message_id });
    on_done();
  });

  return html`
    <form class="referral-subform" onSubmit=${submit}>
      <fieldset>
        <legend>相談者の答え</legend>
        <label class="check"><input type="radio" name=${`consent-${id}`} value="yes" checked=${granted === 'yes'}
               onChange=${() => set_granted('yes')} /><span>同意</span></label>
        <label class="check"><input type="radio" name=${`consent-${id}`} value="no" checked=${granted === 'no'}
               onChange=${() => set_granted('no')} /><span>不同意</span></label>
      </fieldset>
      <${message_choice} id=${`consent-message-${id}`} messages=${messages} value=${message_id}
                         on_change=${set_message_id} />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" disabled=${busy || !granted || !message_id}>同意を記録</button>
    </form>`;
}

function withdraw_form({ referral, messages, api, on_done }) {
  const [message_id, set_message_id] = useState('');
  const { busy, error, on_submit } = use_submit();
  const id = referral.referral_id;
  const submit = on_submit(async () => {
    await api.post(`/referrals/${encodeURIComponent(id)}/withdraw`, { message_id });
    on_done();
  });

  return html`
    <form class="referral-subform" onSubmit=${submit}>
      <${message_choice} id=${`withdraw-message-${id}`} messages=${messages} value=${message_id}
                         on_change=${set_message_id} />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" class="danger" disabled=${busy || !message_id}>同意撤回を記録</button>
    </form>`;
}

function emergency_form({ referral, api, on_done }) {
  const [reason, set_reason] = useState('');
  const { busy, error, on_submit } = use_submit();
  const submit = on_submit(async () => {
    await api.post(`/referrals/${encodeURIComponent(referral.referral_id)}/emergency`,
                   { legal_basis: emergency_basis.code, reason });
    on_done();
  });

  return html`
    <form class="referral-subform" onSubmit=${submit}>
      <${emergency_fields} id_prefix=${`emergency-${referral.referral_id}`} reason=${reason} on_reason=${set_reason} />
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" class="danger-solid" disabled=${busy || !reason.trim()}>同意なしで緊急送信</button>
    </form>`;
}

// The units' answers to a referral, each with the unit's name and when (also the officers' detail).
export function answer_list({ answers, label }) {
  return html`
    <ul class="answer-list" aria-label=${label}>
      ${answers.map((a) => html`
        <li key=${a.unit_id}>
          <p class="answer-unit">${a.unit_name}</p>
          <p class="answer-text">${a.text}</p>
          <p class="note-meta">${format_date_time(a.answered_at)}</p>
        </li>`)}
    </ul>`;
}

// Which action form is open (one at a time): null, 'consent', 'withdraw', 'emergency'.
function actions({ referral, messages, is_supervisor, api, on_changed }) {
  const [open, set_open] = useState(null);
  const { busy, error, submit } = use_submit();
  const awaiting = referral.stage === 'awaiting_consent' && referral.consent.state === 'requested';
  const can_withdraw = referral.consent.state === 'granted' && live_stages.has(referral.stage);
  const can_emergency = is_supervisor && ['proposed', 'awaiting_consent'].includes(referral.stage);
  const can_close = referral.stage === 'returned';
  const done = () => {
    set_open(null);
    on_changed();
  };

  const close_referral = () => submit(async () => {
    await api.post(`/referrals/${encodeURIComponent(referral.referral_id)}/close`);
    on_changed();
  });

  const toggle = (what) => set_open(open === what ? null : what);
  if (!awaiting && !can_withdraw && !can_emergency && !can_close) {
    return null;
  }
  return html`
    <div class="referral-actions">
      <div class="row-actions">
        ${awaiting && html`<button type="button" aria-expanded=${open === 'consent' ? 'true' : 'false'}
            onClick=${() => toggle('consent')}>同意を記録…</button>`}
        ${can_withdraw && html`<button type="button" aria-expanded=${open === 'withdraw' ? 'true' : 'false'}
            onClick=${() => toggle('withdraw')}>同意撤回を記録…</button>`}
        ${can_emergency && html`<button type="button" class="danger"
            aria-expanded=${open === 'emergency' ? 'true' : 'false'}
            onClick=${() => toggle('emergency')}>緊急送信…</button>`}
        ${can_close && html`<${confirm_button} label="紹介を終了" question="この紹介を終了しますか？"
            confirm_label="はい、紹介を終了" disabled=${busy} title="相談者に返信してから終了します"
            on_confirm=${close_referral} />`}
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${open === 'consent' && html`<${consent_form} referral=${referral} messages=${messages} api=${api} on_done=${done} />`}
      ${open === 'withdraw' && html`<${withdraw_form} referral=${referral} messages=${messages} api=${api} on_done=${done} />`}
      ${open === 'emergency' && html`<${emergency_form} referral=${referral} api=${api} on_done=${done} />`}
    </div>`;
}

export function referral_card({ referral, units, resident_messages, is_supervisor, api, on_changed }) {
  const consent = referral.consent ?? { state: 'none' };
  return html`
    <li class=${`referral-card stage-${referral.stage}${referral.emergency ? ' emergency' : ''}`}
        data-referral-id=${referral.referral_id}>
      <p class="referral-head">
        <span class="referral-number">No. ${referral.number}</span>
        ${referral.emergency && html`<span class="badge urgent-badge">緊急</span>`}
        <span class=${`stage-tag ${referral.stage}`}>${referral_stage_labels[referral.stage] ?? referral.stage}</span>
      </p>
      <p class="referral-meta">
        <span class=${`consent-tag ${consent.state}`}>${consent_labels[consent.state] ?? consent.state}</span>
        ${consent.state === 'requested' && consent.expires_at
          && html`<span>期限 ${format_date_time(consent.expires_at)}</span>`}
        <span>作成 ${format_date_time(referral.created_at)}</span>
      </p>
      ${referral.emergency && html`<p class="referral-basis">同意を得ずに送信（${emergency_basis.title}）</p>`}
      ${referral.cause && referral.cause !== 'none'
        && html`<p class="referral-cause">${cancel_cause_labels[referral.cause] ?? referral.cause}</p>`}
      <p class="referral-summary">${referral.summary}</p>
      <p class="referral-units">紹介先：${(referral.recipients.length > 0 ? referral.recipients : referral.suggested_units)
        .map((id) => unit_name(units, id)).join('、')}</p>
      ${referral.answers.length > 0 && html`<${answer_list} answers=${referral.answers} label="関係先からの回答" />`}
      <${actions} referral=${referral} messages=${resident_messages} is_supervisor=${is_supervisor}
                  api=${api} on_changed=${on_changed} />
    </li>`;
}
