// On shift: presence (available / away / off, since when; off again once the session ends), the
// whole shift for supervisors, capacity (the tenant's default and a person's own; a counsellor's claim
// beyond it refused, a supervisor's transfer beyond it allowed) and going off with open consultations
// (a handover note is required; each goes back to the queue with the note). tendo has a capacity of 2.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { as, assertError, assertRefused, closeStream, newConsultation, openStream, skipUnlessReady, useStack, waitFor } from './support.mjs';

const stack = useStack({ tendoKeys: 'shift = { capacity = 2 }' });
const path = (id, action = '') => `/api/v1/consultations/${id}${action ? `/${action}` : ''}`;

async function auditCount(action, objectId) {
  return Number((await stack().sql(`SELECT count(*) FROM audit_event WHERE action = '${action}' AND object_id = '${objectId}'`))[0][0]);
}

test('presence: off until chosen, available with since-when, seen by the supervisor, off after logout', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const boss = await as(stack(), 'yamagata', 'supervisor');
  const me = counsellor.session.user.user_id;

  const before = await counsellor.get('/api/v1/me/presence');
  assert.equal(before.status, 200, before.text);
  assert.equal(before.json.status, 'off');
  assert.equal(before.json.since, null);
  assert.equal(before.json.load, 0);
  assert.equal(before.json.capacity, null, 'yamagata sets no capacity: no limit');

  const stream = await openStream(boss);
  const set = await counsellor.put('/api/v1/me/presence', { status: 'available' });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.status, 'available');
  assert.ok(Date.parse(set.json.since) > 0);
  assert.deepEqual(set.json.returned, []);
  assert.equal(await auditCount('presence.set', me), 1);
  // The supervisor's console hears of it (ids only).
  const event = await waitFor(() => stream.events.find((e) => e.kind === 'presence' && e.user_id === me), 10_000);
  assert.equal(event.consultation_id, null);
  await closeStream(stream);

  const shift = await boss.get('/api/v1/shift');
  assert.equal(shift.status, 200, shift.text);
  const row = shift.json.items.find((i) => i.user_id === me);
  assert.equal(row.status, 'available');
  assert.equal(row.since, set.json.since);
  assert.ok(shift.json.items.every((i) => ['counsellor', 'supervisor'].includes(i.role)), 'only those who take consultations');

  // Away keeps what one holds; a bad status or an unknown key is a malformed body.
  assert.equal((await counsellor.put('/api/v1/me/presence', { status: 'away' })).json.status, 'away');
  assertError(await counsellor.put('/api/v1/me/presence', { status: 'busy' }), 400, 'bad_request');
  assertError(await counsellor.put('/api/v1/me/presence', { status: 'away', mood: 'ok' }), 400, 'bad_request');

  // Logging out sets off; a new sign-in starts off until the person chooses.
  assert.equal((await counsellor.delete('/api/v1/session')).status, 204);
  const after = (await boss.get('/api/v1/shift')).json.items.find((i) => i.user_id === me);
  assert.equal(after.status, 'off');
  assert.ok(Date.parse(after.since) >= Date.parse(set.json.since));
  const again = await as(stack(), 'yamagata', 'counsellor');
  assert.equal((await again.get('/api/v1/me/presence')).json.status, 'off');
});

test('a session that ends without logout reads as off', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor2');
  const boss = await as(stack(), 'yamagata', 'supervisor');
  const me = counsellor.session.user.user_id;
  assert.equal((await counsellor.put('/api/v1/me/presence', { status: 'available' })).status, 200);
  await stack().sql(`DELETE FROM staff_session WHERE user_id = '${me}'`);
  const row = (await boss.get('/api/v1/shift')).json.items.find((i) => i.user_id === me);
  assert.equal(row.status, 'off');
  assert.equal(row.since, null, 'no choice behind this off');
});

test('capacity: a counsellor at the tenant\'s capacity is refused; a supervisor assigns beyond it; own capacity wins', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'tendo', 'counsellor');
  const boss = await as(stack(), 'tendo', 'supervisor');
  const admin = await as(stack(), 'tendo', 'admin');
  const me = counsellor.session.user.user_id;
  const made = [];
  for (let i = 0; i < 5; ++i) {
    made.push((await newConsultation(stack(), boss, 'tendo', `相談 ${i}`)).id);
  }
  assert.equal((await counsellor.post(path(made[0], 'claim'))).status, 200);
  assert.equal((await counsellor.post(path(made[1], 'claim'))).status, 200);
  // Claiming what one already holds is no new load.
  assert.equal((await counsellor.post(path(made[1], 'claim'))).status, 200);
  const refused = await counsellor.post(path(made[2], 'claim'));
  assertRefused(refused, 409, 'conflict', 'over_capacity');
  assert.match(refused.json.message, /上限/);
  assert.equal((await boss.get(`/api/v1/queue/${made[2]}`)).json.state, 'waiting', 'the refused claim changed nothing');

  const mine = await counsellor.get('/api/v1/me/presence');
  assert.deepEqual([mine.json.load, mine.json.capacity, mine.json.own_capacity], [2, 2, null]);

  // A supervisor may assign beyond it (and claim beyond their own).
  const transferred = await boss.post(path(made[2], 'transfer'), { to_user_id: me });
  assert.equal(transferred.status, 200, transferred.text);
  assert.equal((await counsellor.get('/api/v1/me/presence')).json.load, 3);
  assert.equal((await boss.post(path(made[3], 'claim'))).status, 200);
  assert.equal((await boss.post(path(made[3], 'release'))).status, 200);

  // The person's own capacity wins over the tenant's; null goes back to it.
  const raised = await boss.put(`/api/v1/staff/${me}/capacity`, { capacity: 4 });
  assert.equal(raised.status, 200, raised.text);
  assert.deepEqual([raised.json.capacity, raised.json.own_capacity, raised.json.load], [4, 4, 3]);
  assert.equal(await auditCount('staff.capacity', me), 1);
  assert.equal((await counsellor.post(path(made[3], 'claim'))).status, 200);
  assertRefused(await counsellor.post(path(made[4], 'claim')), 409, 'conflict', 'over_capacity');
  const reset = await admin.put(`/api/v1/staff/${me}/capacity`, { capacity: null });
  assert.deepEqual([reset.json.capacity, reset.json.own_capacity], [2, null]);

  // Out of range, wrong types, accounts that take no consultations, other tenants' accounts.
  assertRefused(await boss.put(`/api/v1/staff/${me}/capacity`, { capacity: 0 }), 422, 'invalid', 'capacity_out_of_range');
  assertRefused(await boss.put(`/api/v1/staff/${me}/capacity`, { capacity: 51 }), 422, 'invalid', 'capacity_out_of_range');
  assertError(await boss.put(`/api/v1/staff/${me}/capacity`, { capacity: '3' }), 400, 'bad_request');
  assertError(await boss.put(`/api/v1/staff/${me}/capacity`, {}), 400, 'bad_request');
  assertRefused(await boss.put(`/api/v1/staff/${admin.session.user.user_id}/capacity`, { capacity: 3 }), 422, 'invalid',
    'not_a_counsellor_here');
  const yamagataCounsellor = stack().user('yamagata', 'counsellor');
  const foreign = (await stack().sql(`SELECT user_id::text FROM staff_user WHERE login = '${yamagataCounsellor.login}'`))[0][0];
  assertError(await boss.put(`/api/v1/staff/${foreign}/capacity`, { capacity: 3 }), 404, 'not_found');
});

test('going off with open consultations needs a handover note; each goes back to the queue with it', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'tendo', 'counsellor2');
  const boss = await as(stack(), 'tendo', 'supervisor');
  const me = counsellor.session.user.user_id;
  const a = (await newConsultation(stack(), boss, 'tendo', '眠れません')).id;
  const b = (await newConsultation(stack(), boss, 'tendo', '仕事がつらい')).id;
  assert.equal((await counsellor.put('/api/v1/me/presence', { status: 'available' })).status, 200);
  for (const id of [a, b]) {
    assert.equal((await counsellor.post(path(id, 'claim'))).status, 200);
  }
  assertRefused(await counsellor.put('/api/v1/me/presence', { status: 'off' }), 409, 'conflict', 'handover_note_required');
  assertRefused(await counsellor.put('/api/v1/me/presence', { status: 'off', handover_note: '  ' }), 409, 'conflict',
    'handover_note_required');
  assert.equal((await counsellor.get('/api/v1/me/presence')).json.status, 'available', 'the refusal changed nothing');

  const off = await counsellor.put('/api/v1/me/presence', { status: 'off', handover_note: '家族の話の途中です。' });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.json.status, 'off');
  assert.equal(off.json.load, 0);
  assert.deepEqual([...off.json.returned].sort(), [a, b].sort());
  for (const id of [a, b]) {
    const detail = await boss.get(path(id));
    assert.equal(detail.json.state, 'waiting');
    assert.ok(detail.json.notes.some((n) => n.text === '家族の話の途中です。' && n.author.user_id === me), detail.text);
    assert.equal(await auditCount('consultation.handover', id), 1);
  }
  // Nothing held: off needs no note.
  assert.equal((await counsellor.put('/api/v1/me/presence', { status: 'off' })).status, 200);
});
