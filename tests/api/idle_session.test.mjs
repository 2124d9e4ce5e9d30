// The idle limit counts what a person does, not what the console does by itself: background requests
// (X-Yorisoi-Background: 1, the console's refetches after live events and its timers) and an open
// WebSocket do not keep a session alive; foreground requests do. The stack uses a 4-second idle limit
// (idle_seconds_for_tests), so these tests wait a few seconds of real time.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { as, assertError, closeStream, openStream, skipUnlessReady, useStack } from './support.mjs';

const idleSeconds = 4;
const stack = useStack({ serverExtra: `[server.sessions]\nidle_seconds_for_tests = ${idleSeconds}\n` });
const background = { headers: { 'x-yorisoi-background': '1' } };

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

test('background requests alone let the session go idle', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = await as(stack(), 'yamagata', 'counsellor');
  const started = Date.now();
  let last = null;
  // One background refetch a second, like a console following live events, for well past the limit.
  while (Date.now() - started < (idleSeconds + 3) * 1000) {
    last = await client.get('/api/v1/queue/counts', background);
    if (last.status === 401) {
      break;
    }
    assert.equal(last.status, 200, last.text);
    await pause(1000);
  }
  assertError(last, 401, 'unauthenticated');
  assert.ok(Date.now() - started >= (idleSeconds - 1) * 1000, 'not before the idle limit');
  // Gone for good: a foreground request cannot bring it back.
  assertError(await client.get('/api/v1/session'), 401, 'unauthenticated');
});

test('foreground requests keep the session alive past the idle limit', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = await as(stack(), 'yamagata', 'counsellor');
  const started = Date.now();
  while (Date.now() - started < (idleSeconds + 3) * 1000) {
    const answer = await client.get('/api/v1/queue/counts');
    assert.equal(answer.status, 200, `${answer.status} after ${Date.now() - started} ms`);
    await pause(1000);
  }
});

test('an open WebSocket closes with 4401 once its session went idle, and does not keep it alive', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = await as(stack(), 'yamagata', 'counsellor');
  const stream = await openStream(client);
  const opened = Date.now();
  const closed = await Promise.race([stream.closedPromise, pause((idleSeconds + 6) * 1000).then(() => null)]);
  if (!closed) {
    await closeStream(stream);
  }
  assert.ok(closed, 'the socket was closed by the server');
  assert.equal(closed.code, 4401);
  assert.ok(closed.at - opened >= (idleSeconds - 1) * 1000, 'not before the idle limit');
  assertError(await client.get('/api/v1/session'), 401, 'unauthenticated');
});
