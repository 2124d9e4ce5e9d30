// The event feed: GET /api/v1/events and the WebSocket stream (filtered by role and tenant, Origin
// checked, closed when the session ends).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { anonymous, as, closeStream, firstLogin, newConsultation, openStream, skipUnlessReady, useStack, waitFor } from './support.mjs';
import { assertSchema } from './schema.mjs';

const stack = useStack();

// After a positive control saw its event, how long a socket that must stay silent is given to show
// that it does: events are fanned out together, so this only guards against a late wrong delivery.
const silenceMs = 300;

const aboutConsultation = (id) => (e) => e.consultation_id === id;

test('GET events: consultation events for workers, none for officers; after= pages', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const officer = await as(stack(), 'yamagata', 'officer');
  const { id } = await newConsultation(stack(), counsellor, 'yamagata');
  const all = await counsellor.get('/api/v1/events');
  assert.equal(all.status, 200);
  const mine = all.json.items.filter(aboutConsultation(id));
  assert.ok(mine.some((e) => e.kind === 'message'), 'a message event');
  const ids = all.json.items.map((e) => e.event_id);
  assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'oldest first');
  const last = ids.at(-1);
  // Only what came after `last` (an automatic answer's delivery event may have arrived meanwhile).
  const after = (await counsellor.get(`/api/v1/events?after=${last}`)).json.items;
  assert.ok(after.every((e) => e.event_id > last && !ids.includes(e.event_id)), 'nothing already seen');
  const later = await counsellor.get(`/api/v1/events?after=${ids[0]}`);
  assert.ok(later.json.items.every((e) => e.event_id > ids[0]));
  assert.deepEqual((await officer.get('/api/v1/events')).json.items.filter((e) => e.consultation_id), []);
  const tendo = await as(stack(), 'tendo', 'counsellor');
  assert.deepEqual((await tendo.get('/api/v1/events')).json.items.filter(aboutConsultation(id)), []);
  assert.equal((await counsellor.get('/api/v1/events?after=abc')).status, 400);
});

test('WebSocket: a resident\'s message reaches the tenant\'s workers, not officers, not another tenant', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const officer = await as(stack(), 'yamagata', 'officer');
  const foreign = await as(stack(), 'tendo', 'counsellor');
  const streams = [await openStream(counsellor), await openStream(officer), await openStream(foreign)];
  try {
    const { id } = await newConsultation(stack(), counsellor, 'yamagata');
    const event = await waitFor(() => streams[0].events.find((e) => e.consultation_id === id && e.kind === 'message'), 5000);
    assertSchema('Event', event);
    await new Promise((resolve) => setTimeout(resolve, silenceMs));
    assert.deepEqual(streams[1].events, [], 'an officer receives nothing');
    assert.deepEqual(streams[2].events.filter(aboutConsultation(id)), [], 'another tenant receives nothing of it');
    // And tendo's counsellor does get tendo's own events.
    const own = await newConsultation(stack(), foreign, 'tendo');
    await waitFor(() => streams[2].events.some(aboutConsultation(own.id)), 5000);
    assert.ok(!streams[0].events.some(aboutConsultation(own.id)));
  } finally {
    await Promise.all(streams.map(closeStream));
  }
});

test('WebSocket: after= replays missed events first', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const before = (await counsellor.get('/api/v1/events')).json.items.at(-1)?.event_id ?? 0;
  const { id } = await newConsultation(stack(), counsellor, 'yamagata');
  const stream = await openStream(counsellor, { after: before });
  try {
    await waitFor(() => stream.events.some(aboutConsultation(id)), 5000);
    assert.ok(stream.events.every((e) => e.event_id > before));
  } finally {
    await closeStream(stream);
  }
});

test('WebSocket: no or foreign Origin → 403, no session → 401', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  await assert.rejects(openStream(counsellor, { origin: 'http://evil.example' }), (e) => e.status === 403);
  await assert.rejects(openStream(counsellor, { origin: null }), (e) => e.status === 403);
  await assert.rejects(openStream(anonymous(stack())), (e) => e.status === 401);
});

test('WebSocket: closed with 4401 within a second of logout everywhere, and of a password change', async (t) => {
  if (skipUnlessReady(t)) return;
  const user = stack().user('yamagata', 'counsellor2');
  const a = await as(stack(), 'yamagata', 'counsellor2');
  const b = await as(stack(), 'yamagata', 'counsellor2');
  const stream = await openStream(b);
  const answer = await a.post('/api/v1/session/logout-everywhere');
  const done = Date.now();
  assert.equal(answer.status, 204);
  const closed = await Promise.race([stream.closedPromise, new Promise((r) => setTimeout(() => r(null), 3000))]);
  assert.ok(closed, 'the socket closed');
  assert.equal(closed.code, 4401);
  assert.ok(closed.at - done <= 1000, `closed ${closed.at - done} ms after logout everywhere`);

  const c = await as(stack(), 'yamagata', 'counsellor2');
  const d = await as(stack(), 'yamagata', 'counsellor2');
  const other = await openStream(d);
  const changed = await c.post('/api/v1/me/password', { current_password: user.password, new_password: 'changed-password-1234' });
  assert.equal(changed.status, 204);
  user.password = 'changed-password-1234';
  const closedToo = await Promise.race([other.closedPromise, new Promise((r) => setTimeout(() => r(null), 3000))]);
  assert.equal(closedToo?.code, 4401);
});

test('WebSocket: closed with 4401 within a second of a role change and of disabling the account', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'yamagata', 'admin');
  for (const [login, change] of [['ws-role-changed', { role: 'supervisor' }], ['ws-disabled', { disabled: true }]]) {
    const password = 'long-enough-password-ws';
    const created = await admin.post('/api/v1/staff', { login, display_name: '切断される人', role: 'counsellor', password });
    assert.equal(created.status, 201, created.text);
    const worker = await firstLogin(stack(), login, password);
    const stream = await openStream(worker);
    const answer = await admin.patch(`/api/v1/staff/${created.json.user_id}`, change);
    const done = Date.now();
    assert.equal(answer.status, 200, answer.text);
    const closed = await Promise.race([stream.closedPromise, new Promise((r) => setTimeout(() => r(null), 3000))]);
    assert.ok(closed, `the socket closed after ${JSON.stringify(change)}`);
    assert.equal(closed.code, 4401);
    assert.ok(closed.at - done <= 1000, `closed ${closed.at - done} ms after ${JSON.stringify(change)}`);
  }
});

test('WebSocket: a user opening more than max_sockets_per_user (8) sockets has the oldest closed with 4429', async (t) => {
  if (skipUnlessReady(t)) return;
  const supervisor = await as(stack(), 'yamagata', 'supervisor');
  const colleague = await as(stack(), 'tendo', 'supervisor');
  const theirs = await openStream(colleague);
  const sockets = [];
  for (let i = 0; i < 8; ++i) {
    sockets.push(await openStream(supervisor));
  }
  // The ninth displaces the first (the newest tab works; a stale socket does not lock the user out).
  sockets.push(await openStream(supervisor));
  const displaced = await sockets[0].closedPromise;
  assert.equal(displaced.code, 4429);
  // And the tenth the second; the others stay open.
  sockets.push(await openStream(supervisor));
  assert.equal((await sockets[1].closedPromise).code, 4429);
  // Each socket is known to be open once it has answered a ping (the server reads every frame in order).
  const alive = (stream) => new Promise((resolve) => {
    stream.socket.once('pong', () => resolve(true));
    stream.socket.once('close', () => resolve(false));
    stream.socket.ping();
  });
  for (const stream of sockets.slice(2)) {
    assert.equal(await alive(stream), true);
    assert.equal(stream.closed, null);
  }
  assert.equal(await alive(theirs), true, 'another user\'s socket is not affected');
  for (const stream of [...sockets, theirs]) {
    await closeStream(stream);
  }
});
