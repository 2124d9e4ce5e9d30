// Scratch databases on the test cluster, through psql (the harness uses Node's standard library only).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

// The admin URL of the cluster tests/run.sh (or the developer) started; null when unset.
export function adminUrl() {
  const url = process.env.YORISOI_TEST_PG_URL;
  return url && url.length > 0 ? url : null;
}

// The same URL naming another database; keeps the query (e.g. ?host=/path/to/socket).
export function withDatabase(url, database) {
  const scheme = url.indexOf('://');
  if (scheme < 0) {
    return `${url} dbname=${database}`;  // key=value form: a later key wins
  }
  const query = url.indexOf('?', scheme + 3);
  const path = url.indexOf('/', scheme + 3);
  const authorityEnd = path >= 0 && (query < 0 || path < query) ? path : (query < 0 ? url.length : query);
  return `${url.slice(0, authorityEnd)}/${database}${query < 0 ? '' : url.slice(query)}`;
}

// Runs SQL and answers the rows as arrays of strings (unaligned, tab-separated psql output).
export async function sql(url, statement) {
  const { stdout } = await run('psql', [url, '-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', statement],
    { timeout: 30_000 });
  return stdout.split('\n').filter((line) => line.length > 0).map((line) => line.split('\t'));
}

export async function createScratchDatabase(admin) {
  const name = `yorisoi_api_${process.pid}_${randomBytes(4).toString('hex')}`;
  await sql(admin, `CREATE DATABASE "${name}"`);
  return { name, url: withDatabase(admin, name) };
}

export async function dropScratchDatabase(admin, name) {
  try {
    await sql(admin, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } catch {
    // The cluster is already gone (the runner stops it at the end): nothing left to clean.
  }
}
