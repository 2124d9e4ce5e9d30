// The benchmark's load generator (tests/bench/webhook_load, C++) as background load for a fault test:
// signed webhooks at a fixed rate over keep-alive connections, each event's webhookEventId written to
// a file when its request got a 2xx. The fault test then checks every one of those is stored once.
// webhook_load does not redeliver: a 503 is counted, not retried (the ordered senders of each test
// cover redelivery).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Path of the generator (ctest sets YORISOI_WEBHOOK_LOAD); null when it was not built.
export function webhookLoadBinary() {
  const path = process.env.YORISOI_WEBHOOK_LOAD;
  return path && existsSync(path) ? path : null;
}

// Starts webhook_load against `port` and answers {done}: a promise of
//   {summary, ackedIds, exitCode}
// once the run ends (`seconds` after the start). `summary` is the generator's JSON summary
// (status_2xx, status_5xx, errors, latency_us {p50, p99, max}, acked_events …). `seed` picks the
// residents' user ids and texts (another seed, other residents).
export function startLoad({ port, secret, dir, name, rate, seconds, connections = 32, users = 32,
  idPrefix, timeoutSeconds = 10, seed }) {
  const binary = webhookLoadBinary();
  if (!binary) {
    throw new Error('YORISOI_WEBHOOK_LOAD is not set or not built (tests/bench/webhook_load)');
  }
  const ackedFile = join(dir, `${name}.acked`);
  const args = ['--target', `127.0.0.1:${port}`, '--secret', secret, '--rate', String(rate),
    '--duration', String(seconds), '--connections', String(connections), '--users', String(users),
    '--id-prefix', idPrefix, '--timeout', String(timeoutSeconds), '--prebuild-mb', '64',
    '--acked-file', ackedFile, '--json'];
  if (seed !== undefined) {
    args.push('--seed', String(seed));
  }
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) {
        reject(new Error(`webhook_load printed no summary (exit ${code}): ${stderr.slice(-2000)}`));
        return;
      }
      const ackedIds = existsSync(ackedFile)
        ? readFileSync(ackedFile, 'utf8').split('\n').filter((l) => l.length > 0) : [];
      resolve({ summary: JSON.parse(line), ackedIds, exitCode: code });
    });
  });
  return { child, done };
}

// How many times each of `ids` is in inbox_event (a Map id → count; ids never stored are absent).
export async function storedCounts(stack, ids) {
  const counts = new Map();
  for (let i = 0; i < ids.length; i += 5000) {
    const list = ids.slice(i, i + 5000).map((id) => `'${id.replaceAll("'", "''")}'`).join(',');
    const rows = await stack.sql(
      `SELECT webhook_event_id, count(*) FROM inbox_event WHERE webhook_event_id IN (${list}) GROUP BY 1`);
    for (const [id, count] of rows) {
      counts.set(id, Number(count));
    }
  }
  return counts;
}
