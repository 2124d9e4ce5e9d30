// Two yorisoi instances on one database share the inbox by partition (advisory locks per partition on
// each worker's connection); one is SIGKILLed while a backlog drains. The benchmark's generator
// (webhook_load) sends signed webhooks from 400 residents to the other instance for the whole run, so
// nothing it sends is lost with the killed process. A trigger in the test's database logs every
// marking of an inbox event as applied, with the applying transaction's id. Then:
//   - every event the generator got a 200 for is stored once and applied exactly once;
//   - each resident's events were applied in the order they were stored: along a resident's events in
//     (xid, seq) order, the applying transactions' ids never go backwards (a partition is applied by
//     one worker at a time, and passes to another only after the last commit);
//   - both instances applied a part before the kill (their /metrics), and the survivor holds every
//     partition after it (the time it took is printed, not asserted).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { client, startStack, waitFor } from '../support/harness/index.mjs';
import { startLoad, storedCounts } from './bench_load.mjs';
import { recordFigures } from './figures.mjs';

const rate = 1200;          // webhooks a second, more than two cores apply: a backlog builds up
const seconds = 8;
const killAfterMs = 3500;

const logApplied = `
  CREATE TABLE applied_log (event_id uuid NOT NULL, by_xid xid8 NOT NULL DEFAULT pg_current_xact_id());
  CREATE FUNCTION log_applied() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
  BEGIN
    IF OLD.processed_at IS NULL AND NEW.processed_at IS NOT NULL THEN
      INSERT INTO applied_log (event_id) VALUES (NEW.event_id);
    END IF;
    RETURN NULL;
  END $$;
  CREATE TRIGGER log_applied AFTER UPDATE ON inbox_event FOR EACH ROW EXECUTE FUNCTION log_applied();`;

// A metric's value from an instance's /metrics; null when unreachable or absent.
async function metric(baseUrl, name) {
  try {
    const answer = await client(baseUrl).get('/metrics');
    const line = answer.text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? null : Number(line.slice(name.length + 1));
  } catch {
    return null;
  }
}

test('SIGKILL of one of two instances while the inbox drains: every event applied once, each resident in order', { timeout: 150_000 }, async () => {
  const stack = await startStack({ instances: 2, users: false });
  try {
    await stack.sql(logApplied);
    const [dead, survivor] = stack.instances;
    const total = await metric(survivor.baseUrl, 'yorisoi_inbox_partitions{of="total"}');
    await waitFor(async () => (await metric(dead.baseUrl, 'yorisoi_inbox_partitions{of="held"}')) > 0
      && (await metric(survivor.baseUrl, 'yorisoi_inbox_partitions{of="held"}')) > 0, 20_000);

    const generator = startLoad({
      port: survivor.port, secret: stack.secrets.YAMAGATA_LINE_CHANNEL_SECRET, dir: stack.dir, name: 'inbox-kill',
      rate, seconds, connections: 32, users: 400, idPrefix: `ik${Date.now() % 1_000_000}-`,
    });
    await new Promise((r) => setTimeout(r, killAfterMs));
    const ordinary = 'yorisoi_inbox_applied_total{lane="ordinary"}';
    const appliedByDead = await metric(dead.baseUrl, ordinary);
    const appliedBySurvivor = await metric(survivor.baseUrl, ordinary);
    const killedAt = Date.now();
    dead.proc.child.kill('SIGKILL');
    await waitFor(async () => (await metric(survivor.baseUrl, 'yorisoi_inbox_partitions{of="held"}')) === total, 30_000)
      .catch((error) => { throw new Error(`partitions not taken over: ${error.message}\n${stack.log(1)}`); });
    const takeoverMs = Date.now() - killedAt;
    const generated = await generator.done;

    await waitFor(async () => Number((await stack.sql(
      'SELECT count(*) FROM inbox_event WHERE processed_at IS NULL'))[0][0]) === 0, 90_000)
      .catch((error) => { throw new Error(`inbox not drained: ${error.message}\n${stack.log(1)}`); });

    const acked = generated.ackedIds;
    assert.ok(acked.length > rate, 'the generator\'s webhooks got 200s');
    const counts = new Map();  // in slices: a command line has its limit
    for (let i = 0; i < acked.length; i += 2000) {
      for (const [id, n] of await storedCounts(stack, acked.slice(i, i + 2000))) {
        counts.set(id, n);
      }
    }
    const lost = acked.filter((id) => !counts.has(id));
    assert.deepEqual(lost, [], 'events answered 200 but missing from the database');
    assert.deepEqual(acked.filter((id) => counts.get(id) > 1), [], 'stored twice');
    const [events, logged, twice, backwards] = (await stack.sql(`
      SELECT (SELECT count(*) FROM inbox_event),
             (SELECT count(*) FROM applied_log),
             (SELECT count(*) FROM (SELECT event_id FROM applied_log GROUP BY event_id HAVING count(*) > 1) AS t),
             (SELECT count(*) FROM (
                SELECT l.by_xid < lag(l.by_xid) OVER (PARTITION BY e.tenant_id, e.pseudonym ORDER BY e.xid, e.seq) AS b
                  FROM inbox_event e JOIN applied_log l USING (event_id)) AS o WHERE b)`))[0].map(Number);
    assert.equal(twice, 0, 'an event applied twice');
    assert.equal(logged, events, 'every stored event applied once');
    assert.equal(backwards, 0, 'a resident\'s events applied out of order');
    assert.ok(appliedByDead > 0 && appliedBySurvivor > 0,
      `both instances applied a part before the kill (${appliedByDead}, ${appliedBySurvivor})`);

    recordFigures({
      test: 'inbox_kill', faults_injected: 1, faults_survived: 1,
      sent: generated.summary.sent,
      acked: acked.length, stored: acked.length - lost.length, lost: lost.length,
      applied_once: logged, applied_twice: twice, out_of_order: backwards,
      applied_before_kill_by_killed: appliedByDead, applied_before_kill_by_survivor: appliedBySurvivor,
      partitions_taken_over_ms: takeoverMs,
    });
  } finally {
    await stack.stop();
  }
});
