// The city's tallies through the API: a known history is loaded the way
// it happens in production — residents write through the fake LINE platform (with the event timestamps
// of past moments, which yorisoi records as the messages' times), counsellors claim, answer, tag, close
// and reopen through the console API, referral consent is granted / declined by the resident's postback,
// and promotion links are clicked — then every figure of GET /api/v1/reports/summary is checked exactly,
// before and after the retention purge, and the CSV download is checked byte by byte.
//
// One thing cannot happen at a past moment through the API: a counsellor's answer is given now. The test
// therefore moves each consultation's first_answer_at (and nothing else) with stack.sql to the moment the
// history says the answer was given, so that the waiting times are exact.
//
// Yamagata keeps the example's schedule (Mon–Fri 18:00–21:00 JST, holidays and the year end closed).
// The history (JST; January 2025: Jan 1 and Jan 13 are holidays, the 31st is a Friday):
//   R0  C0 2024-12-10 Tue 19:00 staffed, answered 19:10, closed (makes R0 a returning consulter)
//       C1 2025-01-14 Tue 19:00 staffed, answered 19:20 (20/20 min), 家族関係, 40代; referral granted by
//          postback; closed, reopened, closed again
//   R1  C2 2025-01-31 Fri 23:50 off-hours (a month's last day), a second message 2025-02-01 00:30;
//          answered Mon 02-03 18:10 (clock 3980 min, staffed 10 min); closed, then tagged 家族関係 +
//          孤独・孤立 and 20代 after the closure
//   R2  C3 2025-01-20 Mon 18:00 staffed, answered 18:05 (5/5), 孤独・孤立, 20代; referral declined by
//          postback; closed
//       C4 2025-01-24 Fri 20:00 staffed, answered 20:30 (30/30), no category, 30代 (R2's band changed)
//   R3  C5 2025-01-18 Sat 10:00 off-hours, urgent (a risk keyword), never answered, no band, left open
//   tendo  T1 2025-01-20 19:00 (another tenant: never in yamagata's figures)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  as, assertError, assertRefused, consentRequest, deliveriesTo, forward, officerPath, propose, referralOf, residentTaps, skipUnlessReady, useStack, waitFor,
} from './support.mjs';

const stack = useStack({ staffed: 'example' });

// A JST wall-clock moment as ms since the epoch.
const jst = (y, mo, d, h, mi) => Date.UTC(y, mo - 1, d, h - 9, mi);
const january = 'from=2025-01-01&to=2025-01-31';

const state = {};  // what the first test built, for the later ones

async function openIds(worker) {
  return new Set((await worker.get('/api/v1/queue?view=open&limit=200')).json.items.map((i) => i.consultation_id));
}

// A resident writes at `at` (ms); answers {id, userId} of the consultation it opened.
async function opens(s, worker, channel, text, at, userId) {
  const known = await openIds(worker);
  const written = await s.residentWrites(channel, text, userId, { timestamp: at });
  const item = await waitFor(async () => {
    const queue = await worker.get('/api/v1/queue?view=open&limit=200');
    return queue.json.items.find((i) => !known.has(i.consultation_id));
  }, 10_000);
  return { id: item.consultation_id, userId: written.userId };
}

// The resident writes again into its open consultation `id` at `at`; waits until the transcript has it.
async function writesAgain(s, worker, channel, id, userId, text, at) {
  await s.residentWrites(channel, text, userId, { timestamp: at });
  await waitFor(async () => (await worker.get(`/api/v1/consultations/${id}`)).json.messages
    .some((m) => m.direction === 'in' && m.text === text), 10_000);
}

async function ok(answer, status = 200) {
  assert.equal(answer.status, status, `${answer.status} ${answer.text}`);
  return answer.json;
}

// Claim and answer now; the answer's moment is then moved to `answeredAt` (see the header).
async function answers(s, worker, id, answeredAt) {
  await ok(await worker.post(`/api/v1/consultations/${id}/claim`));
  await ok(await worker.post(`/api/v1/consultations/${id}/messages`, { text: 'お話を聞かせてください。' }), 201);
  const at = new Date(answeredAt).toISOString();
  await s.sql(`UPDATE consultation SET first_answer_at = '${at}' WHERE consultation_id = '${id}'`);
}

const tags = (worker, id, categories, ageBand) =>
  worker.put(`/api/v1/consultations/${id}/tags`, { categories, age_band: ageBand }).then((a) => ok(a));
const close = (worker, id) => worker.post(`/api/v1/consultations/${id}/close`).then((a) => ok(a));

// A referral of consultation `id` to the hub, granted or declined by the resident's postback.
async function referral(s, worker, id, userId, grant, nth) {
  const rid = (await propose(worker, id, { categories: ['家族関係'] })).referral_id;
  const request = await consentRequest(s, userId, nth);
  await residentTaps(s, 'yamagata', userId, grant ? request.grant : request.decline);
  await referralOf(worker, id, rid, (r) => r.consent.state === (grant ? 'granted' : 'declined'));
  return rid;
}

const zeros = () => Array.from({ length: 7 }, () => Array(24).fill(0));
const labelsOf = (rows) => Object.fromEntries(rows.map((r) => [r.label, r.count]));

function expectedJanuary() {
  const arrivals = zeros();
  arrivals[2][19] = 1;  // C1 Tue 19h
  arrivals[5][23] = 1;  // C2 Fri 23h
  arrivals[1][18] = 1;  // C3 Mon 18h
  arrivals[5][20] = 1;  // C4 Fri 20h
  arrivals[6][10] = 1;  // C5 Sat 10h
  return { arrivals };
}

test('a known history loaded through the webhook and the console API gives exact figures', { timeout: 80_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');

  // R0: a consultation in December, then one in January with a granted referral, closed, reopened, closed.
  const c0 = await opens(s, counsellor, 'yamagata', '前にも相談しました', jst(2024, 12, 10, 19, 0));
  await answers(s, counsellor, c0.id, jst(2024, 12, 10, 19, 10));
  await close(counsellor, c0.id);
  const c1 = await opens(s, counsellor, 'yamagata', 'また家族のことで', jst(2025, 1, 14, 19, 0), c0.userId);
  await answers(s, counsellor, c1.id, jst(2025, 1, 14, 19, 20));
  await tags(counsellor, c1.id, ['家族関係'], '40代');
  const granted = await referral(s, counsellor, c1.id, c1.userId, true, 0);
  // The hub forwards it to a department, which answers.
  await forward(await as(s, 'yamagata', 'officer'), granted, ['seishin-hoken']);
  await ok(await (await as(s, 'yamagata', 'officer2')).post(officerPath(granted, 'answer'), { text: '窓口で対応しました。' }));
  await close(counsellor, c1.id);
  await ok(await counsellor.post(`/api/v1/consultations/${c1.id}/reopen`));
  await close(counsellor, c1.id);

  // R1: 23:50 on the month's last day (a Friday, off-hours), a second message after midnight in February.
  const c2 = await opens(s, counsellor, 'yamagata', '夜遅くにすみません', jst(2025, 1, 31, 23, 50));
  await writesAgain(s, counsellor, 'yamagata', c2.id, c2.userId, '眠れません', jst(2025, 2, 1, 0, 30));
  await answers(s, counsellor, c2.id, jst(2025, 2, 3, 18, 10));
  await close(counsellor, c2.id);
  await tags(counsellor, c2.id, ['家族関係', '孤独・孤立'], '20代');  // after the closure

  // R2: two consultations, the age band changes between them; a declined referral on the first.
  const c3 = await opens(s, counsellor, 'yamagata', 'ひとりでさみしい', jst(2025, 1, 20, 18, 0));
  await answers(s, counsellor, c3.id, jst(2025, 1, 20, 18, 5));
  await tags(counsellor, c3.id, ['孤独・孤立'], '20代');
  await referral(s, counsellor, c3.id, c3.userId, false, 0);
  await close(counsellor, c3.id);
  const c4 = await opens(s, counsellor, 'yamagata', 'また話したくて', jst(2025, 1, 24, 20, 0), c3.userId);
  await answers(s, counsellor, c4.id, jst(2025, 1, 24, 20, 30));
  await tags(counsellor, c4.id, [], '30代');
  await close(counsellor, c4.id);

  // R3: Saturday morning, a risk keyword, never answered.
  const c5 = await opens(s, counsellor, 'yamagata', 'もう死にたい', jst(2025, 1, 18, 10, 0));
  // Its automatic answer (the crisis contacts alone, off-hours) is sent before the figures are read.
  await deliveriesTo(s, c5.userId, () => true, 1);

  // Another tenant's consultation in the same month.
  const tendoCounsellor = await as(s, 'tendo', 'counsellor');
  const t1 = await opens(s, tendoCounsellor, 'tendo', '天童から相談です', jst(2025, 1, 20, 19, 0));
  await answers(s, tendoCounsellor, t1.id, jst(2025, 1, 20, 19, 1));
  await tags(tendoCounsellor, t1.id, ['家族関係'], '10代');
  await close(tendoCounsellor, t1.id);

  // Every answer of yorisoi has left the outbox (automatic answers and consent requests count as out).
  await waitFor(async () => Number((await s.sql(
    "SELECT count(*) FROM outbox WHERE tenant_id = 'yamagata' AND state IN ('pending', 'sending')"))[0][0]) === 0, 10_000);

  const analyst = await as(s, 'yamagata', 'analyst');
  const report = await ok(await analyst.get(`/api/v1/reports/summary?${january}`));
  state.january = report;
  state.consultations = [c0, c1, c2, c3, c4, c5].map((c) => c.id);

  assert.deepEqual(report.tenant, { id: 'yamagata', name: '山形市' });
  assert.deepEqual(report.range, { from: '2025-01-01', to: '2025-01-31' });
  assert.equal(report.time_zone, 'Asia/Tokyo');
  assert.equal(report.consultations, 5, 'C1–C5 (C0 is December’s, T1 tendo’s)');
  assert.equal(report.consulters, 4);
  assert.equal(report.new_consulters, 3);
  assert.equal(report.returning_consulters, 1, 'R0 consulted in December');
  assert.deepEqual(report.consulters_by_age_band, [
    { label: '10代', count: 0 }, { label: '20代', count: 1 }, { label: '30代', count: 1 }, { label: '40代', count: 1 },
    { label: '50代', count: 0 }, { label: '60代', count: 0 }, { label: '70代以上', count: 0 }, { label: '', count: 1 },
  ], 'R2 counted once, in 30代 (its latest band); R3 unknown');
  assert.equal(report.categories_multi_valued, true);
  // Keys quoted: Node 18 (Debian 12) does not take ・ in an identifier.
  assert.deepEqual(labelsOf(report.consultations_by_category), {
    '家族関係': 2, '仕事・就労関係': 0, '病気・障害': 0, '孤独・孤立': 2, '生きがい・趣味': 0, '子育て・教育': 0,
    '行政サービス・制度利用': 0, '友人関係': 0, '恋愛関係': 0, '介護': 0, '希死念慮・自傷': 0, '生活困窮': 0, '法律関係': 0, '離婚関係': 0,
  });
  assert.equal(report.consultations_by_category[0].label, '家族関係', 'the tenant\'s order');
  assert.equal(report.consultations_without_category, 2, 'C4 and C5');
  // In: C1 1, C2 2 (the one after midnight counts with its consultation), C3 1, C4 1, C5 1.
  assert.equal(report.messages_in, 6);
  // Out: 4 counsellors' answers; automatic answers: C2 off-hours + age question, C3 age question,
  // C5 the crisis contacts alone; 2 consent requests and the 2 acknowledgements of the
  // resident's answer (同意をありがとうございます / お伝えしません).
  assert.equal(report.messages_out, 4 + 2 + 1 + 1 + 2 + 2);
  // The same as the message rows, before any purge.
  const opened = [c1, c2, c3, c4, c5].map((c) => `'${c.id}'`).join(', ');
  // (The resident's two button taps are rows of their own kind, not messages.)
  assert.deepEqual(await s.sql(`SELECT direction, count(*) FROM message WHERE consultation_id IN (${opened}) AND kind <> 'postback' GROUP BY 1 ORDER BY 1`),
    [['in', '6'], ['out', '12']]);
  assert.deepEqual(report.arrivals_by_weekday_hour, expectedJanuary().arrivals);
  assert.equal(report.arrivals_staffed, 3);
  assert.equal(report.arrivals_off_hours, 2);
  assert.equal(report.arrivals_unknown, 0);
  // Clock waits 5, 20, 30, 3980; staffed 5, 10, 20, 30 (C2 arrived Friday night, answered Monday 18:10:
  // 3980 minutes on the clock, 10 of them staffed). Nearest rank: median = 2nd, p90 = 4th.
  assert.deepEqual(report.waiting, {
    answered: 4, unanswered: 1,
    clock_median_minutes: 20, clock_p90_minutes: 3980, staffed_median_minutes: 10, staffed_p90_minutes: 30,
  });
  assert.equal(report.urgent, 1);
  // C1's referral: granted, forwarded by the hub to a department that answered; C3's: declined. Both
  // proposals named no unit, so the hub is their suggested unit.
  assert.deepEqual(report.referrals, {
    total: 2,
    emergency: 0,
    by_stage: [
      { label: 'proposed', count: 0 }, { label: 'awaiting_consent', count: 0 }, { label: 'at_hub', count: 0 },
      { label: 'forwarded', count: 0 }, { label: 'answered', count: 1 }, { label: 'returned', count: 0 },
      { label: 'closed', count: 0 }, { label: 'cancelled', count: 1 },
    ],
    cancelled_by_cause: [
      { label: 'consent_declined', count: 1 }, { label: 'consent_expired', count: 0 }, { label: 'consent_withdrawn', count: 0 },
    ],
    by_unit: [
      { unit_id: 'seikatsu-fukushi', unit_name: '福祉推進部生活福祉課', suggested: 2, received: 0, answered: 0 },
      { unit_id: 'seishin-hoken', unit_name: '健康医療部健康増進課精神保健・感染症対策室', suggested: 0, received: 1, answered: 1 },
    ],
  });
  assert.deepEqual(report.consents, { requested: 2, granted: 1, declined: 1, expired: 0, withdrawn: 0, pending: 0 });
  assert.ok(report.link_clicks.every((l) => l.clicks === 0), 'no click in January 2025');

  // The consultation opened 23:50 on January 31st counts on that day, not in February.
  const lastDay = await ok(await analyst.get('/api/v1/reports/summary?from=2025-01-31&to=2025-01-31'));
  assert.equal(lastDay.consultations, 1);
  assert.equal(lastDay.messages_in, 2);
  assert.equal(lastDay.arrivals_off_hours, 1);
  assert.deepEqual(lastDay.waiting, {
    answered: 1, unanswered: 0,
    clock_median_minutes: 3980, clock_p90_minutes: 3980, staffed_median_minutes: 10, staffed_p90_minutes: 10,
  });
  const february = await ok(await analyst.get('/api/v1/reports/summary?from=2025-02-01&to=2025-02-28'));
  assert.equal(february.consultations, 0);
  assert.equal(february.messages_in, 0);
  // December holds C0 only; R0 is new there.
  const december = await ok(await analyst.get('/api/v1/reports/summary?from=2024-12-01&to=2024-12-31'));
  assert.equal(december.consultations, 1);
  assert.equal(december.new_consulters, 1);
  assert.equal(december.returning_consulters, 0);

  // Tendo's analyst sees tendo's figures only, and yamagata's never.
  const tendo = await ok(await (await as(s, 'tendo', 'analyst')).get(`/api/v1/reports/summary?${january}`));
  assert.deepEqual(tendo.tenant, { id: 'tendo', name: '天童市' });
  assert.equal(tendo.consultations, 1);
  assert.equal(tendo.consulters, 1);
  assert.deepEqual(labelsOf(tendo.consulters_by_age_band), { '10代': 1, '20代': 0, '30代以上': 0, '': 0 });
  assert.equal(tendo.urgent, 0);
  assert.equal(tendo.referrals.total, 0);
});

test('the figures survive the retention purge (yorisoi retention run)', { timeout: 30_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  assert.ok(state.january, 'the history test ran first');
  const ids = state.consultations.map((id) => `'${id}'`).join(', ');
  const messagesBefore = Number((await s.sql(`SELECT count(*) FROM message WHERE consultation_id IN (${ids})`))[0][0]);
  assert.ok(messagesBefore > 0);
  // Yamagata keeps closed consultations 1825 days: as if six years from now, every closed one is purged.
  const later = new Date(Date.now() + 6 * 366 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const run = await s.cli(['retention', 'run', '--config', s.configFile, '--now', later]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^purged 6 consultations \(/, 'C0–C4 and tendo\'s T1 (C5 is open)');
  const left = await s.sql(`SELECT consultation_id::text FROM message WHERE consultation_id IN (${ids}) GROUP BY 1`);
  assert.deepEqual(left.map((r) => r[0]), [state.consultations[5]], 'only the open C5 keeps its messages');
  const analyst = await as(s, 'yamagata', 'analyst');
  const after = await ok(await analyst.get(`/api/v1/reports/summary?${january}`));
  assert.deepEqual(after, state.january);
  // A second run finds nothing more; the bad --now is refused.
  assert.match((await s.cli(['retention', 'run', '--config', s.configFile, '--now', later])).stdout, /^purged 0 /);
  assert.equal((await s.cli(['retention', 'run', '--config', s.configFile, '--now', 'tomorrow'])).code, 2);
});

test('CSV: UTF-8 with BOM, CRLF, the city\'s first table, Content-Type and Content-Disposition; text quoted', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const analyst = await as(s, 'yamagata', 'analyst');
  const answer = await analyst.get(`/api/v1/reports/summary.csv?${january}`);
  assert.equal(answer.status, 200);
  assert.equal(answer.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(answer.headers['content-disposition'], 'attachment; filename="yorisoi-yamagata-2025-01-01-2025-01-31.csv"');
  assert.deepEqual([...answer.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = answer.bytes.subarray(3).toString('utf8');
  assert.ok(text.startsWith('"相談実績の集計","山形市"\r\n'), text.slice(0, 80));
  assert.ok(text.endsWith('\r\n'));
  assert.doesNotMatch(text.replaceAll('\r\n', ''), /[\r\n]/, 'every line ends with CRLF');
  const lines = text.split('\r\n');
  const first = lines.indexOf('"概要"');
  assert.ok(first > 0, 'the first table\'s title');
  assert.equal(lines[first + 1], '"項目","件数"', 'its header row');
  assert.equal(lines[first + 2], '"相談者数（実人数）",4');
  assert.ok(lines.includes('"相談件数",5'));

  // Tendo's link label has a comma and quotes: quoted, quotes doubled. Clicked once today.
  assert.equal((await fetch(`${s.baseUrl}/l/tendo-web`, { redirect: 'manual' })).status, 302);
  const day = 24 * 3600 * 1000;
  const tokyo = Date.now() + 9 * 3600 * 1000;
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  const tendo = await (await as(s, 'tendo', 'analyst')).get(`/api/v1/reports/summary.csv?from=${iso(tokyo - day)}&to=${iso(tokyo + day)}`);
  assert.equal(tendo.status, 200);
  assert.ok(tendo.text.includes('\r\n"tendo-web","天童市ウェブ, ""特集""",1\r\n'), tendo.text);
  assert.ok(!tendo.text.includes('山形市'));
});

test('range rules and access: 400 malformed, 422 reversed or over 3 years; analyst, admin, supervisor 200; counsellor, officer 403; none 401', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const analyst = await as(s, 'yamagata', 'analyst');
  for (const query of ['', 'from=2025-01-01', 'to=2025-01-31', 'from=2025-1-01&to=2025-01-31',
    'from=2025-02-30&to=2025-03-01', 'from=20250101&to=20250131', 'from=2025-01-01T00:00&to=2025-01-31']) {
    assertError(await analyst.get(`/api/v1/reports/summary?${query}`), 400, 'bad_request');
    assertError(await analyst.get(`/api/v1/reports/summary.csv?${query}`), 400, 'bad_request');
  }
  assertRefused(await analyst.get('/api/v1/reports/summary?from=2025-02-01&to=2025-01-31'), 422, 'invalid', 'bad_range');
  assertRefused(await analyst.get('/api/v1/reports/summary?from=2021-01-01&to=2025-01-31'), 422, 'invalid', 'bad_range');
  assertRefused(await analyst.get('/api/v1/reports/summary.csv?from=2025-02-01&to=2025-01-31'), 422, 'invalid', 'bad_range');
  await ok(await analyst.get('/api/v1/reports/summary?from=2024-04-01&to=2027-03-31'));

  for (const tenant of ['yamagata', 'tendo']) {
    for (const [role, status] of [['analyst', 200], ['admin', 200], ['supervisor', 200], ['counsellor', 403],
      ['officer', 403], ['officer2', 403]]) {
      const client = await as(s, tenant, role);
      for (const path of ['summary', 'summary.csv']) {
        const answer = await client.get(`/api/v1/reports/${path}?${january}`);
        if (status === 403) {
          assertError(answer, 403, 'forbidden');
        } else {
          assert.equal(answer.status, 200, `${tenant} ${role} ${path}`);
          if (path === 'summary') {
            assert.equal(answer.json.tenant.id, tenant);
            assert.equal(answer.json.consultations, tenant === 'yamagata' ? 5 : 1);
          } else {
            assert.ok(answer.text.includes(tenant === 'yamagata' ? '山形市' : '天童市'));
            assert.ok(!answer.text.includes(tenant === 'yamagata' ? '天童市' : '山形市'));
          }
        }
      }
    }
  }
  const nobody = s.client();
  assertError(await nobody.get(`/api/v1/reports/summary?${january}`), 401, 'unauthenticated');
  assertError(await nobody.get(`/api/v1/reports/summary.csv?${january}`), 401, 'unauthenticated');
  // A foreign Origin is refused even on a GET.
  assertError(await analyst.get(`/api/v1/reports/summary?${january}`, { origin: 'http://evil.example' }), 403, 'csrf');
});
