// The reliability summary printed at the end of ./tests/run.sh: what the reliability tests recorded
// (the newest record of each test in reliability.jsonl, see figures.mjs) and the fuzzers' executions
// (their logs in build-fuzz/findings/). Informational: always exits 0; the tests themselves fail.
//   node tests/reliability/summary.mjs --log BUILD/reliability.jsonl [--fuzz-dir build-fuzz/findings]
//                                      [--since EPOCH_SECONDS]
// Records older than --since are marked "earlier run" (the test was skipped or not run this time).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function option(name) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const logFile = option('--log');
const fuzzDir = option('--fuzz-dir');
const since = option('--since') ? Number(option('--since')) * 1000 : 0;

function readRecords(file) {
  if (!file || !existsSync(file)) {
    return [];
  }
  const newest = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) {
      continue;
    }
    try {
      const record = JSON.parse(line);
      if (record.test) {
        newest.set(record.test, record);
      }
    } catch {
      // A torn last line (a test killed while writing) is ignored.
    }
  }
  return [...newest.values()];
}

function fuzzRecords(dir) {
  if (!dir || !existsSync(dir)) {
    return [];
  }
  return readdirSync(dir).filter((f) => f.endsWith('.log')).map((f) => {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    const runs = /^stat::number_of_executed_units:\s*(\d+)/m.exec(text)?.[1];
    return { name: f.replace(/\.log$/, ''), runs: runs ? Number(runs) : null, at: statSync(path).mtimeMs,
      finding: /ERROR: libFuzzer|SUMMARY: (Address|Undefined)Sanitizer|deadly signal/.test(text) };
  });
}

const main = ['faults_injected', 'faults_survived', 'sent', 'acked', 'stored', 'lost'];
const headers = ['test', 'faults injected', 'survived', 'sent', 'acked (200)', 'stored', 'lost', 'other figures'];

function row(record) {
  const value = (k) => (record[k] === undefined ? '' : String(record[k]));
  const other = Object.entries(record)
    .filter(([k]) => !main.includes(k) && !['test', 'at'].includes(k))
    .map(([k, v]) => `${k}=${v}`).join(' ');
  const stale = Date.parse(record.at) < since ? ' (earlier run)' : '';
  return [record.test + stale, ...main.map(value), other];
}

function printTable(rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach((r) => console.log(line(r)));
}

const records = readRecords(logFile);
const fuzz = fuzzRecords(fuzzDir);
console.log('');
console.log('Reliability summary (tests/reliability, newest record of each test)');
if (records.length === 0) {
  console.log(`  no reliability figures recorded${logFile ? ` in ${logFile}` : ''} (tests skipped or not run)`);
} else {
  printTable(records.map(row));
  const current = records.filter((r) => Date.parse(r.at) >= since);
  const sum = (k) => current.reduce((s, r) => s + (Number(r[k]) || 0), 0);
  console.log(`reliability: faults injected ${sum('faults_injected')}, survived ${sum('faults_survived')}; ` +
    `events sent ${sum('sent')}, acknowledged ${sum('acked')}, stored ${sum('stored')}, lost ${sum('lost')}; ` +
    `authorisation cases ${sum('authz_cases')}`);
}
if (fuzz.length > 0) {
  const fresh = fuzz.filter((f) => f.at >= since);
  const total = fresh.reduce((s, f) => s + (f.runs ?? 0), 0);
  console.log(`fuzzers (this run): ${fresh.map((f) => `${f.name} ${f.runs ?? '?'}${f.finding ? ' FINDING' : ''}`).join(', ') || 'none'}; ` +
    `${total} inputs tried`);
}
