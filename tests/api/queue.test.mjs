// The queue for triage: pages in queue order (limit + cursor, keyset), counts apart, one row by id;
// previews of the resident's latest message (audited once per read, off by the tenant's queue_preview),
// unread counts per reader, the marks; and who may close, release or reopen a colleague's consultation.
// Runs first in its own stack, so that yamagata's queue holds only what these tests made.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  as, assertError, forward, newConsultation, officerPath, referralAtHub, skipUnlessReady, units, useStack, waitFor,
} from './support.mjs';

// tendo turns previews off.
const stack = useStack({ tendoKeys: 'queue_preview = false' });
const path = (id, action = '') => `/api/v1/consultations/${id}${action ? `/${action}` : ''}`;
const row = (client, id) => client.get(`/api/v1/queue/${id}`);

async function auditCount(action) {
  return Number((await stack().sql(`SELECT count(*) FROM audit_event WHERE action = '${action}'`))[0][0]);
}

test('25 waiting, limit 10: pages of 10, 10 and 5 in queue order, no duplicates, counts apart', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  // Three urgent among them: they come first whatever their arrival.
  for (let i = 0; i < 25; ++i) {
    await stack().residentWrites('yamagata', i % 8 === 3 ? 'もう死にたい' : `相談です ${i}`);
  }
  const counts = await waitFor(async () => {
    const answer = await counsellor.get('/api/v1/queue/counts');
    return answer.json.waiting === 25 ? answer.json : null;
  }, 20_000);
  assert.deepEqual(counts, { waiting: 25, mine: 0, urgent: 3, open: 25 });

  const pages = [];
  let cursor = null;
  do {
    const answer = await counsellor.get(`/api/v1/queue?view=waiting&limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json.counts, counts);
    pages.push(answer.json.items);
    cursor = answer.json.next_cursor;
  } while (cursor && pages.length < 5);
  assert.deepEqual(pages.map((p) => p.length), [10, 10, 5]);
  const ids = pages.flat().map((i) => i.consultation_id);
  assert.equal(new Set(ids).size, 25, 'no row twice');

  // The order is the queue's: urgent first, then the earliest due, then the longest waiting.
  const expected = (await stack().sql(`SELECT consultation_id::text FROM consultation
     WHERE tenant_id = 'yamagata' AND state <> 'closed'
     ORDER BY priority = 'urgent' DESC, coalesce(due_at, opened_at), coalesce(waiting_since, opened_at),
              consultation_id`)).map((r) => r[0]);
  assert.deepEqual(ids, expected);
  const rows = pages.flat();
  assert.deepEqual(rows.slice(0, 3).map((i) => i.urgent), [true, true, true]);
  assert.ok(rows.slice(3).every((i) => !i.urgent));
  const keys = rows.map((i) => i.queue_key);
  assert.deepEqual([...keys].sort(), keys, 'queue keys compare as strings in queue order');
  assert.equal(pages[0].at(-1).queue_key, keys[9]);

  // The default page is 50 rows; more than 200 is refused, not clamped; a cursor must be one.
  assert.equal((await counsellor.get('/api/v1/queue')).json.next_cursor, null);
  const tooMany = await counsellor.get('/api/v1/queue?limit=201');
  assertError(tooMany, 400, 'bad_request');
  assert.equal(tooMany.json.reason, 'limit_out_of_range');
  assert.equal((await counsellor.get('/api/v1/queue?limit=0')).json.reason, 'limit_out_of_range');
  assert.equal((await counsellor.get('/api/v1/queue?limit=200')).status, 200);
  const badCursor = await counsellor.get('/api/v1/queue?cursor=abc');
  assertError(badCursor, 400, 'bad_request');
  assert.equal(badCursor.json.reason, 'bad_cursor');
  const forged = `1-${'9'.repeat(20)}-${'0'.repeat(20)}-${ids[0]}`;
  assert.equal((await counsellor.get(`/api/v1/queue?cursor=${forged}`)).json.reason, 'bad_cursor');

  // One row by id, as in the list.
  const one = await row(counsellor, ids[4]);
  assert.equal(one.status, 200);
  assert.equal(one.json.queue_key, keys[4]);
  assertError(await row(counsellor, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');

  // Leave the queue empty for the next tests.
  const boss = await as(stack(), 'yamagata', 'supervisor');
  for (const id of ids) {
    assert.equal((await boss.post(path(id, 'close'))).status, 200);
  }
});

test('a counsellor cannot close, release or reopen a colleague\'s consultation; a supervisor can', async (t) => {
  if (skipUnlessReady(t)) return;
  const a = await as(stack(), 'yamagata', 'counsellor');
  const b = await as(stack(), 'yamagata', 'counsellor2');
  const boss = await as(stack(), 'yamagata', 'supervisor');
  const refused = async (answer, reason) => {
    assertError(answer, 409, 'conflict');
    assert.equal(answer.json.reason, reason);
  };

  const { id } = await newConsultation(stack(), a, 'yamagata');
  await refused(await a.post(path(id, 'release')), 'not_held');
  assert.equal((await a.post(path(id, 'claim'))).status, 200);
  await refused(await b.post(path(id, 'close')), 'held_by_colleague');
  await refused(await b.post(path(id, 'release')), 'held_by_colleague');
  await refused(await b.post(path(id, 'claim')), 'held_by_colleague');
  await refused(await b.post(path(id, 'messages'), { text: 'こんばんは' }), 'not_holder');
  assert.equal((await a.post(path(id, 'close'))).status, 200);
  await refused(await a.post(path(id, 'messages'), { text: 'こんばんは' }), 'consultation_closed');
  // Reopening makes the reopener the holder: a colleague's closed consultation is not B's to take.
  await refused(await b.post(path(id, 'reopen')), 'held_by_colleague');
  await refused(await a.post(path(id, 'close')), 'consultation_closed');

  // The supervisor reopens, releases and closes what counsellor A held.
  const reopened = await boss.post(path(id, 'reopen'));
  assert.equal(reopened.status, 200);
  assert.equal(reopened.json.assigned_to.user_id, boss.session.user.user_id);
  await refused(await boss.post(path(id, 'reopen')), 'consultation_open');
  const nobody = await boss.post(path(id, 'transfer'), { to_user_id: '00000000-0000-4000-8000-000000000000' });
  assertError(nobody, 422, 'invalid');
  assert.equal(nobody.json.reason, 'not_a_counsellor_here');
  assert.equal((await boss.post(path(id, 'transfer'), { to_user_id: a.session.user.user_id })).status, 200);
  const released = await boss.post(path(id, 'release'));
  assert.equal(released.status, 200);
  assert.equal(released.json.assigned_to, null);
  assert.equal((await a.post(path(id, 'claim'))).status, 200);
  assert.equal((await boss.post(path(id, 'close'))).status, 200);

  // What nobody holds, any counsellor may close and reopen (and then holds it).
  const other = await newConsultation(stack(), b, 'yamagata');
  assert.equal((await b.post(path(other.id, 'close'))).status, 200);
  const mine = await b.post(path(other.id, 'reopen'));
  assert.equal(mine.status, 200);
  assert.equal(mine.json.assigned_to.user_id, b.session.user.user_id);
  assert.equal((await b.post(path(other.id, 'close'))).status, 200);
});

test('preview of the latest message, unread count per reader, one audit row per queue read', async (t) => {
  if (skipUnlessReady(t)) return;
  const a = await as(stack(), 'yamagata', 'counsellor');
  const b = await as(stack(), 'yamagata', 'counsellor2');
  const long = 'ずっと誰にも言えなかったことがあって、今日こそ聞いてもらえたらと思って書いています。長くなってすみません。';
  const { id, userId } = await newConsultation(stack(), a, 'yamagata', long);
  const first = (await row(a, id)).json;
  assert.equal(first.preview, `${[...long].slice(0, 40).join('')}…`);
  assert.equal(first.unread_count, 1);

  await stack().residentWrites('yamagata', 'つらいです\n助けて', userId);
  const two = await waitFor(async () => {
    const answer = await row(a, id);
    return answer.json.unread_count === 2 ? answer.json : null;
  }, 10_000);
  assert.equal(two.preview, 'つらいです 助けて', 'the latest message, line breaks as spaces');
  const listed = (await a.get('/api/v1/queue')).json.items.find((i) => i.consultation_id === id);
  assert.equal(listed.unread_count, 2);
  assert.equal(listed.preview, 'つらいです 助けて');

  // Opening the transcript reads them for that reader only.
  assert.equal((await a.get(path(id))).status, 200);
  assert.equal((await row(a, id)).json.unread_count, 0);
  assert.equal((await row(b, id)).json.unread_count, 2);
  await stack().residentWrites('yamagata', 'もう一通', userId);
  await waitFor(async () => (await row(a, id)).json.unread_count === 1, 10_000);

  // Every read with previews writes one audit row, whatever the number of rows; never the text.
  await newConsultation(stack(), a, 'yamagata', '二人目です');
  const before = await auditCount('queue.read');
  const page = await a.get('/api/v1/queue');
  assert.ok(page.json.items.length >= 2);
  assert.equal(await auditCount('queue.read'), before + 1);
  const detail = await stack().sql(`SELECT actor_id::text, detail::text FROM audit_event
     WHERE action = 'queue.read' ORDER BY audit_id DESC LIMIT 1`);
  assert.equal(detail[0][0], a.session.user.user_id);
  assert.ok(!detail[0][1].includes('つらい'));
});

test('a tenant with queue_preview = false: no previews and no preview reads audited', async (t) => {
  if (skipUnlessReady(t)) return;
  const tendo = await as(stack(), 'tendo', 'counsellor');
  const { id } = await newConsultation(stack(), tendo, 'tendo', '天童から相談です');
  const before = await auditCount('queue.read');
  const page = await tendo.get('/api/v1/queue');
  const item = page.json.items.find((i) => i.consultation_id === id);
  assert.equal(item.preview, null);
  assert.equal(item.unread_count, 1);
  assert.equal((await row(tendo, id)).json.preview, null);
  assert.equal(await auditCount('queue.read'), before);
});

test('marks: the resident wrote back after an answer; a referral\'s answers came back', async (t) => {
  if (skipUnlessReady(t)) return;
  const a = await as(stack(), 'yamagata', 'counsellor');
  const { id, userId } = await newConsultation(stack(), a, 'yamagata');
  assert.equal((await row(a, id)).json.wrote_back, false);
  assert.equal((await a.post(path(id, 'claim'))).status, 200);
  assert.equal((await a.post(path(id, 'messages'), { text: 'お話を聞かせてください。' })).status, 201);
  assert.equal((await row(a, id)).json.wrote_back, false);
  await stack().residentWrites('yamagata', 'ありがとうございます。実は…', userId);
  await waitFor(async () => (await row(a, id)).json.wrote_back === true, 10_000);

  const boss = await as(stack(), 'yamagata', 'supervisor');
  const referral = await referralAtHub(stack(), boss, 'yamagata');
  assert.equal((await row(boss, referral.id)).json.referral_answered, false);
  const hub = await as(stack(), 'yamagata', 'officer');
  await forward(hub, referral.rid, [units.yamagata.department]);
  const department = await as(stack(), 'yamagata', 'officer2');
  assert.equal((await department.post(officerPath(referral.rid, 'answer'), { text: '面談します' })).status, 200);
  assert.equal((await hub.post(officerPath(referral.rid, 'return'))).status, 200);
  assert.equal((await row(boss, referral.id)).json.referral_answered, true);
});
