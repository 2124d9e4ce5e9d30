// The console's composition root: session, then by role and place the counsellors' workspace (tenant,
// queue, the open consultation and the live stream), the officers' area (officer_area.js, 紹介受付) or
// 集計 (reports_page.js: admins and analysts land there, supervisors reach it from the header), and 検索
// (search_page.js, for counsellors and supervisors).
// The URL hash says what is open (#/, #/c/<consultation id>, #/search, #/reports?…, #/staff for admins), so
// reloading keeps the place. Below 900 px wide (layout.css) the workspace shows one pane at a time: the
// queue, or the open consultation's conversation, or its side panel (`pane`, switched by the bar above
// them; the conversation's ← goes back to the queue).
// Stream events are hints: an event about a consultation schedules a refetch of that one queue row
// (GET /queue/{id}, patched into the list by queue_patch.js) and of the counts, and, when it concerns
// it, of the open consultation; an event naming none (resync) or a reconnect refetches the list's
// first page. Refetches are coalesced over a short delay; an answer to an older request is dropped
// (the stream, the coalescing and the open consultation: use_list_detail.js; the rows: below).
import { html } from './html.js';
import { render } from '../vendor/preact.module.js';
import { useCallback, useEffect, useRef, useState } from '../vendor/hooks.module.js';
import { create_api } from './api.js';
import { login_view } from './login_view.js';
import { password_change_view } from './password_change_view.js';
import { account_page } from './account_page.js';
import { queue_view } from './queue_view.js';
import { append_page, mark_read, patch_row } from './queue_patch.js';
import { chat_view } from './chat_view.js';
import { role_labels } from './format.js';
import { header_bar } from './header_bar.js';
import { officer_area } from './officer_area.js';
import { reports_page } from './reports_page.js';
import { can_manage_staff, can_read_reports, can_supervise_shift, can_work_consultations } from './roles.js';
import { board_page } from './board_page.js';
import { is_reports_hash } from './report_dates.js';
import { search_page } from './search_page.js';
import { staff_page } from './staff_page.js';
import { use_list_detail } from './use_list_detail.js';

// Rows per page of the queue; もっと見る loads the next page.
const page_size = 20;

function workspace({ api, session, on_unauthenticated, on_logout: logout }) {
  const [tenant, set_tenant] = useState(null);
  const [tab, set_tab] = useState('waiting');
  const [queue, set_queue] = useState(null);
  const [queue_error, set_queue_error] = useState(null);
  const [transfer_targets, set_transfer_targets] = useState(null);
  // Bumped on `referral` events of the open consultation: its 紹介 panel refetches.
  const [referral_version, set_referral_version] = useState(0);
  // Narrow screens: which pane of the open consultation is shown ('chat' or 'panel').
  const [pane, set_pane] = useState('chat');
  // The latest tab for callbacks that outlive a render (stream, timers).
  const current_tab = useRef(tab);
  current_tab.current = tab;
  const schedule_ref = useRef(() => {});
  const can_work = can_work_consultations(session.user.role);
  const [loading_more, set_loading_more] = useState(false);
  // Stale-answer guards: each row's fetch and each counts fetch has a number; only the answer to the
  // latest one is used. The list itself is loaded by one loader at a time (below).
  const asked_seq = useRef({ rows: new Map(), counts: 0 });
  const queue_now = useRef(null);
  queue_now.current = queue;
  // The list loader: one request at a time; `again` is what was asked meanwhile ('reset': the first
  // rows again, as many as `wanted`; 'more': the next page). Rows patched while it runs are fetched
  // again after a reset, whose answer may be older than the patch.
  const loader = useRef({ running: false, again: null, wanted: page_size, touched: new Set() });

  // `background`: asked by a live event, not by the person at the console (api.background_get).
  const load_queue = useCallback(async (mode, background = false) => {
    const get = background ? api.background_get : api.get;
    const l = loader.current;
    if (mode === 'more') {
      l.wanted = Math.min(200, (queue_now.current?.items.length ?? 0) + page_size);
      set_loading_more(true);
    }
    if (l.running) {
      l.again = l.again === 'reset' || mode === 'reset' ? 'reset' : 'more';
      return;
    }
    l.running = true;
    let next = mode;
    try {
      while (next) {
        l.again = null;
        const asked = current_tab.current;
        const shown = queue_now.current;
        if (next === 'reset') {
          const answer = await get(`/queue?view=${asked}&limit=${Math.max(page_size, l.wanted)}`);
          if (current_tab.current === asked) {
            queue_now.current = answer;
            set_queue(answer);
            set_queue_error(null);
            if (l.touched.size > 0) {
              schedule_ref.current({ rows: [...l.touched] });
            }
          }
          l.touched.clear();
        } else if (shown?.next_cursor) {
          const cursor = shown.next_cursor;
          const answer = await get(`/queue?view=${asked}&limit=${page_size}&cursor=${encodeURIComponent(cursor)}`);
          if (current_tab.current === asked) {
            set_queue((q) => {
              const grown = q && q.next_cursor === cursor ? append_page(q, answer) : q;
              queue_now.current = grown;
              return grown;
            });
          }
        }
        next = l.again;
      }
    } catch (failure) {
      set_queue_error(failure.message);
    } finally {
      l.running = false;
      set_loading_more(false);
    }
  }, [api]);
  const fetch_more = useCallback(() => load_queue('more'), [load_queue]);

  // The rows of consultations that changed, and the counts: patched into the list (after live events,
  // so in the background).
  const fetch_rows = useCallback(async (ids) => {
    const asked = current_tab.current;
    const me = session.user.user_id;
    const seqs = asked_seq.current;
    const counts_seq = ++seqs.counts;
    const counts = api.background_get('/queue/counts');
    await Promise.all(ids.map(async (id) => {
      const seq = (seqs.rows.get(id) ?? 0) + 1;
      seqs.rows.set(id, seq);
      let row = null;
      try {
        row = await api.background_get(`/queue/${encodeURIComponent(id)}`);
      } catch (failure) {
        if (failure.status !== 404) {
          set_queue_error(failure.message);
          return;
        }
      }
      if (current_tab.current === asked && seqs.rows.get(id) === seq) {
        if (loader.current.running) {
          loader.current.touched.add(id);
        }
        set_queue((q) => {
          const patched = q && patch_row(q, id, row, asked, me);
          queue_now.current = patched;
          return patched;
        });
      }
    }));
    try {
      const answer = await counts;
      if (current_tab.current === asked && seqs.counts === counts_seq) {
        set_queue((q) => {
          const updated = q && { ...q, counts: answer };
          queue_now.current = updated;
          return updated;
        });
      }
    } catch (failure) {
      set_queue_error(failure.message);
    }
  }, [api, session]);

  // Another tab starts from its first page.
  useEffect(() => {
    loader.current.wanted = page_size;
    queue_now.current = null;
    set_queue(null);
  }, [tab]);

  const {
    open_id, open_ref, detail: consultation, detail_error: consultation_error, stream_state, schedule, go_back,
  } = use_list_detail({
    api,
    enabled: can_work,
    open_pattern: /^#\/c\/([^/]+)$/,
    detail_path: (id) => `/consultations/${encodeURIComponent(id)}`,
    list_key: [tab],
    load_list: ({ background, rows }) => (rows ? fetch_rows(rows) : load_queue('reset', background)),
    // Reading the transcript read the resident's messages: the row's unread count is now 0.
    on_detail: (id) => set_queue((q) => {
      const read = q && mark_read(q, id);
      queue_now.current = read;
      return read;
    }),
    on_event: (event, { schedule: refetch, open_id: shown_id }) => {
      // Someone's presence or capacity: nothing of the queue (hand-backs come as their own events).
      if (event.kind === 'presence') {
        return;
      }
      const concerns_open = !event.consultation_id || event.consultation_id === shown_id;
      if (event.kind === 'referral' || event.kind === 'resync') {
        if (concerns_open) {
          set_referral_version((v) => v + 1);
        }
        if (event.kind === 'referral') {
          // A referral's answers coming back marks the consultation's row.
          refetch({ rows: [event.consultation_id] });
          return;
        }
      }
      if (!event.consultation_id) {
        refetch({ list: true, detail: concerns_open });
      } else {
        // A delivery state changes the transcript, not the row.
        refetch({ rows: event.kind === 'delivery' ? [] : [event.consultation_id], detail: concerns_open });
      }
    },
    on_open: () => set_referral_version((v) => v + 1),
    on_unauthenticated,
    row_attribute: 'consultationId',
  });
  schedule_ref.current = schedule;

  // After an action on the open consultation: its row and itself.
  const refresh_open = useCallback(() => schedule({ rows: [open_ref.current], detail: true }), [schedule]);

  // Tenant (templates, categories, age bands) and, for supervisors, whom a consultation can go to.
  useEffect(() => {
    api.get('/tenant').then(set_tenant).catch((failure) => set_queue_error(failure.message));
    if (session.user.role === 'supervisor') {
      // GET /assignees (permission transfer): the enabled counsellors and supervisors, by display name.
      // Without it (an older server) the console simply offers no 担当替え.
      api.get('/assignees')
        .then((answer) => set_transfer_targets(answer.items))
        .catch(() => set_transfer_targets(null));
    }
  }, [api, session]);

  useEffect(() => set_pane('chat'), [open_id]);

  useEffect(() => {
    const waiting = queue?.counts?.waiting ?? 0;
    document.title = waiting > 0 ? `(${waiting}) よりそい 相談コンソール` : 'よりそい 相談コンソール';
  }, [queue]);

  if (!can_work) {
    return html`
      <div class="app">
        <${header_bar} session=${session} stream_state="closed" on_logout=${logout} api=${api} />
        <main class="no-access"><p>この画面は相談員とスーパーバイザーのためのものです。
          ${role_labels[session.user.role] ?? session.user.role}の画面は準備中です。</p></main>
      </div>`;
  }

  return html`
    <div class="app">
      <${header_bar} session=${session} stream_state=${stream_state} on_logout=${logout} api=${api} />
      <main class=${`workspace${open_id ? ' has-open' : ''} pane-${pane}`}>
        <${queue_view} queue=${queue} tab=${tab} on_tab=${set_tab} open_id=${open_id} error=${queue_error}
                       on_more=${fetch_more} loading_more=${loading_more} />
        ${open_id && tenant
          ? html`<div class="open-pane">
              <${pane_switch} pane=${pane} on_pane=${set_pane} on_back=${go_back} />
              <${chat_view} consultation=${consultation} error=${consultation_error} session=${session}
                     tenant=${tenant} api=${api} on_changed=${refresh_open} on_back=${go_back}
                     transfer_targets=${transfer_targets} referral_version=${referral_version} />
            </div>`
          : html`<section class="chat empty-chat">
              <p class="empty">左の一覧から相談を選んでください。</p></section>`}
      </main>
    </div>`;
}

// Shown below 900 px only (layout.css): back to the queue, and the conversation or its side panel.
function pane_switch({ pane, on_pane, on_back }) {
  return html`
    <nav class="pane-switch" aria-label="表示の切り替え">
      <button type="button" onClick=${on_back}>← 一覧</button>
      <button type="button" aria-pressed=${pane === 'chat'} onClick=${() => on_pane('chat')}>会話</button>
      <button type="button" aria-pressed=${pane === 'panel'} onClick=${() => on_pane('panel')}>詳細・紹介</button>
    </nav>`;
}

function app() {
  const [phase, set_phase] = useState('starting');
  const [session, set_session] = useState(null);
  const [notice, set_notice] = useState(null);
  const [hash, set_hash] = useState(location.hash);
  const api_ref = useRef(null);

  const to_login = useCallback((message) => {
    set_session(null);
    set_notice(typeof message === 'string' ? message : 'セッションが終了しました。もう一度ログインしてください。');
    set_phase('login');
  }, []);

  if (!api_ref.current) {
    api_ref.current = create_api({ on_unauthenticated: () => to_login() });
  }
  const api = api_ref.current;

  const logged_in = useCallback((answer) => {
    api.set_csrf_token(answer.csrf_token);
    set_session(answer);
    set_notice(null);
    set_phase('ready');
  }, [api]);

  useEffect(() => {
    api.get('/session').then(logged_in).catch(() => {
      set_notice(null);
      set_phase('login');
    });
    const on_hash = () => set_hash(location.hash);
    window.addEventListener('hashchange', on_hash);
    return () => window.removeEventListener('hashchange', on_hash);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.del('/session');
    } catch {
      // Whatever the server said, this page forgets the session.
    }
    to_login('ログアウトしました。');
  }, [api, to_login]);

  if (phase === 'starting') {
    return html`<p class="boot">読み込み中…</p>`;
  }
  if (phase === 'login' || !session) {
    return html`<${login_view} api=${api} on_logged_in=${logged_in} notice=${notice} />`;
  }
  // A password an admin chose is replaced before anything else (the server refuses the rest).
  if (session.must_change_password) {
    return html`<${password_change_view} api=${api} session=${session} on_changed=${logged_in}
                                         on_logout=${logout} />`;
  }
  // A tenant that requires a second factor of this role: enrolling it is the whole console until done.
  if (session.second_factor_enrolment_required) {
    return html`<${account_page} key=${session.user.user_id} api=${api} session=${session} on_logout=${logout}
                                 on_session=${logged_in} only_enrolment=${true} />`;
  }
  if (/^#\/account\b/.test(hash)) {
    return html`<${account_page} key=${session.user.user_id} api=${api} session=${session} on_logout=${logout}
                                 on_session=${logged_in} />`;
  }
  const role = session.user.role;
  if (can_manage_staff(role) && /^#\/staff\b/.test(hash)) {
    return html`<${staff_page} key=${session.user.user_id} api=${api} session=${session} on_logout=${logout} />`;
  }
  if (can_work_consultations(role) && /^#\/search\b/.test(hash)) {
    return html`<${search_page} key=${session.user.user_id} api=${api} session=${session} on_logout=${logout} />`;
  }
  if (can_supervise_shift(role) && /^#\/board\b/.test(hash)) {
    return html`<${board_page} key=${session.user.user_id} api=${api} session=${session} on_logout=${logout} />`;
  }
  if (can_read_reports(role) && (is_reports_hash(hash) || !can_work_consultations(role))) {
    return html`<${reports_page} key=${session.user.user_id} api=${api} session=${session} on_logout=${logout} />`;
  }
  if (role === 'officer') {
    return html`<${officer_area} key=${session.user.user_id} api=${api} session=${session}
                                 on_unauthenticated=${to_login} on_logout=${logout} />`;
  }
  return html`<${workspace} key=${session.user.user_id} api=${api} session=${session} on_unauthenticated=${to_login}
                           on_logout=${logout} />`;
}

render(html`<${app} />`, document.getElementById('app'));
