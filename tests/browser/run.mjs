// Runs browser test files under node:test for ctest: exits 77 (skipped) when something they need is
// missing — Debian's chromium, this folder's node_modules (playwright-core), the yorisoi binary or a
// PostgreSQL cluster. `node run.mjs FILE.test.mjs` runs one file (what each ctest entry does); without
// an argument it runs every file here, one at a time (each starts its own stack).
import { existsSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { chromium_path } from './support.mjs';
import { missingPrerequisite } from '../support/harness/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));

function skip(reason) {
  console.log(`browser tests: SKIPPED: ${reason}`);
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

// The named file, or every *.test.mjs here in name order.
const named = process.argv[2];
if (named && !existsSync(join(here, named))) {
  console.error(`no such test file: ${named}`);
  process.exit(2);
}
const files = named
  ? [join(here, named)]
  : readdirSync(here).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(here, f));
if (files.length === 0) {
  console.error(`no *.test.mjs in ${here}`);
  process.exit(1);
}
const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : code));
