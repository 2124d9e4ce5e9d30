// PostgreSQL outages and the webhook spool. A private PostgreSQL cluster (stopped and started
// by this test, so not the shared one) and one yorisoi with a 1 MiB spool; residents write steadily
// through the fake LINE platform (which signs every webhook), each resident's next message only once
// the previous one got a 200 (so each resident has a well-defined arrival order), redelivering like
// LINE on anything else; during the outages of 1–3 the benchmark's generator (webhook_load) adds
// 50 signed webhooks a second from 32 more residents. Then:
//   1. PostgreSQL stopped with -m fast: webhooks keep getting 200, /metrics shows spool depth > 0;
//      started again: the depth returns to 0 (bounded wait);
//   2. the same with -m immediate;
//   3. an outage, then yorisoi SIGKILLed while it replays the spool, restarted on the same spool: drains;
//   3b. yorisoi restarted while PostgreSQL is down: it starts on the spool (ready, 200s), and migrates
//      and drains once PostgreSQL is back;
//   4. with PostgreSQL down, large webhooks fill the 1 MiB spool: 503 with Retry-After, nothing lost;
//   and at the end every webhookEventId that got a 200 (from the senders and the generator) is in
//   inbox_event exactly once, everything is processed, and each resident's events were processed in the order the resident wrote them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { repoRoot } from '../support/harness/config.mjs';
import { startStack, waitFor } from '../support/harness/index.mjs';
import { startLoad, storedCounts } from './bench_load.mjs';
import { recordFigures } from './figures.mjs';

const run = promisify(execFile);
const pgCluster = join(repoRoot, 'tests/support/pg-cluster.sh');

const residents = 4;
const intervalMs = 50;       // each resident writes about 20 times a second while answered at once
const outageMs = 2500;
const drainWithinMs = 40_000;
const spoolMaxBytes = 1024 * 1024;
const generatorRate = 50;    // webhook_load's webhooks a second during the outages

function httpCall(baseUrl, method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const payload = body === undefined ? undefined : Buffer.from(body);
    const req = httpRequest({
      host: url.hostname, port: url.port, path: url.pathname, method, agent: false,
      headers: payload ? { ...headers, 'content-length': payload.length } : headers,
    }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

// yorisoi_spool_records from /metrics (null when unreachable).
async function spoolRecords(baseUrl) {
  try {
    const metrics = await httpCall(baseUrl, 'GET', '/metrics');
    const line = metrics.text.split('\n').find((l) => l.startsWith('yorisoi_spool_records '));
    return line ? Number(line.split(' ')[1]) : null;
  } catch {
    return null;
  }
}

// Polls /readyz (which also wakes the replayer once the database answers) until the spool is empty.
async function awaitDrained(baseUrl, what) {
  const started = Date.now();
  await waitFor(async () => {
    try {
      const ready = await httpCall(baseUrl, 'GET', '/readyz');
      return JSON.parse(ready.text).spool?.records === 0;
    } catch {
      return false;
    }
  }, drainWithinMs).catch((error) => { throw new Error(`${what}: spool not drained: ${error.message}`); });
  return Date.now() - started;
}

test('PostgreSQL stopped (fast, immediate), yorisoi killed during replay, started without its database, spool full: every 200 stored once, in order',
  { timeout: 170_000 }, async () => {
    const clusterDir = mkdtempSync(join(tmpdir(), 'yorisoi-spool-pg-'));
    const admin = (await run(pgCluster, ['start', clusterDir], { timeout: 90_000 })).stdout.trim();
    const pgPort = (await run('cat', [join(clusterDir, 'port')])).stdout.trim();
    const pgStop = (mode) => run(pgCluster, ['stop', clusterDir], { env: { ...process.env, PG_STOP_MODE: mode }, timeout: 60_000 });
    const pgStart = () => run(pgCluster, ['start', clusterDir, pgPort], { timeout: 90_000 });
    const sharedAdmin = process.env.YORISOI_TEST_PG_URL;
    process.env.YORISOI_TEST_PG_URL = admin;  // the harness makes its scratch database here
    let stack = null;
    let sending = true;  // the senders' loops run until this is false
    try {
      stack = await startStack({ users: false, serverExtra: `[server.spool]\nmax_bytes = ${spoolMaxBytes}\n` });
      const baseUrl = () => stack.instances[0].baseUrl;

      // The steady senders: one loop per resident, stopped by `sending = false`.
      const sent = [];         // every message: {resident, k, webhookEventId, answers, ackedAt}
      const loops = [];
      const userIds = [];
      for (let r = 0; r < residents; ++r) {
        userIds.push((await stack.residentWrites('yamagata', `spool-hello-${r}`)).userId);
      }
      for (let r = 0; r < residents; ++r) {
        loops.push((async () => {
          for (let k = 0; sending; ++k) {
            const record = { resident: r, k, webhookEventId: null, answers: [], ackedAt: null };
            sent.push(record);
            for (let attempt = 0; record.ackedAt === null && sending; ++attempt) {
              const body = { channel: 'yamagata', event: 'message', text: `spool-${r}-${k}`, userId: userIds[r] };
              if (record.webhookEventId) {
                Object.assign(body, { webhookEventId: record.webhookEventId, redelivery: true });
              }
              let status = 0;
              try {
                const answer = await stack.fakePost('/_fake/webhook', body);
                record.webhookEventId ??= answer.json?.webhookEventId;
                status = answer.status === 200 ? answer.json.status ?? 0 : 0;
              } catch {
                status = 0;
              }
              record.answers.push(status);
              if (status === 200) {
                record.ackedAt = Date.now();
              } else {
                // LINE redelivers later; here sooner, and for as long as the test runs.
                await new Promise((done) => setTimeout(done, Math.min(100 * (attempt + 1), 1000)));
              }
            }
            await new Promise((done) => setTimeout(done, intervalMs));
          }
        })());
      }
      const pause = (ms) => new Promise((done) => setTimeout(done, ms));
      const acked = () => sent.filter((s) => s.ackedAt !== null).length;

      // The generator's load over the outages of 1 and 2, then over 3 (it targets the first process's
      // port: after the SIGKILL its requests fail and are not counted as acknowledged).
      const generator = (name, seconds) => startLoad({
        port: stack.instances[0].port, secret: stack.secrets.YAMAGATA_LINE_CHANNEL_SECRET, dir: stack.dir, name,
        rate: generatorRate, seconds, connections: 32, users: 32, idPrefix: `spool-${name}-${Date.now()}-`,
      });
      const loads = [generator('outages', 9)];

      // 1 and 2: outages with both shutdown modes.
      const outages = [];
      for (const mode of ['fast', 'immediate']) {
        await pause(1000);
        const before = acked();
        const stoppedAt = Date.now();
        await pgStop(mode);
        let maxDepth = 0;
        while (Date.now() - stoppedAt < outageMs) {
          maxDepth = Math.max(maxDepth, (await spoolRecords(baseUrl())) ?? 0);
          await pause(100);
        }
        const ackedDuring = acked() - before;
        await pgStart();
        const drainMs = await awaitDrained(baseUrl(), `after -m ${mode}`);
        assert.ok(ackedDuring > 0, `webhooks answered 200 while PostgreSQL was down (-m ${mode})`);
        assert.ok(maxDepth > 0, `/metrics showed spool depth > 0 during the outage (-m ${mode})`);
        outages.push({ mode, ackedDuring, maxDepth, drainMs });
      }

      // 3. SIGKILL during replay, restart on the same spool.
      await loads[0].done;
      loads.push(generator('kill', 5));
      await pause(500);
      await pgStop('fast');
      await pause(outageMs);
      const spooled = (await spoolRecords(baseUrl())) ?? 0;
      await pgStart();
      let depthAtKill = null;
      await waitFor(async () => {
        const ready = await httpCall(baseUrl(), 'GET', '/readyz').catch(() => null);
        const records = ready ? JSON.parse(ready.text).spool?.records : null;
        if (records !== null && records !== undefined && (records < spooled || records === 0)) {
          depthAtKill = records;
          return true;
        }
        return false;
      }, 20_000, 5);
      stack.instances[0].proc.child.kill('SIGKILL');
      await new Promise((done) => stack.instances[0].proc.child.once('exit', done));
      rmSync(join(stack.dir, 'yorisoi-0.port'), { force: true });  // the new process writes its own
      stack.instances[0] = await stack.startInstance(0);
      await stack.fakePost('/_fake/config', { yorisoi: baseUrl() });
      const restartDrainMs = await awaitDrained(baseUrl(), 'after the restart');

      // 3b. A restart while PostgreSQL is down: SIGTERM, start again without a database.
      await pause(500);
      await pgStop('fast');
      await stack.stopInstance(0);
      rmSync(join(stack.dir, 'yorisoi-0.port'), { force: true });
      const startedDownAt = Date.now();
      stack.instances[0] = await stack.startInstance(0);
      const startDownMs = Date.now() - startedDownAt;
      await stack.fakePost('/_fake/config', { yorisoi: baseUrl() });
      const ackedBeforeDown = acked();
      await waitFor(async () => acked() - ackedBeforeDown >= residents, 15_000)
        .catch((error) => { throw new Error(`no 200 from an instance started without its database: ${error.message}`); });
      const ackedWhileDown = acked() - ackedBeforeDown;
      const spooledWhileDown = sent.filter((m) => m.ackedAt !== null && m.ackedAt >= startedDownAt)
        .map((m) => m.webhookEventId);
      const databaseBackAt = Date.now();
      await pgStart();
      const drainAfterDownStartMs = await awaitDrained(baseUrl(), 'after starting without the database');
      // Replayed events keep the time they reached yorisoi (reply tokens, waits), not the replay's.
      const keptTime = await stack.sql(`SELECT count(*) FROM inbox_event WHERE webhook_event_id IN (${
        spooledWhileDown.map((id) => `'${id}'`).join(',')}) AND received_at < to_timestamp(${databaseBackAt / 1000})`);
      assert.equal(Number(keptTime[0][0]), spooledWhileDown.length, 'spooled events stored with their arrival time');

      const generated = await Promise.all(loads.map((l) => l.done));

      // 4. A full spool: large webhooks while PostgreSQL is down get 503 with Retry-After.
      sending = false;
      await Promise.all(loops);
      await pgStop('fast');
      const secret = stack.secrets.YAMAGATA_LINE_CHANNEL_SECRET;
      const bulky = [];
      let refused = null;
      for (let i = 0; i < 20 && refused === null; ++i) {
        const webhookEventId = `spool-bulk-${randomBytes(8).toString('hex')}`;
        const event = {
          type: 'message', mode: 'active', timestamp: Date.now(), webhookEventId,
          source: { type: 'user', userId: `U${randomBytes(16).toString('hex')}` },
          deliveryContext: { isRedelivery: false },
          message: { id: `${Date.now()}${i}`, type: 'text', text: `bulk ${i}` },
        };
        const body = JSON.stringify({ destination: 'Ubot', events: [event], padding: 'x'.repeat(200 * 1024) });
        const signature = createHmac('sha256', secret).update(body).digest('base64');
        const answer = await httpCall(baseUrl(), 'POST', '/webhook/line/yamagata', body,
          { 'content-type': 'application/json', 'x-line-signature': signature });
        if (answer.status === 200) {
          bulky.push(webhookEventId);
        } else {
          refused = answer;
        }
      }
      assert.ok(refused, 'the 1 MiB spool refused a webhook');
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '1');
      assert.ok(bulky.length >= 3, `large webhooks spooled before the spool was full: ${bulky.length}`);
      await pgStart();
      await awaitDrained(baseUrl(), 'after the full spool');

      // Every 200'd event exactly once; everything processed; each resident's events in order.
      const rows = await stack.sql(
        'SELECT webhook_event_id, count(*) FROM inbox_event GROUP BY webhook_event_id');
      const stored = new Map(rows.map(([id, count]) => [id, Number(count)]));
      const ackedIds = [...sent.filter((s) => s.ackedAt !== null).map((s) => s.webhookEventId), ...bulky];
      const generatorAcked = generated.flatMap((g) => g.ackedIds);
      const generatorCounts = await storedCounts(stack, generatorAcked);
      const lost = [...ackedIds.filter((id) => !stored.has(id)),
        ...generatorAcked.filter((id) => !generatorCounts.has(id))];
      const doubled = [...ackedIds.filter((id) => stored.get(id) > 1),
        ...generatorAcked.filter((id) => generatorCounts.get(id) > 1)];
      assert.ok(generatorAcked.length > 0, 'the generator\'s webhooks got 200s');
      assert.deepEqual(lost, [], '200\'d events missing from inbox_event');
      assert.deepEqual(doubled, [], 'events stored twice');
      await waitFor(async () => Number((await stack.sql(
        'SELECT count(*) FROM inbox_event WHERE processed_at IS NULL'))[0][0]) === 0, 30_000)
        .catch((error) => { throw new Error(`inbox not processed: ${error.message}\n${stack.log(0)}`); });
      const order = await stack.sql(
        "SELECT webhook_event_id FROM inbox_event WHERE event_type = 'message' ORDER BY seq");
      const position = new Map(order.map(([id], i) => [id, i]));
      let orderedResidents = 0;
      let crossOutage = 0;
      for (let r = 0; r < residents; ++r) {
        const mine = sent.filter((s) => s.resident === r && s.ackedAt !== null);
        const positions = mine.map((s) => position.get(s.webhookEventId));
        const sorted = [...positions].sort((a, b) => a - b);
        assert.deepEqual(positions, sorted, `resident ${r}'s events stored out of the order written`);
        orderedResidents += 1;
        crossOutage += mine.length;
      }

      const everyAnswer = sent.flatMap((s) => s.answers);
      recordFigures({
        test: 'spool_outage',
        faults_injected: 5,
        faults_survived: 5,
        sent: sent.length + bulky.length + 1 + generated.reduce((n, g) => n + g.summary.sent, 0),
        acked: ackedIds.length + generatorAcked.length,
        stored: ackedIds.filter((id) => stored.has(id)).length
          + generatorAcked.filter((id) => generatorCounts.has(id)).length,
        lost: lost.length,
        doubled: doubled.length,
        first_try_200: sent.filter((s) => s.answers[0] === 200).length,
        generator_sent: generated.map((g) => g.summary.sent).join('+'),
        generator_acked: generated.map((g) => g.ackedIds.length).join('+'),
        generator_p99_ms: generated.map((g) => Math.round(g.summary.latency_us.p99 / 1000)).join('+'),
        non_200_answers: everyAnswer.filter((a) => a !== 200).length,
        acked_during_fast: outages[0].ackedDuring,
        acked_during_immediate: outages[1].ackedDuring,
        max_depth: Math.max(...outages.map((o) => o.maxDepth)),
        drain_ms: outages.map((o) => o.drainMs).join('+'),
        spooled_before_kill: spooled,
        depth_at_kill: depthAtKill,
        drain_after_restart_ms: restartDrainMs,
        started_without_db_ms: startDownMs,
        acked_without_db: ackedWhileDown,
        drain_after_db_back_ms: drainAfterDownStartMs,
        full_spool_accepted: bulky.length,
        full_spool_503: refused.status === 503 ? 1 : 0,
        residents_in_order: `${orderedResidents}/${residents} (${crossOutage} messages)`,
      });
    } finally {
      sending = false;
      if (stack) {
        await pgStart().catch(() => {});
        await stack.stop().catch(() => {});
      }
      process.env.YORISOI_TEST_PG_URL = sharedAdmin;
      await run(pgCluster, ['stop', clusterDir]).catch(() => {});
      rmSync(clusterDir, { recursive: true, force: true });
    }
  });
