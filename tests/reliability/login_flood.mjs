// A flood of bogus console logins for a reliability test, run on its own thread (a worker) so that the
// test's main thread, which times webhooks and the crisis contact, is not held up by the flood's own
// requests. `parallel` attempts are in flight at all times for `seconds`: each one, once answered,
// is followed at once by the next (the attacker ignores Retry-After). Names rotate through three kinds:
// 8 KB names (longer than any account can have), short random names and real-looking names; the
// client address is varied with X-Forwarded-For (the server must trust 127.0.0.0/8 as a proxy), so
// that the per-address throttle leaves the password hash busy for the whole flood.
import http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const realLooking = ['tanaka', 'suzuki.hanako', 'admin', 'sato-k', 'yamada', 'takahashi', 'kobayashi.m', 'watanabe',
  'soudan01', 'ito.yuki'];

function loginName(n) {
  switch (n % 3) {
    case 0:
      return `${n}-${'名'.repeat(2730)}`;  // about 8 KB of UTF-8
    case 1:
      return `u${n.toString(36)}`;
    default:
      return realLooking[n % realLooking.length];
  }
}

// One attempt: {status, retryAfter, error} ({error} when the request itself failed).
function attempt(agent, baseUrl, n, address) {
  const payload = Buffer.from(JSON.stringify({ login: loginName(n), password: `wrong-${n}` }));
  const url = new URL('/api/v1/session', baseUrl);
  return new Promise((resolve) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent, timeout: 30_000,
      headers: { 'content-type': 'application/json', 'content-length': payload.length, 'x-forwarded-for': address },
    }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => {
        let code = null;
        try {
          code = JSON.parse(text).error ?? null;
        } catch {
          code = null;
        }
        resolve({ status: res.statusCode, retryAfter: res.headers['retry-after'], code });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (error) => resolve({ error: error.message }));
    req.end(payload);
  });
}

async function flood({ baseUrl, seconds, parallel, addresses }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: parallel });
  const result = { attempts: 0, by_status: {}, by_code: {}, errors: 0, error_sample: null, missing_retry_after: 0 };
  const started = Date.now();
  let counter = 0;
  const loop = async (k) => {
    const address = `203.0.113.${k % addresses}`;
    while (Date.now() - started < seconds * 1000) {
      const n = counter++;
      const answer = await attempt(agent, baseUrl, n, address);
      result.attempts += 1;
      if (answer.error) {
        result.errors += 1;
        result.error_sample ??= answer.error;
        continue;
      }
      result.by_status[answer.status] = (result.by_status[answer.status] ?? 0) + 1;
      // A 429 with Retry-After: 1 is (mostly) the password hash's queue being full; longer ones are the
      // throttle's locks of an address or a name.
      const wait = answer.status === 429 ? (Number(answer.retryAfter) > 1 ? '_locked' : '_queue') : '';
      const key = `${answer.status}:${answer.code ?? 'none'}${wait}`;
      result.by_code[key] = (result.by_code[key] ?? 0) + 1;
      if (answer.status === 429 && !(Number(answer.retryAfter) > 0)) {
        result.missing_retry_after += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: parallel }, (_, k) => loop(k)));
  result.elapsed_ms = Date.now() - started;
  agent.destroy();
  return result;
}

// Starts the flood on a worker thread; answers a promise of its tally
//   {attempts, by_status {401: n, 429: n …}, by_code {'401:bad_credentials': n, '429:throttled_queue': n,
//    '429:throttled_locked': n …}, errors, error_sample,
//    missing_retry_after, elapsed_ms}.
export function startLoginFlood({ baseUrl, seconds, parallel = 200, addresses = 40 }) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { baseUrl, seconds, parallel, addresses } });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`login flood worker exited (${code}) without a tally`)));
  });
}

if (!isMainThread && workerData?.baseUrl) {
  parentPort.postMessage(await flood(workerData));
}
