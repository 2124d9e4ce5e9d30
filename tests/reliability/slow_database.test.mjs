// A slow database: every INSERT into inbox_event is held for seconds by a statement-level
// trigger (pg_sleep), under load from the benchmark's generator (tests/bench/webhook_load) at a fixed
// rate. LINE gives a webhook 2 s: yorisoi must keep answering within that — 200 once the request is in
// PostgreSQL or, past its ingest deadline, in the fsynced spool — or answer 503 so that LINE
// redelivers. When the delay is lifted the spool drains, and every event that got a 200 is in
// inbox_event exactly once. (A held statement runs into yorisoi's statement_timeout, 1.5 s, and is
// cancelled; its events are answered from the spool and replayed once statements are quick again.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startStack, waitFor } from '../support/harness/index.mjs';
import { startLoad, storedCounts } from './bench_load.mjs';
import { recordFigures } from './figures.mjs';

const rate = 100;            // webhooks a second from the generator
const normalMs = 2000;       // before the delay
const slowMs = 6000;         // with the delay
const delayMs = 3000;        // each INSERT statement into inbox_event, while slow
const lineDeadlineMs = 2000; // LINE's limit for a webhook's answer

const pause = (ms) => new Promise((done) => setTimeout(done, ms));

// The delay, installed by the test as the cluster's superuser: a table holding the current delay
// and a BEFORE … FOR EACH STATEMENT trigger that sleeps that long (a statement delay inside the
// server, on the webhook's own INSERT — and on the spool replay's).
async function installDelay(stack) {
  await stack.sql(`
    CREATE TABLE test_statement_delay (ms integer NOT NULL);
    INSERT INTO test_statement_delay VALUES (0);
    CREATE FUNCTION test_statement_delay() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
    DECLARE wait_ms integer;
    BEGIN
      SELECT ms INTO wait_ms FROM test_statement_delay;
      IF wait_ms > 0 THEN PERFORM pg_sleep(wait_ms / 1000.0); END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER test_statement_delay BEFORE INSERT ON inbox_event
      FOR EACH STATEMENT EXECUTE FUNCTION test_statement_delay();`);
}

async function readyz(stack) {
  const response = await fetch(`${stack.baseUrl}/readyz`).catch(() => null);
  return response ? { status: response.status, json: await response.json().catch(() => ({})) } : null;
}

test('slow database: every webhook answered within 2 s (200 or 503), every 200 stored once', { timeout: 120_000 },
  async () => {
    const stack = await startStack({ users: false });
    try {
      await installDelay(stack);
      const load = startLoad({
        port: stack.instances[0].port, secret: stack.secrets.YAMAGATA_LINE_CHANNEL_SECRET, dir: stack.dir,
        name: 'slow-db', rate, seconds: (normalMs + slowMs + normalMs) / 1000, connections: 64,
        idPrefix: `slowdb-${Date.now()}-`,
      });

      await pause(normalMs);
      await stack.sql(`UPDATE test_statement_delay SET ms = ${delayMs}`);
      const slowFrom = Date.now();
      let maxDepth = 0;
      let notReady = 0;
      while (Date.now() - slowFrom < slowMs) {
        const ready = await readyz(stack);
        maxDepth = Math.max(maxDepth, ready?.json?.spool?.records ?? 0);
        notReady += ready?.status === 200 ? 0 : 1;
        await pause(200);
      }
      await stack.sql('UPDATE test_statement_delay SET ms = 0');
      const { summary, ackedIds } = await load.done;

      // The spool drains once statements are quick again.
      const liftedAt = Date.now();
      await waitFor(async () => (await readyz(stack))?.json?.spool?.records === 0, 60_000)
        .catch((error) => { throw new Error(`spool not drained: ${error.message}\n${stack.log(0)}`); });
      const drainMs = Date.now() - liftedAt;

      const counts = await storedCounts(stack, ackedIds);
      const lost = ackedIds.filter((id) => !counts.has(id));
      const doubled = ackedIds.filter((id) => counts.get(id) > 1);
      const maxLatencyMs = summary.latency_us.max / 1000;
      recordFigures({
        test: 'slow_database', faults_injected: 1, faults_survived: lost.length === 0 ? 1 : 0,
        sent: summary.sent, acked: ackedIds.length, stored: ackedIds.length - lost.length, lost: lost.length,
        doubled: doubled.length, answered_5xx: summary.status_5xx, max_answer_ms: Math.round(maxLatencyMs),
        p99_answer_ms: Math.round(summary.latency_us.p99 / 1000), statement_delay_ms: delayMs,
        max_spool_depth: maxDepth, drained_ms: drainMs, readyz_not_200: notReady,
      });

      assert.ok(summary.sent > 0 && summary.responses === summary.sent,
        `every request answered: ${JSON.stringify(summary)}`);
      assert.equal(summary.errors, 0, 'no connection error or timeout');
      assert.equal(summary.status_4xx + summary.status_3xx + summary.status_other, 0, JSON.stringify(summary));
      assert.ok(maxLatencyMs < lineDeadlineMs, `slowest answer ${maxLatencyMs} ms (LINE waits 2 s)`);
      assert.ok(maxDepth > 0, 'the slow statements sent webhooks to the spool');
      assert.ok(ackedIds.length > 0, 'some webhooks answered 200');
      assert.deepEqual(lost, [], 'every 200\'d event is in inbox_event');
      assert.deepEqual(doubled, [], 'no event stored twice');
      // Nothing is left behind: every stored event gets processed.
      await waitFor(async () => Number((await stack.sql(
        'SELECT count(*) FROM inbox_event WHERE processed_at IS NULL'))[0][0]) === 0, 30_000);
    } finally {
      await stack.stop({ keepDir: Boolean(process.env.YORISOI_KEEP_TMP) });
    }
  });
