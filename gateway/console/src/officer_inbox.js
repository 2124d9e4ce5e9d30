// 紹介受付: the referrals visible to the officer's unit, newest first. One row per referral: number,
// when it was made (受付日時), its stage for this unit, and badges 緊急 / 同意撤回 / 回答済み. Rows are links
// (#/r/<id>) so Tab reaches them and Enter opens them; j / k move between them (keyboard.js).
// The list is the pages loaded so far; もっと見る loads the next one while the server has more.
// Inputs: inbox ({unit:{id,name,kind}, items:[OfficerReferral], next_cursor} or null while loading),
// open_id, error, on_more() (loads the next page), loading_more.
import { html } from './html.js';
import { format_date_time, referral_stage_labels, unit_kind_labels } from './format.js';

function inbox_row({ item, selected }) {
  const classes = ['queue-row', 'inbox-row', item.emergency ? 'urgent' : '', selected ? 'selected' : '',
                   item.consent_withdrawn ? 'withdrawn' : ''].join(' ');
  return html`
    <li>
      <a class=${classes} href=${`#/r/${encodeURIComponent(item.referral_id)}`} data-referral-id=${item.referral_id}
         aria-current=${selected ? 'true' : undefined}>
        <span class="row-top">
          <span class="referral-number">No. ${item.number}</span>
          ${item.emergency && html`<span class="badge urgent-badge">緊急</span>`}
          ${item.consent_withdrawn && html`<span class="badge withdrawn-badge">同意撤回</span>`}
          ${item.answered_by_my_unit && html`<span class="badge answered-badge">回答済み</span>`}
          <span class="row-when"><span class=${`stage-tag ${item.stage}`}>
            ${referral_stage_labels[item.stage] ?? item.stage}</span></span>
        </span>
        <span class="row-bottom">
          <span>受付 ${format_date_time(item.created_at)}</span>
          ${!item.consent_withdrawn && item.categories.map((c) => html`<span class="chip">${c}</span>`)}
        </span>
      </a>
    </li>`;
}

export function officer_inbox({ inbox, open_id, error, on_more, loading_more }) {
  const unit = inbox?.unit;
  return html`
    <section class="queue inbox" aria-labelledby="inbox-title">
      <header class="inbox-header">
        <h2 id="inbox-title">紹介受付</h2>
        ${unit && html`<p class="inbox-unit">${unit.name} <small>${unit_kind_labels[unit.kind] ?? unit.kind}</small></p>`}
      </header>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${inbox === null
        ? !error && html`<p class="empty">読み込み中…</p>`
        : inbox.items.length === 0
          ? html`<p class="empty">届いている紹介はありません。</p>`
          : html`<ul class="queue-list" aria-label="紹介の一覧">
              ${inbox.items.map((item) => html`<${inbox_row} key=${item.referral_id} item=${item}
                                                  selected=${item.referral_id === open_id} />`)}
            </ul>
            ${inbox.next_cursor && html`<button type="button" class="more" disabled=${loading_more}
                onClick=${on_more}>${loading_more ? '読み込み中…' : 'もっと見る'}</button>`}`}
      <p class="keys-hint">j / k で移動、Enter で開く、Esc で戻る</p>
    </section>`;
}
