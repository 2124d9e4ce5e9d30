// The officers' area (role officer): 紹介受付, the inbox of referrals visible to the officer's unit
// (GET /officer/referrals, page by page: もっと見る appends the next page; a refetch reloads as many rows
// as are shown, up to the server's 200), and the open referral's detail (officer_detail.js, the audited read). The URL hash says what
// is open (#/ or #/r/<referral id>). `referral` events on the stream are hints: each schedules a refetch
// of the inbox and of the open referral, coalesced over a short delay. Officers never receive
// consultation events, and the officer's screens never show a transcript.
// Inputs: api, session, on_unauthenticated(message?), on_logout().
import { html } from './html.js';
import { useCallback, useEffect, useRef, useState } from '../vendor/hooks.module.js';
import { header_bar } from './header_bar.js';
import { officer_inbox } from './officer_inbox.js';
import { officer_detail } from './officer_detail.js';
import { use_list_detail } from './use_list_detail.js';

const page_size = 50;
const max_page_size = 200;

export function officer_area({ api, session, on_unauthenticated, on_logout }) {
  const [units, set_units] = useState([]);
  const [inbox, set_inbox] = useState(null);
  const [inbox_error, set_inbox_error] = useState(null);
  const [loading_more, set_loading_more] = useState(false);
  const shown = useRef(0);
  shown.current = inbox?.items.length ?? 0;
  // Numbers the inbox requests: only the latest one's answer is used.
  const inbox_seq = useRef(0);

  // `background`: asked by a live event, not by the officer (api.background_get).
  const fetch_inbox = useCallback(async (background = false) => {
    const limit = Math.min(max_page_size, Math.max(page_size, shown.current));
    const seq = ++inbox_seq.current;
    try {
      const answer = await (background ? api.background_get : api.get)(`/officer/referrals?limit=${limit}`);
      if (inbox_seq.current === seq) {
        set_inbox(answer);
        set_inbox_error(null);
      }
    } catch (failure) {
      if (inbox_seq.current === seq) {
        set_inbox_error(failure.message);
      }
    }
  }, [api]);

  const { open_id, detail, detail_error, stream_state, schedule, go_back } = use_list_detail({
    api,
    open_pattern: /^#\/r\/([^/]+)$/,
    detail_path: (id) => `/officer/referrals/${encodeURIComponent(id)}`,
    load_list: ({ background }) => fetch_inbox(background),
    on_event: (event, { schedule: refetch }) => {
      if (event.kind === 'referral' || event.kind === 'resync') {
        refetch({ list: true, detail: true });
      }
    },
    on_unauthenticated,
    row_attribute: 'referralId',
  });
  const refresh = useCallback(() => schedule({ list: true, detail: true }), [schedule]);

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

  useEffect(() => {
    // Unit names for 転送 and for the recipients of a referral.
    api.get('/tenant').then((tenant) => set_units(tenant.org_units ?? []))
      .catch((failure) => set_inbox_error(failure.message));
  }, [api]);

  useEffect(() => {
    const fresh = inbox?.items.filter((r) => r.stage === 'at_hub' || (r.stage === 'forwarded' && !r.answered_by_my_unit
                                                                       && !r.consent_withdrawn)).length ?? 0;
    document.title = fresh > 0 ? `(${fresh}) よりそい 紹介受付` : 'よりそい 紹介受付';
  }, [inbox]);

  const my_unit = inbox?.unit ?? null;
  return html`
    <div class="app">
      <${header_bar} session=${session} stream_state=${stream_state} on_logout=${on_logout} units=${units} />
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
