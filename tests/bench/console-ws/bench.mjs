// Console fan-out benchmark: N console WebSocket sessions are open while residents write; for every
// webhook answered 200 it measures, on every socket, the delay until the console learns of it (the
// first event naming the new consultation), and prints p50/p99 and the server's memory.
//
//   node tests/bench/console-ws/bench.mjs [--sockets 100,1000] [--webhooks 200] [--sessions 20]
// Needs YORISOI_BIN and YORISOI_TEST_PG_URL (see tests/bench/README.md; console-ws-bench.sh sets both up).
//
// Webhooks are sent one after another, each after every socket saw the previous one (plus a short
// random gap), so each delay belongs to exactly one webhook. The 200 is taken when the fake LINE platform
// hands yorisoi's answer back (one loopback hop after yorisoi wrote it: the delays are a hair short).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startStack, waitFor } from '../../support/harness/index.mjs';

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const socketCounts = option('sockets', '100,1000').split(',').map(Number);
const webhooks = Number(option('webhooks', '200'));
const sessionCount = Number(option('sessions', '20'));

function percentile(sorted, p) {
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  return kib / 1024;
}

function openSocket(stack, session) {
  const url = `${stack.baseUrl.replace('http', 'ws')}/api/v1/stream`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: { Cookie: session.cookieHeader(), Origin: session.origin() },
    });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

// Consultation ids of earlier webhooks (all runs): their later events (automatic answers, delivery
// states) are not the console learning of a new webhook.
const known = new Set();

async function run(stack, sessions, count) {
  const sockets = [];
  for (let i = 0; i < count; i += 50) {
    const batch = [];
    for (let k = i; k < Math.min(count, i + 50); ++k) {
      batch.push(openSocket(stack, sessions[k % sessions.length]));
    }
    sockets.push(...(await Promise.all(batch)));
  }
  let pending = null;  // {seenBy: Set, arrivals: []}
  const delays = [];
  sockets.forEach((socket, index) => {
    socket.on('message', (data) => {
      const now = performance.now();
      const event = JSON.parse(data.toString());
      if (!pending || !event.consultation_id || known.has(event.consultation_id) || pending.seenBy.has(index)) {
        return;
      }
      pending.seenBy.add(index);
      pending.consultation = event.consultation_id;
      // An event may arrive before the fake hands the 200 back: the delay is taken once both are known.
      pending.arrivals.push(now);
    });
  });
  const rssBefore = rssMiB(stack.instances[0].proc.child.pid);
  let missed = 0;
  for (let i = 0; i < webhooks; ++i) {
    pending = { seenBy: new Set(), arrivals: [] };
    await stack.residentWrites('yamagata', `bench ${i}`);
    const answeredAt = performance.now();
    try {
      await waitFor(() => pending.seenBy.size === sockets.length, 10_000, 1);
    } catch {
      missed += sockets.length - pending.seenBy.size;
    }
    for (const arrival of pending.arrivals) {
      delays.push(Math.max(0, arrival - answeredAt));
    }
    known.add(pending.consultation);
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
  const rssAfter = rssMiB(stack.instances[0].proc.child.pid);
  for (const socket of sockets) {
    socket.terminate();
  }
  delays.sort((a, b) => a - b);
  return { count, samples: delays.length, missed, p50: percentile(delays, 50), p99: percentile(delays, 99),
    max: delays[delays.length - 1], rssBefore, rssAfter };
}

// Many sockets per user and from one address on purpose: the caps that protect a real deployment are
// raised for the measurement.
const stack = await startStack({
  instances: 1, users: false,
  serverExtra: 'max_sockets_per_user = 1000\nmax_connections_per_address = 5000\n',
});
try {
  const sessions = [];
  for (let i = 0; i < sessionCount; ++i) {
    const user = await stack.addUser({ tenant: 'yamagata', login: `bench-${i}`, name: `相談員${i}`,
      role: 'counsellor', password: `bench-password-${i}` });
    const session = stack.client();
    await session.loginOk(user.login, user.password);
    sessions.push(session);
  }
  console.log(`console-ws: ${webhooks} webhooks per run, ${sessionCount} sessions, one yorisoi instance`);
  console.log('sockets  events   missed   p50 ms   p99 ms   max ms   RSS before → after (MiB)');
  for (const count of socketCounts) {
    const r = await run(stack, sessions, count);
    console.log(`${String(r.count).padStart(7)}  ${String(r.samples).padStart(7)}  ${String(r.missed).padStart(6)}  `
      + `${r.p50.toFixed(1).padStart(7)}  ${r.p99.toFixed(1).padStart(7)}  ${r.max.toFixed(1).padStart(7)}  `
      + `${r.rssBefore.toFixed(0)} → ${r.rssAfter.toFixed(0)}`);
  }
} finally {
  await stack.stop();
}
