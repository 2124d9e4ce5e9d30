// The side panel of an open consultation: the risk level (危険度, risk_panel.js), referrals (紹介,
// referral_panel.js), categories and age band
// (保存), private notes, and the resident's earlier consultations (これまでの相談, history_panel.js).
// Inputs: consultation, tenant ({categories, age_bands, org_units}), session, api, on_changed() to refetch,
// referral_version (bumped on `referral` events of this consultation).
// Unsaved tag edits survive refetches (a live event must not undo what the counsellor is ticking).
import { html } from './html.js';
import { format_time } from './format.js';
import { referral_panel } from './referral_panel.js';
import { history_panel } from './history_panel.js';
import { risk_panel } from './risk_panel.js';
import { supervisor_panel } from './supervisor_panel.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import { use_submit } from './use_submit.js';

function tags_form({ consultation, tenant, api, on_changed }) {
  const [categories, set_categories] = useState(consultation.categories);
  const [age_band, set_age_band] = useState(consultation.age_band ?? '');
  const [dirty, set_dirty] = useState(false);
  const [status, set_status] = useState(null);
  const { busy, error, on_submit } = use_submit();

  useEffect(() => {
    if (!dirty) {
      set_categories(consultation.categories);
      set_age_band(consultation.age_band ?? '');
    }
  }, [consultation.categories.join('\n'), consultation.age_band]);

  function toggle(category, checked) {
    set_dirty(true);
    set_status(null);
    set_categories(checked ? [...categories, category] : categories.filter((c) => c !== category));
  }

  const save = on_submit(async () => {
    // Keep the tenant's order, which is how the tallies list them.
    const ordered = tenant.categories.filter((c) => categories.includes(c));
    await api.put(`/consultations/${encodeURIComponent(consultation.consultation_id)}/tags`,
                  { categories: ordered, age_band: age_band === '' ? null : age_band });
    set_dirty(false);
    set_status('保存しました');
    on_changed();
  });

  return html`
    <form class="panel-section tags" onSubmit=${save} aria-labelledby="tags-title">
      <h3 id="tags-title">分類</h3>
      <fieldset>
        <legend>相談の分類（複数選べます）</legend>
        <div class="checks">
          ${tenant.categories.map((category) => html`
            <label class="check">
              <input type="checkbox" name="category" value=${category} checked=${categories.includes(category)}
                     onChange=${(e) => toggle(category, e.currentTarget.checked)} />
              <span>${category}</span>
            </label>`)}
        </div>
      </fieldset>
      <label for="age-band">年代</label>
      <select id="age-band" value=${age_band}
              onChange=${(e) => { set_age_band(e.currentTarget.value); set_dirty(true); set_status(null); }}>
        <option value="">不明</option>
        ${tenant.age_bands.map((band) => html`<option value=${band}>${band}</option>`)}
      </select>
      <div class="row-actions">
        <button type="submit" disabled=${busy || !dirty}>保存</button>
        ${status && html`<span class="saved" role="status">${status}</span>`}
        ${dirty && html`<span class="unsaved">未保存の変更があります</span>`}
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </form>`;
}

function notes_section({ consultation, api, on_changed }) {
  const [text, set_text] = useState('');
  const { busy, error, submit } = use_submit();

  function add(event) {
    event.preventDefault();
    if (text.trim()) {
      submit(async () => {
        await api.post(`/consultations/${encodeURIComponent(consultation.consultation_id)}/notes`, { text });
        set_text('');
        on_changed();
      });
    }
  }

  return html`
    <section class="panel-section notes" aria-labelledby="notes-title">
      <h3 id="notes-title">メモ <small>相談者には見えません</small></h3>
      ${consultation.notes.length === 0
        ? html`<p class="empty small">メモはまだありません。</p>`
        : html`<ul class="note-list">
            ${consultation.notes.map((note) => html`
              <li key=${note.note_id} class=${note.whisper_to ? 'whisper' : ''}>
                ${note.whisper_to && html`<span class="badge whisper-badge">ささやき</span>`}
                <p class="note-text">${note.text}</p>
                <p class="note-meta">${note.author.display_name}・${format_time(note.created_at)}</p>
              </li>`)}
          </ul>`}
      <form onSubmit=${add}>
        <label class="visually-hidden" for="note-text">メモ</label>
        <textarea id="note-text" rows="3" value=${text} placeholder="引き継ぎや気づきを書く"
                  onInput=${(e) => set_text(e.currentTarget.value)}></textarea>
        <button type="submit" disabled=${busy || !text.trim()}>メモを追加</button>
        ${error && html`<p class="error" role="alert">${error}</p>`}
      </form>
    </section>`;
}

export function consultation_panel({ consultation, tenant, session, api, on_changed, referral_version }) {
  return html`
    <aside class="side-panel" aria-label="紹介・分類・メモ">
      <${supervisor_panel} key=${`supervisor-${consultation.consultation_id}`} consultation=${consultation}
                           session=${session} api=${api} on_changed=${on_changed} />
      <${risk_panel} key=${`risk-${consultation.consultation_id}`} consultation=${consultation} api=${api}
                     on_changed=${on_changed} />
      <${referral_panel} key=${`referrals-${consultation.consultation_id}`} consultation=${consultation}
                         tenant=${tenant} session=${session} api=${api} version=${referral_version} />
      <${tags_form} key=${consultation.consultation_id} consultation=${consultation} tenant=${tenant}
                    api=${api} on_changed=${on_changed} />
      <${notes_section} key=${`notes-${consultation.consultation_id}`} consultation=${consultation}
                        api=${api} on_changed=${on_changed} />
      <${history_panel} key=${`history-${consultation.consultation_id}`} consultation=${consultation} api=${api} />
    </aside>`;
}
