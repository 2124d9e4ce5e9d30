// The 紹介 section of an open consultation's side panel: the consultation's referrals, newest first
// (GET /consultations/{id}/referrals), each as a referral_card, and 紹介を作成 (collapsed until asked
// for, so the panel stays calm). The list is refetched when `version` changes: main.js bumps it on every
// `referral` event naming this consultation (events are hints). A refetch never closes an open form.
// Inputs: consultation (Consultation), tenant, session, api, version (number), on_changed().
import { html } from './html.js';
import { referral_card } from './referral_card.js';
import { referral_form } from './referral_form.js';
import { useCallback, useEffect, useRef, useState } from '../vendor/hooks.module.js';

const recent_messages = 15;

export function referral_panel({ consultation, tenant, session, api, version }) {
  const id = consultation.consultation_id;
  const [referrals, set_referrals] = useState(null);
  const [error, set_error] = useState(null);
  const [creating, set_creating] = useState(false);
  const asked_for = useRef(id);
  asked_for.current = id;

  // The same consultation asked again is a live event's doing (a new `version`): in the background.
  const loaded_for = useRef(null);
  const load = useCallback(async () => {
    const asked = id;
    const get = loaded_for.current === asked ? api.background_get : api.get;
    loaded_for.current = asked;
    try {
      const answer = await get(`/consultations/${encodeURIComponent(asked)}/referrals`);
      if (asked_for.current === asked) {
        set_referrals(answer.items);
        set_error(null);
      }
    } catch (failure) {
      if (asked_for.current === asked) {
        set_error(failure.message);
      }
    }
  }, [api, id]);

  useEffect(() => {
    load();
  }, [load, version]);

  const is_supervisor = session.user.role === 'supervisor';
  const closed = consultation.state === 'closed';
  // What consent may rest on: the resident's own messages, newest first.
  const resident_messages = consultation.messages.filter((m) => m.direction === 'in' && !m.withdrawn)
    .slice(-recent_messages).reverse();

  return html`
    <section class="panel-section referrals" aria-labelledby="referrals-title">
      <h3 id="referrals-title">紹介 <small>相談者の同意を得て市の担当へ</small></h3>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${referrals === null && !error && html`<p class="empty small">読み込み中…</p>`}
      ${referrals !== null && referrals.length === 0 && !creating
        && html`<p class="empty small">この相談の紹介はまだありません。</p>`}
      ${referrals !== null && referrals.length > 0 && html`
        <ul class="referral-list">
          ${referrals.map((r) => html`<${referral_card} key=${r.referral_id} referral=${r}
              units=${tenant.org_units} resident_messages=${resident_messages} is_supervisor=${is_supervisor}
              api=${api} on_changed=${load} />`)}
        </ul>`}
      ${creating
        ? html`<${referral_form} consultation_id=${id} tenant=${tenant} is_supervisor=${is_supervisor} api=${api}
                 on_created=${() => { set_creating(false); load(); }} on_cancel=${() => set_creating(false)} />`
        : !closed && html`<button type="button" class="create-referral" onClick=${() => set_creating(true)}>
                            紹介を作成…</button>`}
    </section>`;
}
