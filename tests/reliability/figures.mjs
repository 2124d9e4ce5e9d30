// The figures a reliability test records: one JSON line appended to YORISOI_RELIABILITY_LOG (set by
// ctest to <build>/reliability.jsonl) and one human line on stdout. summary.mjs prints the newest
// record of each test as a table at the end of ./tests/run.sh.
import { appendFileSync } from 'node:fs';

// record: {test, faults_injected, faults_survived, sent, acked, stored, lost, …} (any flat values).
export function recordFigures(record) {
  const line = { ...record, at: new Date().toISOString() };
  console.log(`figures ${record.test}: ${Object.entries(record).filter(([k]) => k !== 'test')
    .map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const file = process.env.YORISOI_RELIABILITY_LOG;
  if (file) {
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }
}
