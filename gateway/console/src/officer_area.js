// The officers' area (role officer): 紹介受付, the inbox of referrals visible to the officer's unit
// (GET /officer/referrals, page by page: もっと見る appends the next page; a refetch reloads as many rows
// as are shown, up to the server's 200), and the open referral's detail (officer_detail.js, the audited read). The URL hash says what
// is open (#/ or #/r/<referral id>). `referral` events on the stream are hints: each schedules a refetch
// of the inbox and of the open referral, coalesced over a short delay. Officers never receive
// consultation events, and the officer's screens never show a transcript.
// Inputs: api, session, on_unauthenticated(message?).
import { html } from './html.js';
import { useCallback, useEffect, useRef, useState } from '../vendor/hooks.module.js';
import { open_stream } from './stream.js';
import { header_bar } from './header_bar.js';
import { officer_inbox } from './officer_inbox.js';
import { officer_detail } from './officer_detail.js';
import { install_keyboard } from './keyboard.js';

const refetch_delay_ms = 120;
const page_size = 50;
const max_page_size = 200;

function open_id_from_hash() {
  const match = /^#\/r\/([^/]+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

export function officer_area({ api, session, on_unauthenticated }) {
  const [units, set_units] = useState([]);
  const [inbox, set_inbox] = useState(null);
  const [inbox_error, set_inbox_error] = useState(null);
  const [loading_more, set_loading_more] = useState(false);
  const shown = useRef(0);
  shown.current = inbox?.items.length ?? 0;
  const [open_id, set_open_id] = useState(open_id_from_hash);
  const [detail, set_detail] = useState(null);
  const [detail_error, set_detail_error] = useState(null);
  const [stream_state, set_stream_state] = useState('connecting');
  const current = useRef({ open_id });
  current.current = { open_id };
  const timer = useRef(null);

  // `background`: asked by a live event, not by the officer (api.background_get).
  const fetch_inbox = useCallback(async (background = false) => {
    const limit = Math.min(max_page_size, Math.max(page_size, shown.current));
    try {
      set_inbox(await (background ? api.background_get : api.get)(`/officer/referrals?limit=${limit}`));
      set_inbox_error(null);
    } catch (failure) {
      set_inbox_error(failure.message);
    }
  }, [api]);

  const load_more = useCallback(async () => {
    const cursor = inbox?.next_cursor;
    if (!cursor || loading_more) {
      return;
    }
    set_loading_more(true);
    try {
      const page = await api.get(`/officer/referrals?limit=${page_size}&cursor=${encodeURIComponent(cursor)}`);
      set_inbox((before) => {
        const known = new Set(before.items.map((r) => r.referral_id));
        return { ...before, items: [...before.items, ...page.items.filter((r) => !known.has(r.referral_id))],
                 next_cursor: page.next_cursor };
      });
      set_inbox_error(null);
    } catch (failure) {
      set_inbox_error(failure.message);
    } finally {
      set_loading_more(false);
    }
  }, [api, inbox, loading_more]);

  const fetch_detail = useCallback(async (background = false) => {
    const asked = current.current.open_id;
    if (!asked) {
      return;
    }
    try {
      const get = background ? api.background_get : api.get;
      const answer = await get(`/officer/referrals/${encodeURIComponent(asked)}`);
      if (current.current.open_id === asked) {
        set_detail(answer);
        set_detail_error(null);
      }
    } catch (failure) {
      if (current.current.open_id === asked) {
        set_detail_error(failure.message);
      }
    }
  }, [api]);

  const refresh = useCallback(() => {
    if (timer.current) {
      return;
    }
    timer.current = setTimeout(() => {
      timer.current = null;
      fetch_inbox(true);
      fetch_detail(true);
    }, refetch_delay_ms);
  }, [fetch_inbox, fetch_detail]);

  useEffect(() => {
    // Unit names for 転送 and for the recipients of a referral.
    api.get('/tenant').then((tenant) => set_units(tenant.org_units ?? []))
      .catch((failure) => set_inbox_error(failure.message));
    fetch_inbox();
    const stream = open_stream({
      on_event: (event) => {
        if (event.kind === 'referral' || event.kind === 'resync') {
          refresh();
        }
      },
      on_open: refresh,
      on_state: set_stream_state,
      on_session_ended: on_unauthenticated,
      on_failed_attempt: () => api.background_get('/session').catch(() => {}),
    });
    return () => {
      stream.close();
      clearTimeout(timer.current);
    };
  }, [api]);

  useEffect(() => {
    const on_hash = () => set_open_id(open_id_from_hash());
    window.addEventListener('hashchange', on_hash);
    return () => window.removeEventListener('hashchange', on_hash);
  }, []);

  useEffect(() => {
    set_detail(null);
    set_detail_error(null);
    fetch_detail();
  }, [open_id]);

  const go_back = useCallback(() => {
    const was_open = current.current.open_id;
    if (!was_open) {
      return;
    }
    location.hash = '#/';
    requestAnimationFrame(() => {
      const row = [...document.querySelectorAll('.queue-row')].find((r) => r.dataset.referralId === was_open);
      (row ?? document.querySelector('.queue-row'))?.focus();
    });
  }, []);

  useEffect(() => install_keyboard({ on_escape: go_back }), [go_back]);

  useEffect(() => {
    const fresh = inbox?.items.filter((r) => r.stage === 'at_hub' || (r.stage === 'forwarded' && !r.answered_by_my_unit
                                                                       && !r.consent_withdrawn)).length ?? 0;
    document.title = fresh > 0 ? `(${fresh}) よりそい 紹介受付` : 'よりそい 紹介受付';
  }, [inbox]);

  async function logout() {
    try {
      await api.del('/session');
    } catch {
      // Whatever the server said, this page forgets the session.
    }
    on_unauthenticated('ログアウトしました。');
  }

  const my_unit = inbox?.unit ?? null;
  return html`
    <div class="app">
      <${header_bar} session=${session} stream_state=${stream_state} on_logout=${logout} units=${units} />
      <main class=${`workspace officer${open_id ? ' has-open' : ''}`}>
        <${officer_inbox} inbox=${inbox} open_id=${open_id} error=${inbox_error} on_more=${load_more}
                          loading_more=${loading_more} />
        ${open_id
          ? html`<${officer_detail} key=${open_id} referral=${detail} error=${detail_error} unit=${my_unit}
                     units=${units} api=${api} on_changed=${refresh} on_back=${go_back} />`
          : html`<section class="chat empty-chat">
              <p class="empty">左の一覧から紹介を選んでください。</p></section>`}
      </main>
    </div>`;
}
