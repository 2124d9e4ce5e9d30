// Fails when routing/data/jp_holidays.csv differs from what @holiday-jp/holiday_jp (1970–2050) gives.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..', '..');
// Without the package (npm could not fetch it) the check cannot run: ctest shows it as skipped.
if (!fs.existsSync(path.join(__dirname, 'node_modules', '@holiday-jp', 'holiday_jp'))) {
  console.error('@holiday-jp/holiday_jp is not installed (cd tests/holidays && npm ci): check skipped');
  process.exit(77);
}
const expected = execFileSync(process.execPath, [path.join(root, 'routing', 'data', 'generate-holidays.js')], {
  cwd: __dirname,
  env: { ...process.env, NODE_PATH: path.join(__dirname, 'node_modules') },
}).toString();
const committed = fs.readFileSync(path.join(root, 'routing', 'data', 'jp_holidays.csv'), 'utf8');
if (expected !== committed) {
  const a = expected.split('\n');
  const b = committed.split('\n');
  const i = a.findIndex((line, k) => line !== b[k]);
  console.error(`jp_holidays.csv differs from the package at line ${i + 1}: package "${a[i]}", committed "${b[i]}"`);
  process.exit(1);
}
console.log(`jp_holidays.csv matches @holiday-jp/holiday_jp: ${a_len(expected)} holidays 1970-2050`);
function a_len(text) { return text.trim().split('\n').length - 1; }
