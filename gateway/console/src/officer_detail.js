// One referral as an officer sees it (GET /officer/referrals/{id}, an audited read): the number, the
// summary the resident consented to share (as text), the category labels, whom it went to and the
// answers — never the conversation, which the API does not give officers. What can be done depends on
// the unit and the stage:
//   the hub, at_hub: 転送する (one or more departments / platform groups, never the hub itself; the units
//     the counsellor suggested are marked 提案 and chosen to begin with), or とりまとめ課で回答 (the hub
//     answers itself: the answer goes back to the counsellor at once);
//   the hub, answered: 回答を返す (the answers go back to the counsellor);
//   a recipient unit, forwarded, not answered yet: 対応内容を回答 (a text).
// A referral whose consent was withdrawn shows only its number and 「同意が撤回されました」.
// Inputs: referral (OfficerReferral or null while loading), error, unit ({id,name,kind} of the officer),
// units (tenant org_units), api, on_changed(), on_back().
import { html } from './html.js';
import {
  emergency_basis, format_date_time, referral_stage_labels, unit_kind_labels, unit_name,
} from './format.js';
import { useEffect, useRef, useState } from '../vendor/hooks.module.js';
import { use_submit } from './use_submit.js';
import { answer_list } from './referral_card.js';

const answer_max = 5000;

function forward_form({ referral, units, api, on_changed }) {
  const targets = units.filter((u) => u.kind !== 'hub');
  const suggested = referral.suggested_units ?? [];
  const [chosen, set_chosen] = useState(() => targets.filter((u) => suggested.includes(u.id)).map((u) => u.id));
  const { busy, error, on_submit } = use_submit();
  // Refetched whatever the answer: a refusal often means someone else moved the referral on.
  const submit = on_submit(async () => {
    try {
      await api.post(`/officer/referrals/${encodeURIComponent(referral.referral_id)}/forward`,
                     { unit_ids: targets.filter((u) => chosen.includes(u.id)).map((u) => u.id) });
      set_chosen([]);
    } finally {
      on_changed();
    }
  });

  return html`
    <form class="detail-section forward-form" onSubmit=${submit} aria-labelledby="forward-title">
      <h3 id="forward-title">転送先</h3>
      ${suggested.length > 0 && html`<p class="hint suggested-units">相談員の提案：${
        suggested.map((id) => unit_name(units, id)).join('、')}</p>`}
      <fieldset>
        <legend>${unit_kind_labels.department}・${unit_kind_labels.platform_group}（複数選べます）</legend>
        <div class="unit-checks">
          ${targets.map((u) => html`
            <label class="check" key=${u.id}>
              <input type="checkbox" name="forward-unit" value=${u.id} checked=${chosen.includes(u.id)}
                     onChange=${(e) => set_chosen(e.currentTarget.checked ? [...chosen, u.id]
                                                                          : chosen.filter((c) => c !== u.id))} />
              <span>${u.name} <small>${unit_kind_labels[u.kind] ?? u.kind}</small>
                ${suggested.includes(u.id) && html`<span class="badge quiet">提案</span>`}</span>
            </label>`)}
        </div>
      </fieldset>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <button type="submit" class="primary" disabled=${busy || chosen.length === 0}>転送する</button>
    </form>`;
}

function answer_form({ referral, api, on_changed, by_hub = false }) {
  const [text, set_text] = useState('');
  const { busy, error, on_submit } = use_submit();
  const submit = on_submit(async () => {
    try {
      await api.post(`/officer/referrals/${encodeURIComponent(referral.referral_id)}/answer`, { text });
      set_text('');
    } finally {
      on_changed();
    }
  });

  return html`
    <form class="detail-section answer-form" onSubmit=${submit} aria-labelledby="answer-title">
      <h3 id="answer-title">${by_hub ? 'とりまとめ課で回答' : '対応内容を回答'}</h3>
      <p class="hint">${by_hub
        ? '転送せずにこの課で対応するときは、できること（窓口、連絡先、次の手順）を書いてください。回答はすぐに相談員に返ります。'
        : 'この課でできること（窓口、連絡先、次の手順）を相談員に伝えます。'}</p>
      <label class="visually-hidden" for="answer-text">対応内容</label>
      <textarea id="answer-text" rows="5" value=${text} onInput=${(e) => set_text(e.currentTarget.value)}></textarea>
      <div class="row-actions">
        <button type="submit" class="primary" disabled=${busy || !text.trim() || text.length > answer_max}>
          回答を送信</button>
        <span class=${text.length > answer_max ? 'counter over' : 'counter'}>${text.length} / ${answer_max}</span>
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>`;
}

function return_button({ referral, api, on_changed }) {
  const { busy, error, submit } = use_submit();
  const give_back = () => submit(async () => {
    try {
      await api.post(`/officer/referrals/${encodeURIComponent(referral.referral_id)}/return`);
    } finally {
      on_changed();
    }
  });

  return html`
    <section class="detail-section">
      <h3>回答の返却</h3>
      <p class="hint">すべての回答がそろいました。相談員に返すと、相談者への返信に使われます。</p>
      <button type="button" class="primary" disabled=${busy} onClick=${give_back}>回答を返す</button>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </section>`;
}

function detail_body({ referral, unit, units, api, on_changed }) {
  const is_hub = unit?.kind === 'hub';
  return html`
    ${referral.emergency && html`<p class="emergency-note">緊急：本人の同意を得ずに送られた紹介です
      （${emergency_basis.title}）。</p>`}
    <section class="detail-section">
      <h3>共有された内容</h3>
      <p class="referral-summary detail-summary">${referral.summary}</p>
      ${referral.categories.length > 0 && html`
        <p class="detail-chips">${referral.categories.map((c) => html`<span class="chip">${c}</span>`)}</p>`}
    </section>
    ${referral.recipients.length > 0 && html`
      <section class="detail-section">
        <h3>転送先</h3>
        <ul class="recipient-list">
          ${referral.recipients.map((id) => html`<li key=${id}>${unit_name(units, id)}
            ${referral.answers.some((a) => a.unit_id === id)
              ? html`<span class="badge answered-badge">回答済み</span>`
              : html`<span class="badge quiet">回答待ち</span>`}</li>`)}
        </ul>
      </section>`}
    ${referral.answers.length > 0 && html`
      <section class="detail-section">
        <h3>回答</h3>
        <${answer_list} answers=${referral.answers} />
      </section>`}
    ${is_hub && referral.stage === 'at_hub'
      && html`<${forward_form} referral=${referral} units=${units} api=${api} on_changed=${on_changed} />`}
    ${is_hub && referral.stage === 'at_hub'
      && html`<${answer_form} referral=${referral} api=${api} on_changed=${on_changed} by_hub=${true} />`}
    ${is_hub && referral.stage === 'answered'
      && html`<${return_button} referral=${referral} api=${api} on_changed=${on_changed} />`}
    ${!is_hub && referral.stage === 'forwarded' && !referral.answered_by_my_unit
      && html`<${answer_form} referral=${referral} api=${api} on_changed=${on_changed} />`}`;
}

export function officer_detail({ referral, error, unit, units, api, on_changed, on_back }) {
  const heading = useRef(null);
  const loaded = referral !== null;
  useEffect(() => {
    heading.current?.focus();
  }, [loaded]);

  if (error) {
    return html`<section class="chat empty-chat"><p class="error" role="alert">${error}</p>
      <button type="button" onClick=${on_back}>一覧に戻る</button></section>`;
  }
  if (!referral) {
    return html`<section class="chat empty-chat"><p class="empty">読み込み中…</p></section>`;
  }
  return html`
    <section class="chat referral-detail" aria-labelledby="referral-title">
      <header class="chat-header">
        <button type="button" class="back" onClick=${on_back} aria-label="一覧に戻る（Esc）">←</button>
        <div class="chat-title">
          <h2 id="referral-title" ref=${heading} tabindex="-1">紹介 No. ${referral.number}</h2>
          <p class="chat-sub">
            ${referral.emergency && html`<span class="badge urgent-badge">緊急</span>`}
            <span class=${`stage-tag ${referral.stage}`}>${referral_stage_labels[referral.stage] ?? referral.stage}</span>
            <span>受付 ${format_date_time(referral.created_at)}</span>
          </p>
        </div>
      </header>
      <div class="detail-scroll">
        ${referral.consent_withdrawn
          ? html`<p class="withdrawn-notice" role="status">同意が撤回されました</p>`
          : html`<${detail_body} referral=${referral} unit=${unit} units=${units} api=${api} on_changed=${on_changed} />`}
      </div>
    </section>`;
}
