// 紹介を作成: the form a counsellor fills to propose a referral on the open consultation
// (POST /consultations/{id}/referrals). The summary is what the recipients (and the resident, in the
// consent request) read word for word, so the form asks for the minimum. Units: the tenant's org units,
// the hub ticked by default; categories: the tenant's labels, none by default; the reason stays with the
// consultation. Supervisors may send at once without consent (緊急送信) on the one legal basis the
// service knows, with a reason.
// Inputs: consultation_id, tenant ({categories, org_units}), is_supervisor, api, on_created(), on_cancel().
import { html } from './html.js';
import { emergency_basis, unit_kind_labels } from './format.js';
import { useRef, useEffect, useState } from '../vendor/hooks.module.js';
import { use_submit } from './use_submit.js';

const summary_max = 2000;

function toggled(list, value, on) {
  return on ? [...list, value] : list.filter((v) => v !== value);
}

export function emergency_fields({ id_prefix, reason, on_reason }) {
  return html`
    <div class="emergency-fields">
      <p class="emergency-basis">
        <strong>根拠：${emergency_basis.title}</strong>
        <span>${emergency_basis.words}</span>
      </p>
      <label for=${`${id_prefix}-emergency-reason`}>緊急送信の理由（必須）</label>
      <textarea id=${`${id_prefix}-emergency-reason`} rows="2" value=${reason} required
                onInput=${(e) => on_reason(e.currentTarget.value)}></textarea>
    </div>`;
}

export function referral_form({ consultation_id, tenant, is_supervisor, api, on_created, on_cancel }) {
  const units = tenant.org_units ?? [];
  const hub = units.find((u) => u.kind === 'hub');
  const [summary, set_summary] = useState('');
  const [unit_ids, set_unit_ids] = useState(hub ? [hub.id] : []);
  const [categories, set_categories] = useState([]);
  const [reason, set_reason] = useState('');
  const [emergency, set_emergency] = useState(false);
  const [emergency_reason, set_emergency_reason] = useState('');
  const { busy, error, submit: run } = use_submit();
  const first_field = useRef(null);

  useEffect(() => {
    first_field.current?.focus();
  }, []);

  const ready = summary.trim() && summary.length <= summary_max && reason.trim()
    && (!emergency || emergency_reason.trim());

  function submit(event) {
    event.preventDefault();
    if (!ready) {
      return;
    }
    // The tenant's order, as everywhere else the labels and units are listed.
    const body = {
      summary,
      unit_ids: units.filter((u) => unit_ids.includes(u.id)).map((u) => u.id),
      reason,
      categories: tenant.categories.filter((c) => categories.includes(c)),
    };
    if (emergency) {
      body.emergency = { legal_basis: emergency_basis.code, reason: emergency_reason };
    }
    run(async () => {
      await api.post(`/consultations/${encodeURIComponent(consultation_id)}/referrals`, body);
      on_created();
    });
  }

  return html`
    <form class="referral-form" onSubmit=${submit} aria-labelledby="referral-form-title">
      <h4 id="referral-form-title">紹介を作成</h4>
      <label for="referral-summary">共有する内容</label>
      <p class="hint" id="referral-summary-hint">共有する内容は最小限に。相談者にもこのまま示され、同意を得てから届きます。</p>
      <textarea id="referral-summary" ref=${first_field} rows="4" value=${summary}
                aria-describedby="referral-summary-hint"
                onInput=${(e) => set_summary(e.currentTarget.value)}></textarea>
      <p class=${summary.length > summary_max ? 'counter over' : 'counter'}>${summary.length} / ${summary_max}</p>
      <fieldset>
        <legend>紹介先</legend>
        <div class="unit-checks">
          ${units.map((u) => html`
            <label class="check" key=${u.id}>
              <input type="checkbox" name="referral-unit" value=${u.id} checked=${unit_ids.includes(u.id)}
                     onChange=${(e) => set_unit_ids(toggled(unit_ids, u.id, e.currentTarget.checked))} />
              <span>${u.name} <small>${unit_kind_labels[u.kind] ?? u.kind}</small></span>
            </label>`)}
        </div>
      </fieldset>
      <fieldset>
        <legend>共有する分類</legend>
        <div class="checks">
          ${tenant.categories.map((c) => html`
            <label class="check" key=${c}>
              <input type="checkbox" name="referral-category" value=${c} checked=${categories.includes(c)}
                     onChange=${(e) => set_categories(toggled(categories, c, e.currentTarget.checked))} />
              <span>${c}</span>
            </label>`)}
        </div>
      </fieldset>
      <label for="referral-reason">紹介する理由 <small>相談員の記録（紹介先には見えません）</small></label>
      <textarea id="referral-reason" rows="2" value=${reason}
                onInput=${(e) => set_reason(e.currentTarget.value)}></textarea>
      ${is_supervisor && html`
        <label class="check emergency-toggle">
          <input type="checkbox" checked=${emergency} onChange=${(e) => set_emergency(e.currentTarget.checked)} />
          <span>同意を得ずに緊急送信する</span>
        </label>
        ${emergency && html`<${emergency_fields} id_prefix="referral-form" reason=${emergency_reason}
                                                  on_reason=${set_emergency_reason} />`}`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <div class="row-actions">
        <button type="submit" class=${emergency ? 'danger-solid' : 'primary'} disabled=${busy || !ready}>
          ${emergency ? '緊急送信' : '同意を依頼して作成'}</button>
        <button type="button" onClick=${on_cancel}>やめる</button>
      </div>
    </form>`;
}
