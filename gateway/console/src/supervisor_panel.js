// What a supervisor does on a consultation someone else holds: ささやき (a whisper to the assigned
// counsellor, POST /consultations/{id}/whisper — a note only that counsellor and supervisors see) and
// 引き継ぐ (take over: a transfer to oneself with a reason, kept as a note; both audited). Shown to
// supervisors only, and only while another counsellor holds the consultation.
// Inputs: consultation (Consultation), session, api, on_changed() to refetch.
import { html } from './html.js';
import { useState } from '../vendor/hooks.module.js';
import { use_submit } from './use_submit.js';

export function supervisor_panel({ consultation, session, api, on_changed }) {
  const [text, set_text] = useState('');
  const [reason, set_reason] = useState('');
  const whisper = use_submit();
  const take = use_submit();
  const me = session.user.user_id;
  const holder = consultation.assigned_to && consultation.assigned_to.user_id;
  if (session.user.role !== 'supervisor' || consultation.state !== 'assigned' || !holder || holder === me) {
    return null;
  }
  const base = `/consultations/${encodeURIComponent(consultation.consultation_id)}`;

  function send(event) {
    event.preventDefault();
    if (text.trim()) {
      whisper.submit(async () => {
        await api.post(`${base}/whisper`, { text });
        set_text('');
        on_changed();
      });
    }
  }

  function take_over(event) {
    event.preventDefault();
    if (reason.trim()) {
      take.submit(async () => {
        await api.post(`${base}/transfer`, { to_user_id: me });
        await api.post(`${base}/notes`, { text: `引き継ぎ（スーパーバイザー）: ${reason}` });
        set_reason('');
        on_changed();
      });
    }
  }

  return html`
    <section class="panel-section supervisor" aria-labelledby="supervisor-title">
      <h3 id="supervisor-title">スーパーバイザー <small>担当: ${consultation.assigned_to.display_name}</small></h3>
      <form onSubmit=${send}>
        <label for="whisper-text">ささやき <small>担当の相談員だけに見えます</small></label>
        <textarea id="whisper-text" rows="2" value=${text} onInput=${(e) => set_text(e.currentTarget.value)}></textarea>
        <button type="submit" disabled=${whisper.busy || !text.trim()}>ささやく</button>
        ${whisper.error && html`<p class="error" role="alert">${whisper.error}</p>`}
      </form>
      <form onSubmit=${take_over}>
        <label for="takeover-reason">引き継ぐ理由</label>
        <input id="takeover-reason" value=${reason} onInput=${(e) => set_reason(e.currentTarget.value)} />
        <button type="submit" disabled=${take.busy || !reason.trim()}>自分が引き継ぐ</button>
        ${take.error && html`<p class="error" role="alert">${take.error}</p>`}
      </form>
    </section>`;
}
