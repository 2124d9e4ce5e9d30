// 検索: the counsellors' search of their tenant's consultations (roles counsellor and supervisor).
// The criteria — words (every one must occur in the consultation's messages or notes; width and kana
// do not matter), the opening dates, category, age band, urgency, state, assignee (自分 / 未担当, and for
// supervisors each counsellor from GET /assignees),
// referral stage and resident id — go in POST /consultations/search's body, never in the address.
// Results come newest first with the text around the first word's match (the match marked); 続きを検索
// asks for the next page. 開く shows the consultation read-only (history_panel.js's dialog: an audited
// read). Inputs: api, session, on_logout().
import { html } from './html.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import { format_date_time, referral_stage_labels, state_labels } from './format.js';
import { header_bar } from './header_bar.js';
import { past_consultation, read_past_consultation } from './history_panel.js';

const empty_form = {
  words: '', opened_from: '', opened_to: '', category: '', age_band: '', priority: '', state: '', assignee: '',
  referral_stage: '', resident_id: '',
};

function criteria_of(form, user_id) {
  const body = {};
  for (const [key, value] of Object.entries(form)) {
    const text = value.trim();
    if (text !== '') {
      body[key] = key === 'assignee' && text === 'me' ? user_id : text;
    }
  }
  return body;
}

function snippet_view(snippet) {
  if (!snippet) {
    return null;
  }
  return html`
    <p class="search-snippet">
      <span class="badge quiet">${snippet.source === 'note' ? 'メモ' : 'メッセージ'}</span>
      ${snippet.before}<mark>${snippet.match}</mark>${snippet.after}
    </p>`;
}

export function search_page({ api, session, on_logout }) {
  const [tenant, set_tenant] = useState(null);
  const [form, set_form] = useState(empty_form);
  const [result, set_result] = useState(null);  // {criteria, items, next_cursor}
  const [busy, set_busy] = useState(false);
  const [error, set_error] = useState(null);
  const [opened, set_opened] = useState(null);
  const [assignees, set_assignees] = useState([]);

  useEffect(() => {
    api.get('/tenant').then(set_tenant).catch((failure) => set_error(failure.message));
    if (session.user.role === 'supervisor') {
      api.get('/assignees').then((answer) => set_assignees(answer.items)).catch(() => set_assignees([]));
    }
  }, [api, session]);

  async function run(criteria, cursor) {
    set_busy(true);
    set_error(null);
    try {
      const answer = await api.post('/consultations/search', cursor ? { ...criteria, cursor } : criteria);
      set_result((previous) => ({
        criteria,
        items: cursor && previous ? [...previous.items, ...answer.items] : answer.items,
        next_cursor: answer.next_cursor,
      }));
    } catch (failure) {
      set_error(failure.message);
    } finally {
      set_busy(false);
    }
  }

  function submit(event) {
    event.preventDefault();
    run(criteria_of(form, session.user.user_id), null);
  }

  async function open(id) {
    try {
      set_opened(await read_past_consultation(api, id));
    } catch (failure) {
      set_error(failure.message);
    }
  }

  const field = (key) => ({ value: form[key], onInput: (e) => set_form({ ...form, [key]: e.currentTarget.value }) });
  const options = (labels) => labels.map((l) => html`<option value=${l}>${l}</option>`);
  return html`
    <div class="app">
      <${header_bar} session=${session} on_logout=${on_logout} place="search" api=${api} />
      <main class="search" aria-busy=${busy ? 'true' : 'false'}>
        <h1>検索</h1>
        <form class="search-form" onSubmit=${submit} aria-label="相談の検索">
          <label class="search-words">語句 <input type="search" maxlength="400" placeholder="例：いじめ 学校（すべてを含む相談）"
            ...${field('words')} /></label>
          <label>開始日 <input type="date" ...${field('opened_from')} /></label>
          <label>終了日 <input type="date" ...${field('opened_to')} /></label>
          <label>分類 <select ...${field('category')}><option value="">すべて</option>${options(tenant?.categories ?? [])}</select></label>
          <label>年代 <select ...${field('age_band')}><option value="">すべて</option>${options(tenant?.age_bands ?? [])}</select></label>
          <label>緊急度 <select ...${field('priority')}><option value="">すべて</option>
            <option value="urgent">緊急</option><option value="normal">通常</option></select></label>
          <label>状態 <select ...${field('state')}><option value="">すべて</option>
            ${Object.entries(state_labels).map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
          <label>担当 <select ...${field('assignee')}><option value="">すべて</option>
            <option value="me">自分</option><option value="none">未担当</option>
            ${assignees.filter((a) => a.user_id !== session.user.user_id).map((a) => html`
              <option value=${a.user_id}>${a.display_name}</option>`)}</select></label>
          <label>紹介 <select ...${field('referral_stage')}><option value="">すべて</option>
            ${Object.entries(referral_stage_labels).map(([v, l]) => html`<option value=${v}>${l}</option>`)}</select></label>
          <label>相談者ID <input type="text" ...${field('resident_id')} /></label>
          <button type="submit" class="primary" disabled=${busy}>検索</button>
        </form>
        ${error && html`<p class="error" role="alert">${error}</p>`}
        ${result && html`
          <p role="status" class="muted">${result.items.length}件${result.next_cursor ? '（続きがあります）' : ''}</p>
          <ul class="search-results" aria-label="検索結果">
            ${result.items.map((h) => html`
              <li key=${h.consultation_id} class=${h.purged ? 'purged' : ''}>
                <p class="history-dates">${format_date_time(h.opened_at)} 〜 ${h.closed_at ? format_date_time(h.closed_at) : state_labels[h.state]}
                  ${h.urgent && html`<span class="badge urgent-badge">緊急</span>`}
                  ${h.purged && html`<span class="badge quiet">削除済み</span>`}</p>
                <p class="note-meta">担当：${h.counsellor?.display_name ?? '未担当'}・${h.age_band ?? '年代不明'}・${h.message_count}通
                  ${h.referral_stage && html`・紹介：${referral_stage_labels[h.referral_stage] ?? h.referral_stage}`}
                  ${h.categories.length > 0 && html`・${h.categories.join('、')}`}</p>
                ${snippet_view(h.snippet)}
                ${!h.purged && html`<button type="button" class="small" onClick=${() => open(h.consultation_id)}
                    aria-label=${`${format_date_time(h.opened_at)}の相談を開く`}>開く</button>`}
              </li>`)}
          </ul>
          ${result.items.length === 0 && html`<p class="empty">見つかりませんでした。</p>`}
          ${result.next_cursor && html`<button type="button" disabled=${busy}
              onClick=${() => run(result.criteria, result.next_cursor)}>続きを検索</button>`}`}
        ${opened && html`<${past_consultation} record=${opened.record} referrals=${opened.referrals}
                                               on_close=${() => set_opened(null)} />`}
      </main>
    </div>`;
}
