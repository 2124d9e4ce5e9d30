// The reply box: a textarea, a template picker that inserts a template's text at the cursor (editable
// before sending), and 送信 (or Ctrl+Enter). Inputs: templates [{id,title,text}], enabled, disabled_reason,
// on_send(text) → promise (rejects with an api_error; the text then stays in the box), on_typing() — called
// while the counsellor types, at most once per typing_interval_ms (the resident sees LINE's loading
// animation; the server throttles it too).
// The unsent text is the open consultation's draft (drafts.js): restored when the box is shown again
// for that consultation, dropped once sent. The box is keyed by consultation, so the one in the hash
// is its own.
import { html } from './html.js';
import { useRef, useState } from '../vendor/hooks.module.js';
import { open_consultation_id, read_draft, save_draft } from './drafts.js';
import { use_submit } from './use_submit.js';

const max_length = 5000;
const typing_interval_ms = 20_000;

export function reply_box({ templates, enabled, disabled_reason, on_send, on_typing }) {
  const draft_id = useRef(open_consultation_id());
  const last_typing = useRef(0);
  const [text, set_text_only] = useState(() => read_draft(draft_id.current));
  const { busy, error, submit } = use_submit();
  const area = useRef(null);

  function set_text(next) {
    set_text_only(next);
    save_draft(draft_id.current, next);
  }

  function typed(next) {
    set_text(next);
    const now = Date.now();
    if (enabled && on_typing && next.trim().length > 0 && now - last_typing.current >= typing_interval_ms) {
      last_typing.current = now;
      on_typing();
    }
  }

  function insert_template(event) {
    const template = templates.find((t) => t.id === event.currentTarget.value);
    event.currentTarget.value = '';
    if (!template) {
      return;
    }
    const element = area.current;
    const start = element?.selectionStart ?? text.length;
    const end = element?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + template.text + text.slice(end);
    set_text(next);
    // Put the cursor after the inserted text so that the counsellor can go on editing.
    requestAnimationFrame(() => {
      if (area.current) {
        area.current.focus();
        const at = start + template.text.length;
        area.current.setSelectionRange(at, at);
      }
    });
  }

  function send() {
    if (!enabled || text.trim().length === 0 || text.length > max_length) {
      return;
    }
    submit(async () => {
      await on_send(text);
      set_text('');
    });
  }

  function on_key_down(event) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  }

  const too_long = text.length > max_length;
  return html`
    <form class="reply" onSubmit=${(e) => { e.preventDefault(); send(); }} aria-label="返信">
      ${!enabled && html`<p class="reply-disabled">${disabled_reason}</p>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}
      <label class="visually-hidden" for="reply-text">返信の本文</label>
      <textarea id="reply-text" ref=${area} rows="4" value=${text} disabled=${!enabled}
                placeholder=${enabled ? '返信を入力（Ctrl+Enter で送信）' : ''}
                onInput=${(e) => typed(e.currentTarget.value)} onKeyDown=${on_key_down}></textarea>
      <div class="reply-tools">
        <label class="visually-hidden" for="template-picker">定型文</label>
        <select id="template-picker" onChange=${insert_template} disabled=${!enabled || templates.length === 0}>
          <option value="">定型文を挿入…</option>
          ${templates.map((t) => html`<option value=${t.id}>${t.title}</option>`)}
        </select>
        <span class=${too_long ? 'counter over' : 'counter'}>${text.length} / ${max_length}</span>
        <button type="submit" class="primary" disabled=${!enabled || busy || !text.trim() || too_long}>
          ${busy ? '送信中…' : '送信'}
        </button>
      </div>
    </form>`;
}
