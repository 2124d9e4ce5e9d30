// yorisoi SIGKILLed while it sends, under the benchmark generator's load. No hour is staffed,
// so each of the generator's new residents gets the off-hours answer and the age question; reply tokens
// count as unusable (YORISOI_REPLY_TOKEN_USABLE_SECONDS=0), so every answer is a push carrying its outbox
// row's id as X-Line-Retry-Key; the fake LINE platform holds each push 200 ms, so that sends are in
// flight when the process dies. After a restart (the dead sender's rows are claimed again when their
// 30 s lease runs out): every outbox row is sent, and the platform accepted each row's push exactly
// once — a resend after the kill meets 409 — and every webhook the generator got a 200 for is stored.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { startStack, waitFor } from '../support/harness/index.mjs';
import { startLoad, storedCounts } from './bench_load.mjs';
import { recordFigures } from './figures.mjs';

const pause = (ms) => new Promise((done) => setTimeout(done, ms));

test('SIGKILL while sending under load: every answer accepted by the platform exactly once', { timeout: 150_000 },
  async () => {
    const stack = await startStack({ users: false, staffed: 'never', env: { YORISOI_REPLY_TOKEN_USABLE_SECONDS: '0' } });
    try {
      await stack.fakePost('/_fake/behaviour', { delay_ms: 200, count: 100_000, path: '/v2/bot/message/push' });
      const load = startLoad({
        port: stack.instances[0].port, secret: stack.secrets.YAMAGATA_LINE_CHANNEL_SECRET, dir: stack.dir,
        name: 'outbox-kill', rate: 50, seconds: 4, connections: 16, users: 150,
        idPrefix: `outbox-kill-${Date.now()}-`,
      });
      // Kill once sends are under way (some accepted, more in flight or waiting).
      await waitFor(async () => Number((await stack.sql(
        "SELECT count(*) FROM outbox WHERE state = 'sent'"))[0][0]) >= 40, 20_000);
      const inFlight = Number((await stack.sql("SELECT count(*) FROM outbox WHERE state = 'sending'"))[0][0]);
      stack.instances[0].proc.child.kill('SIGKILL');
      await new Promise((done) => stack.instances[0].proc.child.once('exit', done));
      const { summary, ackedIds } = await load.done;
      await pause(200);
      rmSync(join(stack.dir, 'yorisoi-0.port'), { force: true });
      stack.instances[0] = await stack.startInstance(0);
      await stack.fakePost('/_fake/config', { yorisoi: stack.baseUrl });

      // Everything stored is applied and everything queued is sent (past the dead sender's lease).
      await waitFor(async () => Number((await stack.sql(
        'SELECT count(*) FROM inbox_event WHERE processed_at IS NULL'))[0][0]) === 0, 30_000);
      await waitFor(async () => Number((await stack.sql(
        "SELECT count(*) FROM outbox WHERE state <> 'sent'"))[0][0]) === 0, 90_000)
        .catch((error) => { throw new Error(`outbox not drained: ${error.message}\n${stack.log(0)}`); });

      const rows = (await stack.sql('SELECT outbox_id::text FROM outbox')).map(([id]) => id.toLowerCase());
      const calls = await stack.fakeGet('/_fake/calls?path=/v2/bot/message/push');
      const accepted = new Map();
      for (const call of calls.filter((c) => c.status === 200 && c.retry_key)) {
        const key = call.retry_key.toLowerCase();
        accepted.set(key, (accepted.get(key) ?? 0) + 1);
      }
      const refusedAsRepeat = calls.filter((c) => c.status === 409).length;
      const notOnce = rows.filter((id) => accepted.get(id) !== 1);
      const counts = await storedCounts(stack, ackedIds);
      const lost = ackedIds.filter((id) => !counts.has(id));
      recordFigures({
        test: 'outbox_kill', faults_injected: 1, faults_survived: notOnce.length === 0 && lost.length === 0 ? 1 : 0,
        sent: summary.sent, acked: ackedIds.length, stored: ackedIds.length - lost.length, lost: lost.length,
        outbox_rows: rows.length, sending_at_kill: inFlight, pushes_accepted: [...accepted.values()].reduce((a, b) => a + b, 0),
        resends_refused_409: refusedAsRepeat, rows_not_accepted_once: notOnce.length,
      });
      assert.ok(rows.length >= 20, `answers queued: ${rows.length}`);
      assert.deepEqual(notOnce, [], 'outbox rows whose push the platform did not accept exactly once');
      assert.equal(accepted.size, rows.length, 'no push accepted for a key that is not an outbox row');
      assert.deepEqual(lost, [], 'generator events answered 200 but missing from the database');
    } finally {
      await stack.stop({ keepDir: Boolean(process.env.YORISOI_KEEP_TMP) });
    }
  });
