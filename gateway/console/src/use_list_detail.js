// A list and the one item open beside it, as the counsellors' workspace (queue and consultation) and the
// officers' area (inbox and referral) show them. The hook owns:
//   - which item is open: the id in the URL hash (`open_pattern`, its first group), followed on
//     hashchange; go_back() returns to '#/' and focuses the row that was open (`row_attribute`, the
//     row's data-* name in camelCase); Esc does the same (keyboard.js);
//   - the open item's detail (GET `detail_path(id)`): emptied when another item opens, then loaded; an
//     answer is used only when it is the answer to the latest detail request and its item is still the
//     open one, so a slow answer for an item left meanwhile never replaces the item now open;
//   - refetches: schedule({list, rows, detail}) coalesces what live events and actions ask for over a
//     short delay, then calls load_list({background: true, rows}) (rows: the ids of changed rows, or null
//     for the whole list) and reloads the detail in the background (api.background_get);
//   - the live stream (stream.js): each event goes to on_event(event, {schedule, open_id}); every
//     (re)connect calls on_open() and schedules the whole list and the detail;
//   - the list's first load, again whenever one of `list_key` changes (load_list({background: false})).
// Leaving (unmount) closes the stream, cancels the pending refetch and drops answers still on their way.
// The list's own state (pages, patched rows) stays with the caller, whose load_list sets it.
// Options are read at call time, so callbacks may change from render to render.
// Returns {open_id, open_ref (its latest value, for callbacks), detail, detail_error, stream_state,
// schedule, go_back}.
import { useCallback, useEffect, useRef, useState } from '../vendor/hooks.module.js';
import { open_stream } from './stream.js';
import { install_keyboard } from './keyboard.js';

const refetch_delay_ms = 120;

function id_from_hash(pattern) {
  const match = pattern.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
}

export function use_list_detail(options) {
  const { api, open_pattern, list_key = [], enabled = true } = options;
  const latest = useRef(options);
  latest.current = options;
  const [open_id, set_open_id] = useState(() => id_from_hash(open_pattern));
  const open_ref = useRef(open_id);
  open_ref.current = open_id;
  const [detail, set_detail] = useState(null);
  const [detail_error, set_detail_error] = useState(null);
  const [stream_state, set_stream_state] = useState('connecting');
  // Numbers the detail requests: only the latest one's answer is used. `alive` goes false on unmount.
  const detail_seq = useRef(0);
  const alive = useRef(true);
  const pending = useRef({ timer: null, list: false, detail: false, rows: new Set() });

  const load_detail = useCallback(async (background = false) => {
    const asked = open_ref.current;
    const seq = ++detail_seq.current;
    if (!asked) {
      return;
    }
    const is_current = () => alive.current && detail_seq.current === seq && open_ref.current === asked;
    try {
      const get = background ? api.background_get : api.get;
      const answer = await get(latest.current.detail_path(asked));
      if (is_current()) {
        set_detail(answer);
        set_detail_error(null);
        latest.current.on_detail?.(asked, answer);
      }
    } catch (failure) {
      if (is_current()) {
        set_detail_error(failure.message);
      }
    }
  }, [api]);

  // what: {list: the whole list, rows: [ids of changed rows], detail: the open item}.
  const schedule = useCallback((what) => {
    const p = pending.current;
    p.list ||= Boolean(what.list);
    p.detail ||= Boolean(what.detail);
    for (const id of what.rows ?? []) {
      if (id) {
        p.rows.add(id);
      }
    }
    if (p.timer || !alive.current) {
      return;
    }
    p.timer = setTimeout(() => {
      const rows = p.list ? null : [...p.rows];
      const { detail: reload_detail } = p;
      p.timer = null;
      p.list = false;
      p.detail = false;
      p.rows.clear();
      if (rows === null || rows.length > 0) {
        latest.current.load_list({ background: true, rows });
      }
      if (reload_detail) {
        load_detail(true);
      }
    }, refetch_delay_ms);
  }, [load_detail]);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      clearTimeout(pending.current.timer);
      pending.current.timer = null;
    };
  }, []);

  useEffect(() => {
    if (!enabled) {
      return undefined;
    }
    const stream = open_stream({
      on_event: (event) => latest.current.on_event?.(event, { schedule, open_id: open_ref.current }),
      on_open: () => {
        latest.current.on_open?.();
        schedule({ list: true, detail: true });
      },
      on_state: set_stream_state,
      on_session_ended: () => latest.current.on_unauthenticated(),
      on_failed_attempt: () => api.background_get('/session').catch(() => {}),
    });
    return () => stream.close();
  }, [api, enabled, schedule]);

  useEffect(() => {
    if (enabled) {
      latest.current.load_list({ background: false, rows: null });
    }
  }, [enabled, ...list_key]);

  useEffect(() => {
    const on_hash = () => set_open_id(id_from_hash(open_pattern));
    window.addEventListener('hashchange', on_hash);
    return () => window.removeEventListener('hashchange', on_hash);
  }, []);

  useEffect(() => {
    set_detail(null);
    set_detail_error(null);
    if (enabled) {
      load_detail();
    }
  }, [open_id, enabled, load_detail]);

  const go_back = useCallback(() => {
    const was_open = open_ref.current;
    if (!was_open) {
      return;
    }
    location.hash = '#/';
    // Back in the list, the focus goes to the row that was open.
    requestAnimationFrame(() => {
      const attribute = latest.current.row_attribute;
      const row = [...document.querySelectorAll('.queue-row')].find((r) => r.dataset[attribute] === was_open);
      (row ?? document.querySelector('.queue-row'))?.focus();
    });
  }, []);

  useEffect(() => install_keyboard({ on_escape: go_back }), [go_back]);

  return { open_id, open_ref, detail, detail_error, stream_state, schedule, go_back };
}
