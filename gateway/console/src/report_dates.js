// The reports page's date range: local dates (YYYY-MM-DD) in Japan time, the tenants' zone, whatever the
// browser's zone. The default is the current fiscal year: April 1 up to today. The range lives in the
// hash (#/reports?from=…&to=…) so that a reload or a shared link shows the same figures.

const day_key = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit',
});
const date_pattern = /^\d{4}-\d{2}-\d{2}$/;

// Today's local date, "2026-11-25". Built from the parts: the en-CA pattern itself changed between ICU
// versions (Debian 12's ICU 72 writes 11/25/2026).
export function local_today(now = new Date()) {
  const part = (type) => day_key.formatToParts(now).find((p) => p.type === type).value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

// April 1 of the fiscal year `today` (a local date) falls in: January–March belong to the previous year's.
export function fiscal_year_start(today) {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return `${month >= 4 ? year : year - 1}-04-01`;
}

export function default_range(now = new Date()) {
  const today = local_today(now);
  return { from: fiscal_year_start(today), to: today };
}

export function is_reports_hash(hash) {
  return hash === '#/reports' || hash.startsWith('#/reports?');
}

// The range named by the hash, or the default one when it names none (or a malformed one).
export function range_from_hash(hash) {
  const query = hash.indexOf('?');
  const params = new URLSearchParams(query < 0 ? '' : hash.slice(query + 1));
  const from = params.get('from');
  const to = params.get('to');
  if (from && to && date_pattern.test(from) && date_pattern.test(to)) {
    return { from, to };
  }
  return default_range();
}

export function reports_hash({ from, to }) {
  return `#/reports?${new URLSearchParams({ from, to })}`;
}

// "2026/04/01" as the city's tables write dates.
export function slash_date(date) {
  return date.replaceAll('-', '/');
}
