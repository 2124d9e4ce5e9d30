// The resident note (申し送り) at the top of a consultation: the resident's current note with its author
// and time (consultation.resident_note), 編集 to write a new version (POST /residents/{id}/notes; earlier
// versions stay), and 履歴 to list every version (GET /residents/{id}/notes, an audited read).
// Inputs: consultation, api, on_changed() to refetch the consultation after a save.
import { html } from './html.js';
import { format_time } from './format.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import { use_submit } from './use_submit.js';

const max_chars = 1000;

export function resident_note({ consultation, api, on_changed }) {
  const note = consultation.resident_note;
  const [editing, set_editing] = useState(false);
  const [text, set_text] = useState(note?.text ?? '');
  const [versions, set_versions] = useState(null);
  const { busy, error, submit } = use_submit();
  const path = `/residents/${encodeURIComponent(consultation.resident_id)}/notes`;

  // Another consultation (or another resident) starts closed again.
  useEffect(() => {
    set_editing(false);
    set_versions(null);
  }, [consultation.resident_id]);

  function start() {
    set_text(note?.text ?? '');
    set_editing(true);
  }

  function save(event) {
    event.preventDefault();
    submit(async () => {
      await api.post(path, { text });
      set_editing(false);
      set_versions(null);
      on_changed();
    });
  }

  const show_versions = () => submit(async () => {
    set_versions((await api.get(path)).items);
  });

  return html`
    <section class="resident-note" aria-labelledby="resident-note-title">
      <div class="resident-note-head">
        <h3 id="resident-note-title">申し送り <small>この相談者のすべての相談に表示されます</small></h3>
        <div class="row-actions">
          ${!editing && html`<button type="button" class="small" onClick=${start}>${note ? '編集' : '書く'}</button>`}
          ${note && versions === null && html`<button type="button" class="small" disabled=${busy}
              onClick=${show_versions}>履歴</button>`}
          ${versions !== null && html`<button type="button" class="small" onClick=${() => set_versions(null)}>履歴を閉じる</button>`}
        </div>
      </div>
      ${!editing && (note
        ? html`<p class="note-text">${note.text}</p>
               <p class="note-meta">${note.author.display_name}・${format_time(note.created_at)}</p>`
        : html`<p class="empty small">申し送りはまだありません。</p>`)}
      ${editing && html`
        <form onSubmit=${save}>
          <label class="visually-hidden" for="resident-note-text">申し送り</label>
          <textarea id="resident-note-text" rows="3" maxlength=${max_chars} value=${text}
                    onInput=${(e) => set_text(e.currentTarget.value)}></textarea>
          <div class="row-actions">
            <button type="submit" class="primary" disabled=${busy || !text.trim()}>保存</button>
            <button type="button" disabled=${busy} onClick=${() => set_editing(false)}>やめる</button>
          </div>
        </form>`}
      ${versions !== null && html`
        <ol class="note-versions" aria-label="申し送りの履歴">
          ${versions.map((v) => html`<li key=${v.note_id}>
              <p class="note-text">${v.text}</p>
              <p class="note-meta">${v.author.display_name}・${format_time(v.created_at)}</p>
            </li>`)}
        </ol>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </section>`;
}
