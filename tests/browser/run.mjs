// ctest entry of the browser tests: exits 77 (skipped) when something they need is missing — Debian's
// chromium, this folder's node_modules (playwright-core), the yorisoi binary or a PostgreSQL cluster —
// and otherwise runs the node:test files here, one at a time (each starts its own stack).
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium_path } from './support.mjs';
import { missingPrerequisite } from '../support/harness/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function skip(reason) {
  console.log(`console_browser: SKIPPED: ${reason}`);
  process.exit(77);
}

if (!chromium_path()) {
  skip('chromium not found (apt-get install chromium fonts-noto-cjk, or set YORISOI_CHROMIUM)');
}
if (!existsSync(join(here, 'node_modules', 'playwright-core'))) {
  skip(`playwright-core is not installed (npm ci in ${here})`);
}
const missing = missingPrerequisite();
if (missing) {
  skip(missing);
}

const files = ['console_flow.test.mjs', 'console_safety.test.mjs', 'console_transfer.test.mjs',
  'console_referral.test.mjs', 'console_reports.test.mjs', 'console_queue.test.mjs', 'report_dates.test.mjs',
  'console_night.test.mjs', 'console_everyday.test.mjs', 'console_format.test.mjs', 'console_account.test.mjs'].map((f) => join(here, f));
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : code));
