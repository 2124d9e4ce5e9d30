// The banner that tells staff it is outside staffed hours: 「開設時間外・次回 12/8(火) 18:00」. What the
// server says (GET /tenant's `hours`, computed from the tenant's schedule when asked) is asked again
// just after the next window opens or the current one closes — a timer, so the banner goes and comes
// by itself — and every few hours in between (a long timer would overflow, and a schedule may change
// with a new deployment).
// Inputs: api.
import { html } from './html.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import { format_window_start, hours_labels } from './format.js';

const recheck_ms = 3 * 3600 * 1000;
const after_change_ms = 1000;  // ask just after the window opened or closed, not just before

// How long until the hours should be asked again, from the server's answer: just after the window
// opens (off hours) or closes (staffed), at most recheck_ms.
export function next_check_in(hours, now) {
  const change = Date.parse((hours?.staffed_now ? hours.staffed_until : hours?.next_window_start) ?? '');
  if (Number.isNaN(change)) {
    return recheck_ms;
  }
  return Math.min(recheck_ms, Math.max(0, change - now) + after_change_ms);
}

export function hours_banner({ api }) {
  const [hours, set_hours] = useState(null);

  useEffect(() => {
    let timer = null;
    let stopped = false;
    const ask = async () => {
      let answer = null;
      try {
        answer = (await api.background_get('/tenant')).hours ?? null;  // a timer, not a person
      } catch {
        answer = null;  // say nothing rather than something wrong
      }
      if (stopped) {
        return;
      }
      set_hours(answer);
      timer = setTimeout(ask, next_check_in(answer, Date.now()));
    };
    ask();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api]);

  if (!hours || hours.staffed_now) {
    return null;
  }
  const next = hours.next_window_start ? format_window_start(hours.next_window_start) : '';
  return html`
    <p class="hours-banner" role="status" data-testid="hours-banner">
      ${hours_labels.off_hours}${next ? `・次回 ${next}` : '・次回の予定はありません'}
    </p>`;
}
