// Two yorisoi instances behind HAProxy (deploy/haproxy/haproxy.cfg) on one database. Webhooks flow
// through HAProxy at a steady rate (the ordered senders below, redelivering like LINE, plus the
// benchmark's generator webhook_load at 50 webhooks a second, which does not redeliver); mid-run
// instance 0 gets SIGKILL. Then:
//   - every webhook event that got a 200 is in inbox_event exactly once (lost = 0), and every event is
//     eventually answered 200 (the sender redelivers like LINE does) and processed;
//   - the other instance kept serving: 200s after the kill;
//   - outbox sending was taken over: replies queued after the kill are delivered exactly once (counted
//     on the fake platform by X-Line-Retry-Key);
//   - console events still arrive: two WebSockets through HAProxy (least connections puts one on each
//     instance), reconnecting like the console page, both get the message event of every webhook
//     sent after the kill; the one whose instance died reconnected.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { client, startStack, waitFor } from '../support/harness/index.mjs';
import { startLoad, storedCounts } from './bench_load.mjs';
import { ConsoleStream } from './console_stream.mjs';
import { recordFigures } from './figures.mjs';
import { Haproxy } from './haproxy.mjs';

const residents = 5;          // senders share a few residents: a few consultations, many messages
const intervalMs = 40;        // 25 webhooks a second
const beforeKillMs = 2500;
const afterKillMs = 4000;
const redeliveries = 8;       // LINE redelivers an event that was not answered 200
const repliesAfterKill = 6;

// One LINE event, sent through the fake (which signs it) and redelivered until yorisoi answers 200.
async function deliverEvent(stack, record) {
  for (let attempt = 0; attempt <= redeliveries; ++attempt) {
    const body = { channel: 'yamagata', event: 'message', text: record.text, userId: record.userId };
    if (record.webhookEventId) {
      Object.assign(body, { webhookEventId: record.webhookEventId, redelivery: true });
    }
    const started = Date.now();
    let answer;
    try {
      answer = await stack.fakePost('/_fake/webhook', body);
    } catch (error) {
      answer = { status: 0, json: { error: error.message } };
    }
    record.webhookEventId ??= answer.json?.webhookEventId;
    const status = answer.status === 200 ? answer.json.status : 0;
    record.answers.push({ status, at: started });
    if (status === 200) {
      record.ackedAt = started;
      return;
    }
    await new Promise((r) => setTimeout(r, 150 * (attempt + 1)));
  }
}

test('SIGKILL of one instance behind HAProxy: nothing 200\'d lost, the other serves, sends and streams', { timeout: 120_000 }, async () => {
  const stack = await startStack({ instances: 2, users: false });
  const haproxy = new Haproxy(stack.dir);
  const streams = [];
  try {
    await haproxy.start(stack.instances.map((i) => `127.0.0.1:${i.port}`));
    // From now on the fake LINE platform's webhooks go through HAProxy's webhook frontend.
    await stack.fakePost('/_fake/config', { yorisoi: haproxy.webhookBaseUrl });

    // Neither public frontend serves /metrics or /readyz (the health checks ask the instances
    // directly), and webhooks have their own frontend.
    for (const base of [haproxy.baseUrl, haproxy.webhookBaseUrl]) {
      for (const path of ['/metrics', '/readyz']) {
        assert.equal((await client(base).get(path)).status, 404, `${base}${path}`);
      }
    }
    assert.equal((await client(haproxy.baseUrl).post('/webhook/line/yamagata', {})).status, 404,
      'webhooks only through the webhook frontend');
    assert.equal((await client(haproxy.webhookBaseUrl).get('/console/')).status, 404,
      'the console only through the console frontend');

    const counsellorUser = await stack.addUser({
      tenant: 'yamagata', login: 'failover-counsellor', name: '相談員F', role: 'counsellor',
      password: 'failover-password-1234',
    });
    const counsellor = client(haproxy.baseUrl);
    await counsellor.loginOk(counsellorUser.login, counsellorUser.password);
    for (let k = 0; k < 2; ++k) {
      const stream = new ConsoleStream(counsellor);
      await stream.start();
      streams.push(stream);
    }

    // The residents exist first (their first message opens their consultation).
    const pool = [];
    for (let r = 0; r < residents; ++r) {
      pool.push((await stack.residentWrites('yamagata', `failover-hello-${r}`)).userId);
    }

    const generator = startLoad({
      port: haproxy.webhookPort, secret: stack.secrets.YAMAGATA_LINE_CHANNEL_SECRET, dir: stack.dir, name: 'failover',
      rate: 50, seconds: (beforeKillMs + afterKillMs) / 1000, connections: 16, users: 16,
      idPrefix: `failover-load-${Date.now()}-`,
    });
    const records = [];
    const pending = [];
    let killAt = null;
    const started = Date.now();
    let n = 0;
    // A steady rate: each event is sent on its tick whatever happens to earlier ones.
    await new Promise((done) => {
      const timer = setInterval(() => {
        const elapsed = Date.now() - started;
        if (killAt === null && elapsed >= beforeKillMs) {
          killAt = Date.now();
          stack.instances[0].proc.child.kill('SIGKILL');
        }
        if (elapsed >= beforeKillMs + afterKillMs) {
          clearInterval(timer);
          done();
          return;
        }
        const record = { n, text: `failover-${n}`, userId: pool[n % residents], sentAt: Date.now(),
          afterKill: killAt !== null, webhookEventId: null, answers: [], ackedAt: null };
        ++n;
        records.push(record);
        pending.push(deliverEvent(stack, record));
      }, intervalMs);
    });

    // Replies queued after the kill (on the survivor, through HAProxy): claim a few consultations.
    const queue = await counsellor.get('/api/v1/queue?view=open');
    assert.equal(queue.status, 200, queue.text);
    const targets = queue.json.items.slice(0, 3).map((i) => i.consultation_id);
    assert.ok(targets.length > 0, 'consultations in the queue');
    const replies = [];
    for (const id of targets) {
      assert.equal((await counsellor.post(`/api/v1/consultations/${id}/claim`)).status, 200);
    }
    for (let k = 0; k < repliesAfterKill; ++k) {
      const text = `failover-reply-${k}`;
      const sent = await counsellor.post(`/api/v1/consultations/${targets[k % targets.length]}/messages`, { text });
      assert.equal(sent.status, 201, sent.text);
      replies.push({ id: sent.json.message_id, consultation: targets[k % targets.length], text });
    }
    await Promise.all(pending);
    const generated = await generator.done;

    // 1. Every event that got a 200 is stored exactly once; every event got a 200 in the end.
    const acked = records.filter((r) => r.ackedAt !== null);
    const rows = await stack.sql('SELECT webhook_event_id, count(*) FROM inbox_event GROUP BY webhook_event_id');
    const stored = new Map(rows.map(([id, count]) => [id, Number(count)]));
    const lost = acked.filter((r) => !stored.has(r.webhookEventId));
    const doubled = acked.filter((r) => (stored.get(r.webhookEventId) ?? 0) > 1);
    assert.equal(lost.length, 0, `200'd events missing from the database: ${lost.map((r) => r.n)}`);
    assert.equal(doubled.length, 0, 'an event stored twice');
    const generatorCounts = await storedCounts(stack, generated.ackedIds);
    const generatorLost = generated.ackedIds.filter((id) => !generatorCounts.has(id));
    assert.ok(generated.ackedIds.length > 0, 'the generator\'s webhooks got 200s');
    assert.deepEqual(generatorLost, [], 'generator events answered 200 but missing from the database');
    assert.deepEqual(generated.ackedIds.filter((id) => generatorCounts.get(id) > 1), [], 'stored twice');
    assert.equal(acked.length, records.length, `events never answered 200 after ${redeliveries} redeliveries: ${
      records.filter((r) => r.ackedAt === null).map((r) => r.n)}\n${haproxy.log()}`);

    // 2. The survivor kept serving.
    const firstAnswers = records.map((r) => r.answers[0]);
    const okAfterKill = records.filter((r) => r.afterKill && r.answers.some((a) => a.status === 200)).length;
    assert.ok(okAfterKill > 0, 'webhooks answered 200 after the kill');

    // Everything stored gets processed, including what the dead instance had taken but not finished.
    await waitFor(async () => Number((await stack.sql(
      'SELECT count(*) FROM inbox_event WHERE processed_at IS NULL'))[0][0]) === 0, 20_000)
      .catch((error) => { throw new Error(`inbox not drained: ${error.message}\n${stack.log(1)}`); });

    // 3. Replies queued after the kill: delivered, each exactly once.
    await waitFor(async () => {
      for (const id of targets) {
        const detail = await counsellor.get(`/api/v1/consultations/${id}`);
        const mine = detail.json.messages.filter((m) => replies.some((r) => r.id === m.message_id));
        if (mine.some((m) => m.delivery !== 'sent')) {
          return false;
        }
      }
      return true;
    }, 20_000).catch((error) => { throw new Error(`replies not sent: ${error.message}\n${stack.log(1)}`); });
    const pushes = await stack.fakeGet('/_fake/calls?path=/v2/bot/message/push');
    const deliveries = await stack.fakeGet('/_fake/deliveries?via=push');
    for (const reply of replies) {
      const delivered = deliveries.filter((d) => d.message?.text === reply.text);
      assert.equal(delivered.length, 1, `reply ${reply.text} delivered ${delivered.length} times`);
    }
    // No retry key delivered twice, whichever instance sent it.
    const accepted = pushes.filter((c) => c.status === 200 && c.retry_key);
    const keys = accepted.map((c) => c.retry_key);
    assert.equal(new Set(keys).size, keys.length, 'a retry key accepted twice');

    // 4. Console events: the message event of every webhook sent after the kill reached the socket.
    const afterKill = records.filter((r) => r.afterKill);
    const byText = new Map();
    for (const id of new Set(queue.json.items.map((i) => i.consultation_id))) {
      const detail = await counsellor.get(`/api/v1/consultations/${id}`);
      for (const m of detail.json.messages) {
        byText.set(m.text, m.message_id);
      }
    }
    const missedOn = (stream) => {
      const seen = new Set(stream.events.filter((e) => e.kind === 'message').map((e) => e.message_id));
      return afterKill.filter((r) => !seen.has(byText.get(r.text)));
    };
    await waitFor(() => streams.every((stream) => missedOn(stream).length === 0), 10_000).catch(() => {});
    for (const [k, stream] of streams.entries()) {
      assert.deepEqual(missedOn(stream).map((r) => r.n), [], `message events missing on socket ${k}`);
    }
    const reconnects = streams.reduce((sum, stream) => sum + stream.reconnects(), 0);
    assert.ok(reconnects >= 1, 'the socket on the killed instance reconnected (through HAProxy, to the survivor)');

    // Non-200 answers by status (0: the fake could not reach HAProxy); each was redelivered.
    const non200 = {};
    for (const a of records.flatMap((r) => r.answers).filter((a) => a.status !== 200)) {
      non200[a.status] = (non200[a.status] ?? 0) + 1;
    }
    recordFigures({
      test: 'haproxy_failover',
      faults_injected: 1,
      faults_survived: 1,
      sent: records.length + generated.summary.sent,
      acked: acked.length + generated.ackedIds.length,
      stored: acked.filter((r) => stored.has(r.webhookEventId)).length
        + generated.ackedIds.filter((id) => generatorCounts.has(id)).length,
      lost: lost.length + generatorLost.length,
      generator_sent: generated.summary.sent,
      generator_acked: generated.ackedIds.length,
      generator_5xx: generated.summary.status_5xx,
      first_try_200: firstAnswers.filter((a) => a.status === 200).length,
      non_200_answers: Object.entries(non200).map(([status, count]) => `${count}x${status}`).join('+') || 0,
      acked_after_kill: okAfterKill,
      replies_after_kill: replies.length,
      replies_delivered_once: replies.length,
      ws_events_after_kill: streams.map((stream) => afterKill.length - missedOn(stream).length).join('+'),
      ws_reconnects: reconnects,
    });
  } finally {
    streams.forEach((stream) => stream.stop());
    await haproxy.stop();
    await stack.stop();
  }
});
