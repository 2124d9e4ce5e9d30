// The risk level of a consultation (危険度 低 / 中 / 高 / 緊急): the level that counts and where it comes
// from (a crisis keyword reads as 高 until a counsellor lowers it), a form to set one with a short reason,
// and the history of changes (who, when, why). Inputs: consultation (with risk, risk_source, risk_set,
// risk_lowered), api, on_changed() to refetch.
import { html } from './html.js';
import { format_time, risk_label, risk_labels } from './format.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import { use_submit } from './use_submit.js';

export const risk_source_labels = { counsellor: '相談員の評価', keyword: '緊急キーワード' };

export function risk_badge({ item }) {
  if (!item.risk) {
    return null;
  }
  return html`<span class=${`badge risk-badge risk-${item.risk}`} title="危険度">危険度 ${risk_label(item.risk)}</span>`;
}

export function risk_panel({ consultation, api, on_changed }) {
  const id = consultation.consultation_id;
  const [level, set_level] = useState(consultation.risk ?? 'medium');
  const [reason, set_reason] = useState('');
  const [history, set_history] = useState(null);
  const { busy, error, on_submit } = use_submit();
  const lowering = consultation.urgent && (level === 'low' || level === 'medium');

  useEffect(() => {
    let live = true;
    api.get(`/consultations/${encodeURIComponent(id)}/risk`)
      .then((answer) => live && set_history(answer.items))
      .catch(() => live && set_history([]));
    return () => {
      live = false;
    };
  }, [id, consultation.risk_set, consultation.risk_lowered]);

  const save = on_submit(async () => {
    await api.put(`/consultations/${encodeURIComponent(id)}/risk`, { level, reason });
    set_reason('');
    on_changed();
  });

  return html`
    <form class="panel-section risk" onSubmit=${save} aria-labelledby="risk-title">
      <h3 id="risk-title">危険度</h3>
      <p class="risk-now" data-risk=${consultation.risk ?? ''}>
        ${consultation.risk ? html`<${risk_badge} item=${consultation} />` : html`<span class="empty small">未設定</span>`}
        ${consultation.risk_source && html`<small>（${risk_source_labels[consultation.risk_source]}${consultation.risk_lowered ? '・引き下げ' : ''}）</small>`}
      </p>
      <label for="risk-level">危険度を変える</label>
      <select id="risk-level" value=${level} onChange=${(e) => set_level(e.currentTarget.value)}>
        ${Object.entries(risk_labels).map(([value, label]) => html`<option value=${value}>${label}</option>`)}
      </select>
      <label for="risk-reason">理由（必須・200文字まで）</label>
      <input id="risk-reason" type="text" maxlength="200" value=${reason}
             onInput=${(e) => set_reason(e.currentTarget.value)} />
      ${lowering && html`<p class="small">緊急キーワードの相談を「高」より下げます。理由を残してください。</p>`}
      <div class="row-actions">
        <button type="submit" disabled=${busy || !reason.trim()}>危険度を記録</button>
      </div>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${history && history.length > 0 && html`
        <details class="risk-history">
          <summary>変更の履歴（${history.length}件）</summary>
          <ul>
            ${history.map((h) => html`
              <li key=${h.risk_id}>
                <strong>${risk_label(h.level)}</strong>${h.lowered ? '（引き下げ）' : ''}
                ${h.reason ? `：${h.reason}` : ''}
                <span class="note-meta">${h.author.display_name}・${format_time(h.set_at)}</span>
              </li>`)}
          </ul>
        </details>`}
    </form>`;
}
