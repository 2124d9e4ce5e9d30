// One's presence in the header: 対応可 / 離席 / 終了 with since-when (GET/PUT /me/presence). Choosing 終了
// while holding open consultations asks for a handover note (引き継ぎメモ) first: each consultation goes
// back to the queue with it as a note. A new sign-in starts at 終了 until the person chooses.
// Inputs: api.
import { html } from './html.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import { refusal_message } from './api.js';

export const presence_labels = { available: '対応可', away: '離席', off: '終了' };

function since_text(since) {
  if (!since) {
    return '';
  }
  const at = new Date(since);
  return `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}から`;
}

export function presence_control({ api }) {
  const [presence, set_presence] = useState(null);
  const [handover, set_handover] = useState(null);  // the note being written before going off, or null
  const [error, set_error] = useState('');

  useEffect(() => {
    let stopped = false;
    api.background_get('/me/presence').then((p) => { if (!stopped) set_presence(p); }).catch(() => {});
    return () => { stopped = true; };
  }, [api]);

  async function choose(status, note) {
    set_error('');
    try {
      const body = note === undefined ? { status } : { status, handover_note: note };
      set_presence(await api.put('/me/presence', body));
      set_handover(null);
    } catch (failure) {
      set_error(refusal_message(failure));
    }
  }

  // What one holds changes with every claim: ask it afresh before going off.
  async function on_change(event) {
    const status = event.currentTarget.value;
    if (status === 'off') {
      set_error('');
      try {
        const now = await api.get('/me/presence');
        set_presence(now);
        if (now.load > 0) {
          set_handover('');
          return;
        }
      } catch (failure) {
        set_error(refusal_message(failure));
        return;
      }
    }
    choose(status);
  }

  if (!presence) {
    return null;
  }
  return html`
    <span class="presence" data-status=${presence.status}>
      <label>
        <span class="visually-hidden">対応状況</span>
        <select aria-label="対応状況" value=${handover === null ? presence.status : 'off'} onChange=${on_change}>
          ${Object.entries(presence_labels).map(([value, text]) => html`<option value=${value}>${text}</option>`)}
        </select>
      </label>
      <small class="presence-since">${since_text(presence.since)}</small>
      ${handover !== null && html`
        <form class="handover" onSubmit=${(e) => { e.preventDefault(); choose('off', handover); }}>
          <label>引き継ぎメモ（担当中の${presence.load}件は待機中に戻ります）
            <textarea required maxlength="5000" value=${handover}
                      onInput=${(e) => set_handover(e.currentTarget.value)}></textarea></label>
          <button type="submit" disabled=${handover.trim() === ''}>引き継いで終了</button>
          <button type="button" class="link" onClick=${() => set_handover(null)}>やめる</button>
        </form>`}
      ${error && html`<span role="alert" class="error">${error}</span>`}
    </span>`;
}
