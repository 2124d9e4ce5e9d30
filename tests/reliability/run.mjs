// Runs one reliability test file for ctest; exits 77 (skipped) when something it needs is missing:
// the yorisoi binary or PostgreSQL (YORISOI_TEST_PG_URL), haproxy (Debian package), the `ws` package
// (npm ci in tests/api), pg_dump/pg_restore.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import { missingPrerequisite } from '../support/harness/index.mjs';
import { loadWebSocket } from './console_stream.mjs';
import { webhookLoadBinary } from './bench_load.mjs';
import { haproxyBinary } from './haproxy.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const file = process.argv[2];
const needs = process.argv.slice(3);  // haproxy, ws, pg_tools, webhook_load
if (!file) {
  console.error('usage: node run.mjs FILE.test.mjs [haproxy] [ws] [pg_tools] [webhook_load]');
  process.exit(2);
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

const reasons = [];
const missing = missingPrerequisite();
if (missing) {
  reasons.push(missing);
}
if (needs.includes('haproxy') && !haproxyBinary()) {
  reasons.push('haproxy is not installed (./deploy/install-deps.sh test)');
}
if (needs.includes('ws') && !loadWebSocket()) {
  reasons.push('tests/api/node_modules is missing (npm ci in tests/api)');
}
if (needs.includes('pg_tools') && !['pg_dump', 'pg_restore', 'psql'].every(onPath)) {
  reasons.push('pg_dump, pg_restore or psql is missing (postgresql-client-15)');
}
if (needs.includes('webhook_load') && !webhookLoadBinary()) {
  reasons.push('the load generator tests/bench/webhook_load is not built (YORISOI_WEBHOOK_LOAD)');
}
if (reasons.length > 0) {
  console.log(`skipped: ${reasons.join('; ')}`);
  process.exit(77);
}
// Run directly (not under --test): node:test still reports, and the figures lines stay plain stdout.
const child = spawn(process.execPath, ['--test-reporter=spec', file], { cwd: here, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
