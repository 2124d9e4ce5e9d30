// Webhook events older than the tenant's retention period (the window in which a redelivery is still
// recognised by its webhookEventId) are answered 200 but not stored, and counted in /metrics. This
// stack runs without accept_stale_events_for_replay, as production does.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';

import { skipUnlessReady, useStack, waitFor } from './support.mjs';

const stack = useStack({ acceptStaleEvents: false, users: false });

function messageEvent(id, timestamp) {
  return {
    type: 'message', mode: 'active', timestamp, webhookEventId: id,
    deliveryContext: { isRedelivery: true }, source: { type: 'user', userId: 'U5ta1e0000000000000000000000000001' },
    replyToken: `reply-${id}`, message: { id: `m-${id}`, type: 'text', text: 'こんばんは' },
  };
}

async function postSigned(events) {
  const body = JSON.stringify({ destination: 'U0', events });
  const signature = createHmac('sha256', stack().secrets.YAMAGATA_LINE_CHANNEL_SECRET).update(body).digest('base64');
  const answer = await stack().client().post('/webhook/line/yamagata', undefined, {
    raw: body, headers: { 'x-line-signature': signature },
  });
  return answer.status;
}

async function staleCount() {
  const text = (await stack().client().get('/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith('yorisoi_webhook_stale_events_total'));
  assert.ok(line, 'the counter is exported');
  return Number(line.split(' ').at(-1));
}

async function stored(id) {
  const rows = await stack().sql(`SELECT count(*) FROM inbox_event WHERE webhook_event_id = '${id}'`);
  return Number(rows[0][0]);
}

test('an event older than the retention is answered 200, dropped and counted; a fresh one beside it is stored', async (t) => {
  if (skipUnlessReady(t)) return;
  assert.equal(await staleCount(), 0);
  // The example tenant keeps 1825 days: an event of 2019 is past it, one of a minute ago is not.
  const old = Date.UTC(2019, 0, 15, 12, 0, 0);
  const fresh = Date.now() - 60_000;
  assert.equal(await postSigned([messageEvent('01STALE0000000000000000001', old),
    messageEvent('01FRESH0000000000000000001', fresh)]), 200);
  await waitFor(async () => (await stored('01FRESH0000000000000000001')) === 1, 10_000);
  assert.equal(await stored('01STALE0000000000000000001'), 0);
  assert.equal(await staleCount(), 1);

  // A request holding only stale events: 200 (LINE would redeliver a refusal for ever), nothing stored.
  assert.equal(await postSigned([messageEvent('01STALE0000000000000000002', old)]), 200);
  assert.equal(await stored('01STALE0000000000000000002'), 0);
  assert.equal(await staleCount(), 2);
});
