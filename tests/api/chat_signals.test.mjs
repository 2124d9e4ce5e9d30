// LINE's chat signals: with yamagata's channel at read_marks = "on_open", opening a consultation sends
// exactly one markAsRead with the newest resident message's token (a second opening, a background
// refetch send none; a newer message is marked at the next opening or while typing); tendo's channel
// (the default, "never") sends none. POST /typing starts LINE's loading animation for the holder at
// most once per 20 s per consultation, refused like a reply to anyone else.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { as, assertRefused, assertError, newConsultation, skipUnlessReady, useStack, waitFor } from './support.mjs';

const stack = useStack({ readMarks: { yamagata: 'on_open' } });
const path = (id, action) => `/api/v1/consultations/${id}${action ? `/${action}` : ''}`;
const background = { headers: { 'x-yorisoi-background': '1' } };

// The fake platform's calls to `apiPath` (of `channel`, when given), once at least `min` were made.
async function calls(s, apiPath, min = 0, channel = null) {
  const filter = `path=${encodeURIComponent(apiPath)}${channel ? `&channel=${channel}` : ''}`;
  return s.fakeGet(`/_fake/calls?${filter}&min_count=${min}&wait_ms=${min > 0 ? 10_000 : 0}`);
}

// yorisoi_line_signals_total{signal, outcome} now (0 when absent).
async function signalCount(s, signal, outcome) {
  const text = await (await fetch(`${s.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('yorisoi_line_signals_total{')
    && l.includes(`signal="${signal}"`) && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

// The resident's message tokens as the fake sent them, oldest first.
async function tokensOf(s, userId) {
  const hooks = await s.fakeGet(`/_fake/webhooks?userId=${userId}&event=message`);
  return hooks.map((w) => w.markAsReadToken);
}

// Waits until the consultation's queue row counts `unread` resident messages for `worker` (applied by
// the inbox; the queue row reads without marking anything).
async function appliedMessages(worker, id, unread) {
  await waitFor(async () => (await worker.get(`/api/v1/queue/${id}`)).json.unread_count === unread, 10_000);
}

test('on_open: opening marks read once with the newest token; again, or in the background, sends none', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const { id, userId } = await newConsultation(s, counsellor, 'yamagata', '最初のメッセージです');
  await s.residentWrites('yamagata', '続けて書きます', userId);
  await appliedMessages(counsellor, id, 2);
  const tokens = await tokensOf(s, userId);
  assert.equal(tokens.length, 2);

  assert.equal((await counsellor.get(path(id))).status, 200);
  const [marked] = await calls(s, '/v2/bot/chat/markAsRead', 1);
  assert.equal(marked.channel, 'yamagata');
  assert.equal(marked.authorization, 'valid');
  assert.deepEqual(marked.body, { markAsReadToken: tokens[1] });
  assert.equal(marked.status, 200);
  await waitFor(async () => (await signalCount(s, 'read', 'sent')) === 1, 10_000);
  // The simulator shows both messages read.
  const conversation = await s.fakeGet(`/_fake/conversation?userId=${userId}`);
  assert.deepEqual(conversation.filter((e) => e.direction === 'in').map((e) => e.read), [true, true]);

  // Opened again: the decision (already marked) is taken before the answer, so nothing is in flight.
  const skipped = await signalCount(s, 'read', 'skipped');
  assert.equal((await counsellor.get(path(id))).status, 200);
  assert.equal(await signalCount(s, 'read', 'skipped'), skipped + 1);
  assert.equal((await calls(s, '/v2/bot/chat/markAsRead')).length, 1);

  // A newer message and a background refetch (not a person reading): no mark; the next opening marks it.
  await s.residentWrites('yamagata', '三通目です', userId);
  await appliedMessages(counsellor, id, 1);
  assert.equal((await counsellor.get(path(id), background)).status, 200);
  assert.equal((await counsellor.get(path(id))).status, 200);
  assert.equal(await signalCount(s, 'read', 'skipped'), skipped + 1, 'the background refetch marked nothing');
  const both = await calls(s, '/v2/bot/chat/markAsRead', 2);
  assert.equal(both.length, 2);
  assert.equal(both[1].body.markAsReadToken, (await tokensOf(s, userId))[2]);
});

test('never (tendo\'s channel, the default): opening and typing send no read mark', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'tendo', 'counsellor');
  const { id } = await newConsultation(s, counsellor, 'tendo', 'てんどうから相談です');
  assert.equal((await counsellor.get(path(id))).status, 200);
  assert.equal((await counsellor.post(path(id, 'claim'))).status, 200);
  assert.equal((await counsellor.post(path(id, 'typing'))).status, 204);
  // The loading animation (sent after any read mark would have been) arrives; no read mark did.
  await calls(s, '/v2/bot/chat/loading/start', 1, 'tendo');
  assert.equal((await calls(s, '/v2/bot/chat/markAsRead', 0, 'tendo')).length, 0);
});

test('typing: the holder starts the loading animation at most once per 20 s; it marks the newest message read', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const { id, userId } = await newConsultation(s, counsellor, 'yamagata', '聞いてもらえますか');
  assert.equal((await counsellor.post(path(id, 'claim'))).status, 200);
  const before = (await calls(s, '/v2/bot/chat/loading/start')).length;
  const answer = await counsellor.post(path(id, 'typing'));
  assert.equal(answer.status, 204);
  assert.equal(answer.text, '');
  const started = await calls(s, '/v2/bot/chat/loading/start', before + 1);
  const mine = started.filter((c) => c.body.chatId === userId);
  assert.equal(mine.length, 1);
  assert.deepEqual(mine[0].body, { chatId: userId, loadingSeconds: 20 });
  assert.equal(mine[0].status, 202);
  // The simulator shows the dots until then.
  const resident = (await s.fakeGet('/_fake/residents')).find((r) => r.userId === userId);
  assert.ok(Date.parse(resident.loadingUntil) > Date.now());
  // The resident was read too (typing answers what one has before one), without opening it again.
  const [token] = await tokensOf(s, userId);
  await waitFor(async () => (await calls(s, '/v2/bot/chat/markAsRead'))
    .some((c) => c.body.markAsReadToken === token && c.status === 200), 10_000);

  // Typing on: throttled (decided before the answer), nothing more sent.
  const throttled = await signalCount(s, 'typing', 'throttled');
  assert.equal((await counsellor.post(path(id, 'typing'))).status, 204);
  assert.equal((await counsellor.post(path(id, 'typing'))).status, 204);
  assert.equal(await signalCount(s, 'typing', 'throttled'), throttled + 2);
  assert.equal((await calls(s, '/v2/bot/chat/loading/start')).filter((c) => c.body.chatId === userId).length, 1);
});

test('typing is refused like a reply: not the holder 409, closed 409, another tenant 404', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const colleague = await as(s, 'yamagata', 'counsellor2');
  const supervisor = await as(s, 'yamagata', 'supervisor');
  const { id } = await newConsultation(s, counsellor, 'yamagata', 'だれか聞いてください');
  assertRefused(await counsellor.post(path(id, 'typing')), 409, 'conflict', 'not_holder');
  assert.equal((await counsellor.post(path(id, 'claim'))).status, 200);
  assertRefused(await colleague.post(path(id, 'typing')), 409, 'conflict', 'not_holder');
  assertRefused(await supervisor.post(path(id, 'typing')), 409, 'conflict', 'not_holder');
  const tendo = await as(s, 'tendo', 'counsellor');
  assertError(await tendo.post(path(id, 'typing')), 404, 'not_found');
  assertError(await counsellor.post(path('00000000-0000-4000-8000-000000000000', 'typing')), 404, 'not_found');
  assertError(await counsellor.post(path('not-a-uuid', 'typing')), 404, 'not_found');
  assert.equal((await counsellor.post(path(id, 'typing'))).status, 204);
  assert.equal((await counsellor.post(path(id, 'close'))).status, 200);
  assertRefused(await counsellor.post(path(id, 'typing')), 409, 'conflict', 'consultation_closed');
});
