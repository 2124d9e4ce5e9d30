// Two yorisoi instances on one database: events cross instances through LISTEN/NOTIFY.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { as, closeStream, newConsultation, openStream, skipUnlessReady, useStack, waitFor } from './support.mjs';

const stack = useStack({ instances: 2 });

test('a message received by instance A appears on a socket connected to instance B', async (t) => {
  if (skipUnlessReady(t)) return;
  const onB = await as(stack(), 'yamagata', 'counsellor', 1);
  const stream = await openStream(onB);
  try {
    // The fake LINE platform sends webhooks to instance 0 (A).
    const { id } = await newConsultation(stack(), onB, 'yamagata');
    const event = await waitFor(() => stream.events.find((e) => e.consultation_id === id), 5000);
    assert.equal(event.kind === 'message' || event.kind === 'queue', true);
  } finally {
    await closeStream(stream);
  }
});

test('a session made on A is valid on B, and logout everywhere on A closes a socket on B', async (t) => {
  if (skipUnlessReady(t)) return;
  const onA = await as(stack(), 'yamagata', 'supervisor', 0);
  const onB = await as(stack(), 'yamagata', 'supervisor', 1);
  const stream = await openStream(onB);
  assert.equal((await onA.post('/api/v1/session/logout-everywhere')).status, 204);
  const closed = await Promise.race([stream.closedPromise, new Promise((r) => setTimeout(() => r(null), 3000))]);
  assert.equal(closed?.code, 4401);
});
