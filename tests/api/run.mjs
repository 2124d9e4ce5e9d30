// Runs one API test file under node:test for ctest; exits 77 (skipped) when the npm packages
// (npm ci here), the yorisoi binary or PostgreSQL (YORISOI_TEST_PG_URL) is missing.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { missingPrerequisite } from '../support/harness/index.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const file = process.argv[2];
if (!file) {
  console.error('usage: node run.mjs FILE.test.mjs');
  process.exit(2);
}
if (!existsSync(`${here}node_modules/ws`) || !existsSync(`${here}node_modules/ajv`)) {
  console.log('skipped: tests/api/node_modules is missing (npm ci in tests/api)');
  process.exit(77);
}
const missing = missingPrerequisite();
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(77);
}
const child = spawn(process.execPath, ['--test', '--test-reporter=spec', file], { cwd: here, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
