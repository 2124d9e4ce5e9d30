// The queue and consultation work: detail, claim, release, transfer, reply, tags, notes, close, reopen;
// roles (officer, admin, analyst → 403) and tenants (another tenant's consultation → 404).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { as, assertError, newConsultation, residentTaps, skipUnlessReady, useStack, waitFor } from './support.mjs';

const stack = useStack();
const unknownId = '00000000-0000-4000-8000-000000000000';
const path = (id, action = '') => `/api/v1/consultations/${id}${action ? `/${action}` : ''}`;

test('a resident\'s message appears in the queue (staffed, waiting) with counts; views filter', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const { id } = await newConsultation(stack(), counsellor, 'yamagata');
  const queue = await counsellor.get('/api/v1/queue');
  const item = queue.json.items.find((i) => i.consultation_id === id);
  assert.equal(item.state, 'waiting');
  assert.equal(item.arrival, 'staffed');
  assert.equal(item.assigned_to, null);
  assert.ok(queue.json.counts.waiting >= 1 && queue.json.counts.open >= 1);
  const waiting = await counsellor.get('/api/v1/queue?view=waiting');
  assert.ok(waiting.json.items.some((i) => i.consultation_id === id));
  const mine = await counsellor.get('/api/v1/queue?view=mine');
  assert.ok(!mine.json.items.some((i) => i.consultation_id === id));
  assertError(await counsellor.get('/api/v1/queue?view=everything'), 400, 'bad_request');
});

test('an urgent message is marked urgent and listed in the urgent view', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const { id } = await newConsultation(stack(), counsellor, 'yamagata', 'もう死にたい');
  const urgent = await counsellor.get('/api/v1/queue?view=urgent');
  const item = urgent.json.items.find((i) => i.consultation_id === id);
  assert.ok(item, 'in the urgent view');
  assert.equal(item.urgent, true);
});

test('detail: the transcript with the resident\'s text; audited', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const { id } = await newConsultation(stack(), counsellor, 'yamagata', '眠れない日が続いています');
  const detail = await counsellor.get(path(id));
  assert.equal(detail.status, 200);
  assert.equal(detail.json.consultation_id, id);
  const incoming = detail.json.messages.filter((m) => m.direction === 'in');
  assert.ok(incoming.some((m) => m.text === '眠れない日が続いています'));
  assert.deepEqual(detail.json.notes, []);
  const audited = await stack().sql(`SELECT count(*) FROM audit_event WHERE object_id = '${id}' AND actor_id = '${counsellor.session.user.user_id}'`);
  assert.ok(Number(audited[0][0]) >= 1, 'the read is audited');
  assertError(await counsellor.get(path(unknownId)), 404, 'not_found');
  assertError(await counsellor.get(path('not-a-uuid')), 404, 'not_found');
});

test('the resident\'s age-band tap: shown in the transcript as their action, and the consultation\'s band', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const { id, userId } = await newConsultation(stack(), counsellor, 'yamagata', 'はじめて相談します');
  await residentTaps(stack(), 'yamagata', userId, 'yorisoi:age_band=20代');
  const detail = await waitFor(async () => {
    const answer = await counsellor.get(path(id));
    return answer.json?.messages?.some((m) => m.kind === 'postback') ? answer : null;
  }, 10_000);
  const taps = detail.json.messages.filter((m) => m.kind === 'postback');
  assert.equal(taps.length, 1);
  assert.equal(taps[0].direction, 'in');
  assert.equal(taps[0].text, '年代: 20代');
  assert.equal(taps[0].origin, null);
  assert.equal(detail.json.age_band, '20代');
  // The automatic age question came first, with its own kind.
  const kinds = detail.json.messages.map((m) => m.kind);
  assert.ok(kinds.indexOf('age_question') < kinds.indexOf('postback'), kinds.join());
  // A band the tenant does not offer is not a tap of ours: nothing is shown.
  await residentTaps(stack(), 'yamagata', userId, 'yorisoi:age_band=200代');
  const after = (await counsellor.get(path(id))).json;
  assert.equal(after.messages.filter((m) => m.kind === 'postback').length, 1);
  assert.equal(after.age_band, '20代');
});

test('another tenant\'s consultation → 404 on every consultation route', async (t) => {
  if (skipUnlessReady(t)) return;
  const yamagata = await as(stack(), 'yamagata', 'counsellor');
  const tendo = await as(stack(), 'tendo', 'supervisor');
  const { id } = await newConsultation(stack(), yamagata, 'yamagata');
  assert.ok(!(await tendo.get('/api/v1/queue')).json.items.some((i) => i.consultation_id === id));
  assertError(await tendo.get(path(id)), 404, 'not_found');
  for (const [action, body] of [['claim'], ['release'], ['transfer', { to_user_id: tendo.session.user.user_id }],
    ['messages', { text: 'x' }], ['notes', { text: 'x' }], ['close'], ['reopen']]) {
    assertError(await tendo.post(path(id, action), body), 404, 'not_found');
  }
  assertError(await tendo.put(path(id, 'tags'), { categories: [], age_band: null }), 404, 'not_found');
});

test('officers, admins and analysts are refused 403 on the queue and consultations (before any lookup)', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const { id } = await newConsultation(stack(), counsellor, 'yamagata');
  for (const key of ['officer', 'officer2', 'admin', 'analyst']) {
    const client = await as(stack(), 'yamagata', key);
    assertError(await client.get('/api/v1/queue'), 403, 'forbidden');
    for (const target of [id, unknownId]) {
      assertError(await client.get(path(target)), 403, 'forbidden');
      assertError(await client.post(path(target, 'claim')), 403, 'forbidden');
      assertError(await client.post(path(target, 'messages'), { text: 'x' }), 403, 'forbidden');
      assertError(await client.put(path(target, 'tags'), { categories: [], age_band: null }), 403, 'forbidden');
      assertError(await client.post(path(target, 'notes'), { text: 'x' }), 403, 'forbidden');
      assertError(await client.post(path(target, 'close')), 403, 'forbidden');
    }
  }
  // transfer needs the transfer permission: a counsellor lacks it.
  assertError(await counsellor.post(path(id, 'transfer'), { to_user_id: counsellor.session.user.user_id }), 403, 'forbidden');
});

test('claim, 409 for another counsellor, release (409 when not mine), claim again', async (t) => {
  if (skipUnlessReady(t)) return;
  const a = await as(stack(), 'yamagata', 'counsellor');
  const b = await as(stack(), 'yamagata', 'counsellor2');
  const { id } = await newConsultation(stack(), a, 'yamagata');
  const claimed = await a.post(path(id, 'claim'));
  assert.equal(claimed.status, 200);
  assert.equal(claimed.json.state, 'assigned');
  assert.equal(claimed.json.assigned_to.user_id, a.session.user.user_id);
  assert.ok((await a.get('/api/v1/queue?view=mine')).json.items.some((i) => i.consultation_id === id));
  assertError(await b.post(path(id, 'claim')), 409, 'conflict');
  assertError(await b.post(path(id, 'release')), 409, 'conflict');
  const released = await a.post(path(id, 'release'));
  assert.equal(released.status, 200);
  assert.equal(released.json.assigned_to, null);
  assert.equal(released.json.state, 'waiting');
  assert.equal((await b.post(path(id, 'claim'))).json.assigned_to.user_id, b.session.user.user_id);
  assertError(await a.post(path(id, 'claim'), undefined, { csrf: false }), 403, 'csrf');
});

test('transfer by a supervisor; 422 to an officer or another tenant\'s counsellor', async (t) => {
  if (skipUnlessReady(t)) return;
  const supervisor = await as(stack(), 'yamagata', 'supervisor');
  const a = await as(stack(), 'yamagata', 'counsellor');
  const b = await as(stack(), 'yamagata', 'counsellor2');
  const officer = await as(stack(), 'yamagata', 'officer');
  const foreign = await as(stack(), 'tendo', 'counsellor');
  const { id } = await newConsultation(stack(), supervisor, 'yamagata');
  await a.post(path(id, 'claim'));
  const moved = await supervisor.post(path(id, 'transfer'), { to_user_id: b.session.user.user_id });
  assert.equal(moved.status, 200);
  assert.equal(moved.json.assigned_to.user_id, b.session.user.user_id);
  const toOfficer = await supervisor.post(path(id, 'transfer'), { to_user_id: officer.session.user.user_id });
  assertError(toOfficer, 422, 'invalid');
  assert.equal(toOfficer.json.reason, 'not_a_counsellor_here');
  assertError(await supervisor.post(path(id, 'transfer'), { to_user_id: foreign.session.user.user_id }), 422, 'invalid');
  assertError(await supervisor.post(path(id, 'transfer'), { to_user_id: unknownId }), 422, 'invalid');
  assertError(await supervisor.post(path(id, 'transfer'), {}), 400, 'bad_request');
  assertError(await supervisor.post(path(id, 'transfer'), { to_user_id: 7 }), 400, 'bad_request');
});

test('reply: 201 pending, delivered once to the resident, then shown as sent; 409 when not mine', async (t) => {
  if (skipUnlessReady(t)) return;
  const a = await as(stack(), 'yamagata', 'counsellor');
  const b = await as(stack(), 'yamagata', 'counsellor2');
  const { id, userId } = await newConsultation(stack(), a, 'yamagata');
  assertError(await a.post(path(id, 'messages'), { text: 'まだ担当ではありません' }), 409, 'conflict');
  await a.post(path(id, 'claim'));
  assertError(await b.post(path(id, 'messages'), { text: 'ほかの人の相談' }), 409, 'conflict');
  assertError(await a.post(path(id, 'messages'), { text: '' }), 400, 'bad_request');
  assertError(await a.post(path(id, 'messages'), { text: 'あ'.repeat(5001) }), 400, 'bad_request');
  assertError(await a.post(path(id, 'messages'), { text: 42 }), 400, 'bad_request');
  assertError(await a.post(path(id, 'messages'), undefined, { raw: '{"text":"x"}', contentType: 'text/plain' }), 415, 'unsupported_media_type');
  const text = 'お話ししてくださってありがとうございます。';
  const sent = await a.post(path(id, 'messages'), { text });
  assert.equal(sent.status, 201);
  assert.equal(sent.json.direction, 'out');
  assert.equal(sent.json.text, text);
  assert.equal(sent.json.origin, 'counsellor');
  assert.ok(['pending', 'sending', 'sent'].includes(sent.json.delivery));
  await waitFor(async () => {
    const detail = await a.get(path(id));
    return detail.json.messages.find((m) => m.message_id === sent.json.message_id)?.delivery === 'sent';
  }, 10_000);
  const deliveries = await stack().fakeGet(`/_fake/deliveries?to=${userId}`);
  assert.equal(deliveries.filter((d) => d.message?.text === text).length, 1, 'exactly one delivery of the answer');
});

test('tags: categories and age band of the tenant; 422 for unknown labels', async (t) => {
  if (skipUnlessReady(t)) return;
  const a = await as(stack(), 'yamagata', 'counsellor');
  const { id } = await newConsultation(stack(), a, 'yamagata');
  await a.post(path(id, 'claim'));
  const tagged = await a.put(path(id, 'tags'), { categories: ['家族関係', '孤独・孤立'], age_band: '20代' });
  assert.equal(tagged.status, 200);
  assert.deepEqual([...tagged.json.categories].sort(), ['孤独・孤立', '家族関係'].sort());
  assert.equal(tagged.json.age_band, '20代');
  const cleared = await a.put(path(id, 'tags'), { categories: ['介護'], age_band: null });
  assert.deepEqual(cleared.json.categories, ['介護']);
  assert.equal(cleared.json.age_band, null);
  const space = await a.put(path(id, 'tags'), { categories: ['宇宙'], age_band: null });
  assertError(space, 422, 'invalid');
  assert.equal(space.json.reason, 'unknown_category');
  const band = await a.put(path(id, 'tags'), { categories: [], age_band: '30代以上' });
  assertError(band, 422, 'invalid');
  assert.equal(band.json.reason, 'unknown_age_band');
  assertError(await a.put(path(id, 'tags'), { categories: '家族関係', age_band: null }), 400, 'bad_request');
});

test('notes: 201 Note, shown in the detail with the author; 400 for empty text', async (t) => {
  if (skipUnlessReady(t)) return;
  const a = await as(stack(), 'yamagata', 'counsellor');
  const b = await as(stack(), 'yamagata', 'counsellor2');
  const { id } = await newConsultation(stack(), a, 'yamagata');
  const note = await a.post(path(id, 'notes'), { text: '次回は家族のことを聞く' });
  assert.equal(note.status, 201);
  assert.equal(note.json.author.user_id, a.session.user.user_id);
  const detail = await b.get(path(id));
  assert.ok(detail.json.notes.some((n) => n.note_id === note.json.note_id && n.text === '次回は家族のことを聞く'));
  assertError(await a.post(path(id, 'notes'), { text: '' }), 400, 'bad_request');
  assertError(await a.post(path(id, 'notes'), {}), 400, 'bad_request');
});

test('close (409 when closed), reopen (409 when open or the resident has another open one)', async (t) => {
  if (skipUnlessReady(t)) return;
  const a = await as(stack(), 'yamagata', 'counsellor');
  const { id, userId } = await newConsultation(stack(), a, 'yamagata');
  assertError(await a.post(path(id, 'reopen')), 409, 'conflict');
  await a.post(path(id, 'claim'));
  const closed = await a.post(path(id, 'close'));
  assert.equal(closed.status, 200);
  assert.equal(closed.json.state, 'closed');
  assert.ok(closed.json.closed_at);
  assertError(await a.post(path(id, 'close')), 409, 'conflict');
  assertError(await a.post(path(id, 'messages'), { text: '閉じた後' }), 409, 'conflict');
  const reopened = await a.post(path(id, 'reopen'));
  assert.equal(reopened.status, 200);
  assert.notEqual(reopened.json.state, 'closed');
  assert.equal((await a.post(path(id, 'close'))).status, 200);
  // The resident writes again: a new consultation opens; the old one cannot be reopened beside it.
  await stack().residentWrites('yamagata', 'また来ました', userId);
  // The same resident (label), another consultation: other tests' consultations share this queue.
  await waitFor(async () => (await a.get('/api/v1/queue?view=open')).json.items
    .some((i) => i.consultation_id !== id && i.resident_label === closed.json.resident_label), 10_000);
  assertError(await a.post(path(id, 'reopen')), 409, 'conflict');
});
