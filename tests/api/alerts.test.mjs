// The on-call alert ([tenant.alert]): outside staffed hours a crisis message makes the consultation
// urgent and yorisoi POSTs one signed alert to the tenant's receiver — here a local HTTP server started
// by the test (loopback, port 0). The body names the consultation and the console's resident label,
// never the resident's text or LINE user id; the signature verifies with the secret over
// timestamp + "." + body; a 500 is retried and the alert delivered exactly once; nothing while staffed.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { after, test } from 'node:test';

import { startStack } from '../support/harness/index.mjs';
import { as, newConsultation, skipUnlessReady, waitFor } from './support.mjs';

// The on-call receiver: records every request; answers each with the next scripted status (200 once
// the script is empty) and counts what it accepted per X-Yorisoi-Alert-Id.
function startReceiver() {
  const receiver = { requests: [], script: [], accepted: new Map(), server: null, url: '' };
  receiver.server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const status = receiver.script.shift() ?? 200;
      receiver.requests.push({ method: req.method, path: req.url, headers: req.headers, raw, status });
      if (status === 200) {
        const id = req.headers['x-yorisoi-alert-id'];
        receiver.accepted.set(id, (receiver.accepted.get(id) ?? 0) + 1);
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"ok":true}' : '{"error":"try later"}');
    });
  });
  return new Promise((resolve) => {
    receiver.server.listen(0, '127.0.0.1', () => {
      receiver.url = `http://127.0.0.1:${receiver.server.address().port}/oncall`;
      resolve(receiver);
    });
  });
}

// One stack and one receiver per schedule, started on first use.
const stacks = {};
async function stackFor(staffed) {
  if (!stacks[staffed]) {
    const receiver = await startReceiver();
    try {
      stacks[staffed] = { stack: await startStack({ staffed, alert: { url: receiver.url } }), receiver };
    } catch (error) {
      receiver.server.close();
      throw error;
    }
  }
  return stacks[staffed];
}

after(async () => {
  for (const { stack, receiver } of Object.values(stacks)) {
    await stack.stop();
    receiver.server.closeAllConnections();
    receiver.server.close();
  }
}, { timeout: 20_000 });

function verifies(secret, request) {
  const timestamp = request.headers['x-yorisoi-timestamp'];
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${request.raw}`).digest('hex')}`;
  return request.headers['x-yorisoi-signature'] === expected;
}

async function alertRow(stack, consultationId) {
  const rows = await stack.sql(
    `SELECT state, attempts, kind FROM alert WHERE consultation_id = '${consultationId}'`);
  return rows.map(([state, attempts, kind]) => ({ state, attempts: Number(attempts), kind }));
}

test('off-hours: 「もう死にたい」 sends one signed alert without the text or the LINE id', { timeout: 60_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const { stack: s, receiver } = await stackFor('never');
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const text = 'もう死にたい';
  const { id, userId, item } = await newConsultation(s, counsellor, 'yamagata', text);
  assert.equal(item.urgent, true);
  await waitFor(async () => (await alertRow(s, id))[0]?.state === 'sent', 15_000);
  assert.equal(receiver.requests.length, 1, 'exactly one POST');
  const request = receiver.requests[0];
  assert.equal(request.method, 'POST');
  assert.equal(request.path, '/oncall');
  assert.match(request.headers['content-type'], /^application\/json/);
  assert.match(request.headers['x-yorisoi-timestamp'], /^\d{10}$/);
  assert.ok(verifies(s.secrets.YAMAGATA_ALERT_SECRET, request), 'the signature verifies with the secret');
  assert.ok(!verifies('some-other-secret-value', request));
  const body = JSON.parse(request.raw);
  assert.equal(body.type, 'yorisoi.alert');
  assert.equal(body.tenant, 'yamagata');
  assert.equal(body.kind, 'urgent');
  assert.equal(body.consultation_id, id);
  assert.equal(body.resident, item.resident_label);
  assert.match(body.resident, /^R-[0-9A-F]{6}$/);
  assert.equal(body.alert_id, request.headers['x-yorisoi-alert-id']);
  assert.match(body.at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.equal(body.console_url, `http://127.0.0.1:8080/console/#/c/${id}`);
  assert.ok(!request.raw.includes(text), 'no resident text');
  assert.ok(!request.raw.includes('死にたい'));
  assert.ok(!request.raw.includes(userId), 'no LINE user id');
  assert.ok(!JSON.stringify(request.headers).includes(userId));

  // Writing again in the same off-hours stretch pages nobody again.
  await s.residentWrites('yamagata', 'やっぱり死にたい', userId);
  await waitFor(async () => Number((await s.sql(
    `SELECT count(*) FROM message WHERE consultation_id = '${id}' AND direction = 'in'`))[0][0]) === 2, 10_000);
  assert.equal((await alertRow(s, id)).length, 1);
  assert.equal(receiver.requests.length, 1);
  // The log names the alert by ids only.
  assert.ok(!s.log(0, 400).includes(userId));
});

test('a 500 from the receiver is retried and the alert accepted exactly once', { timeout: 60_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const { stack: s, receiver } = await stackFor('never');
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const before = receiver.requests.length;
  receiver.script.push(500);
  const { id } = await newConsultation(s, counsellor, 'yamagata', '死にたい');
  await waitFor(async () => (await alertRow(s, id))[0]?.state === 'sent', 20_000);
  const mine = receiver.requests.slice(before);
  assert.deepEqual(mine.map((r) => r.status), [500, 200]);
  const alertId = mine[0].headers['x-yorisoi-alert-id'];
  assert.equal(mine[1].headers['x-yorisoi-alert-id'], alertId, 'the same idempotency key on the retry');
  assert.equal(mine[1].raw, mine[0].raw, 'the same body');
  assert.ok(mine.every((r) => verifies(s.secrets.YAMAGATA_ALERT_SECRET, r)));
  assert.equal(receiver.accepted.get(alertId), 1);
  assert.deepEqual(await alertRow(s, id), [{ state: 'sent', attempts: 2, kind: 'urgent' }]);
  const metrics = await (await fetch(`${s.baseUrl}/metrics`)).text();
  assert.match(metrics, /yorisoi_alert_sends_total\{outcome="retried"\} 1\b/);
  assert.match(metrics, /yorisoi_alert_sends_total\{outcome="sent"\} 2\b/);
  assert.match(metrics, /yorisoi_alert_sends_total\{outcome="failed"\} 0\b/);
});

test('staffed hours: an urgent message sends no alert', { timeout: 60_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const { stack: s, receiver } = await stackFor('always');
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const { id, item } = await newConsultation(s, counsellor, 'yamagata', 'もう死にたい');
  assert.equal(item.urgent, true);
  assert.equal(item.arrival, 'staffed');
  // The alert would have been written in the transaction that made the consultation urgent.
  assert.deepEqual(await alertRow(s, id), []);
  assert.equal(Number((await s.sql('SELECT count(*) FROM alert'))[0][0]), 0);
  assert.equal(receiver.requests.length, 0);
});
