// The banner that tells staff it is outside staffed hours: 「開設時間外・次回 12/8(火) 18:00」. What the
// server says (GET /tenant's `hours`, computed from the tenant's schedule when asked) is asked again
// when the next window opens — a timer, so the banner goes away by itself — and every few hours in
// between (a long timer would overflow, and a schedule may change with a new deployment).
// Inputs: api.
import { html } from './html.js';
import { useEffect, useState } from '../vendor/hooks.module.js';
import { format_window_start, hours_labels } from './format.js';

const recheck_ms = 3 * 3600 * 1000;
const after_start_ms = 1000;  // ask just after the window opened, not just before

// How long until the hours should be asked again, from the server's answer.
export function next_check_in(hours, now) {
  const start = Date.parse(hours?.next_window_start ?? '');
  if (!hours || hours.staffed_now || Number.isNaN(start)) {
    return recheck_ms;
  }
  return Math.min(recheck_ms, Math.max(0, start - now) + after_start_ms);
}

export function hours_banner({ api }) {
  const [hours, set_hours] = useState(null);

  useEffect(() => {
    let timer = null;
    let stopped = false;
    const ask = async () => {
      let answer = null;
      try {
        answer = (await api.get('/tenant')).hours ?? null;
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
