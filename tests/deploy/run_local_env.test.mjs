// ./deploy/run-local.sh run twice over one .local folder: first with no channel secrets in the environment
// (development values are generated and kept), then with the channel's real secret and access token. The
// second run must use the environment's values — webhooks signed with the real secret are accepted, those
// signed with the stored development secret refused, and LINE calls carry the real token.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { adminUrl, createScratchDatabase, dropScratchDatabase } from '../support/harness/database.mjs';
import { runCommand, waitFor } from '../support/harness/processes.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const buildDir = process.env.YORISOI_TEST_BUILD_DIR;
const bin = process.env.YORISOI_BIN;

function skipReason() {
  if (!adminUrl()) {
    return 'YORISOI_TEST_PG_URL is unset';
  }
  if (!buildDir || !bin) {
    return 'YORISOI_TEST_BUILD_DIR or YORISOI_BIN is unset';
  }
  // run-local.sh configures its build folder as RelWithDebInfo: another build type would be rebuilt whole.
  const cache = readFileSync(path.join(buildDir, 'CMakeCache.txt'), 'utf8');
  if (!/^CMAKE_BUILD_TYPE:STRING=RelWithDebInfo$/m.test(cache)) {
    return 'the build folder is not a RelWithDebInfo build';
  }
  return null;
}
const skip = skipReason();
if (skip) {
  console.log(`deploy test skipped: ${skip}`);
  process.exit(77);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

// A stand-in for the LINE API: records the Authorization header of every call and answers 200.
function startLineApi() {
  const seen = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ path: req.url, authorization: req.headers.authorization ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, seen, base: `http://127.0.0.1:${server.address().port}` }));
  });
}

function get(port, pathname) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathname, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
  });
}

// A signed follow event (the greeting answers it with a reply call) for the example channel.
function postWebhook(port, secret) {
  const body = JSON.stringify({
    destination: 'U0000000000000000000000000000000',
    events: [{
      type: 'follow', mode: 'active', timestamp: Date.now(),
      webhookEventId: `01${randomBytes(12).toString('hex').toUpperCase()}`,
      deliveryContext: { isRedelivery: false },
      source: { type: 'user', userId: `U${randomBytes(16).toString('hex')}` },
      replyToken: randomBytes(16).toString('hex'),
    }],
  });
  const signature = createHmac('sha256', secret).update(body).digest('base64');
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, path: '/webhook/line/yamagata', method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'x-line-signature': signature,
        'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function storedSecret(localDir, name) {
  const text = readFileSync(path.join(localDir, 'dev-secrets.env'), 'utf8');
  const match = text.match(new RegExp(`^export ${name}='(.*)'$`, 'm'));
  return match ? match[1] : null;
}

// Starts run-local.sh in its own process group; answers a handle whose stop() sends Ctrl-C's signal.
async function startRunLocal(env, port) {
  const child = spawn(path.join(root, 'deploy/run-local.sh'), [], {
    cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    await waitFor(async () => (await get(port, '/readyz')) === 200, 150_000, 100);
  } catch (error) {
    process.kill(-child.pid, 'SIGKILL');
    throw new Error(`run-local.sh did not become ready: ${error.message}\n${output}`);
  }
  return {
    output: () => output,
    stop: async () => {
      process.kill(-child.pid, 'SIGINT');
      await exited;
    },
  };
}

let database;
let localDir;
let lineApi;

before(async () => {
  database = await createScratchDatabase(adminUrl());
  localDir = mkdtempSync(path.join(tmpdir(), 'yorisoi-run-local-'));
  lineApi = await startLineApi();
  // Migrated first, so that the script's development staff accounts can be created at once.
  const migrated = await runCommand(bin, ['migrate', '--config', path.join(root, 'config/examples/yamagata.toml')], {
    env: {
      ...process.env, YORISOI_DATABASE_URL: database.url,
      YAMAGATA_LINE_CHANNEL_SECRET: 'migrate', YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN: 'migrate',
      YORISOI_ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}`,
      YORISOI_PSEUDONYM_PEPPER: randomBytes(32).toString('base64'),
    },
    timeoutMs: 60_000,
  });
  assert.equal(migrated.code, 0, `yorisoi migrate failed: ${migrated.stderr}`);
});

after(async () => {
  lineApi?.server.close();
  if (localDir) {
    rmSync(localDir, { recursive: true, force: true });
  }
  if (database) {
    await dropScratchDatabase(adminUrl(), database.name);
  }
});

function baseEnv(port) {
  const env = { ...process.env };
  for (const name of ['YAMAGATA_LINE_CHANNEL_SECRET', 'YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN',
    'YORISOI_ENCRYPTION_KEYS', 'YORISOI_PSEUDONYM_PEPPER', 'YORISOI_CONFIG', 'YORISOI_SPOOL_DIR']) {
    delete env[name];
  }
  return {
    ...env,
    YORISOI_BUILD_DIR: buildDir,
    YORISOI_LOCAL_DIR: localDir,
    YORISOI_DATABASE_URL: database.url,
    YORISOI_LISTEN: `127.0.0.1:${port}`,
    YORISOI_LINE_API_BASE: lineApi.base,
  };
}

test('the environment wins over the development secrets kept in .local', async () => {
  const port = await freePort();

  // First run: nothing in the environment, development values generated and kept.
  const first = await startRunLocal(baseEnv(port), port);
  const devSecret = storedSecret(localDir, 'YAMAGATA_LINE_CHANNEL_SECRET');
  const devToken = storedSecret(localDir, 'YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN');
  assert.ok(devSecret && devToken, 'development secret and token kept in dev-secrets.env');
  assert.equal(await postWebhook(port, devSecret), 200);
  await waitFor(() => lineApi.seen.length >= 1, 10_000);
  assert.equal(lineApi.seen.at(-1).authorization, `Bearer ${devToken}`);
  await first.stop();

  // Second run over the same .local: the channel's real secret and token given in the environment.
  const realSecret = randomBytes(16).toString('hex');
  const realToken = randomBytes(32).toString('base64');
  const seenBefore = lineApi.seen.length;
  const second = await startRunLocal({
    ...baseEnv(port),
    YAMAGATA_LINE_CHANNEL_SECRET: realSecret,
    YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN: realToken,
  }, port);
  try {
    assert.equal(await postWebhook(port, devSecret), 401, 'the stored development secret no longer signs');
    assert.equal(await postWebhook(port, realSecret), 200, 'the environment secret signs');
    await waitFor(() => lineApi.seen.length > seenBefore, 10_000);
    for (const call of lineApi.seen.slice(seenBefore)) {
      assert.equal(call.authorization, `Bearer ${realToken}`);
    }
    // The file still holds the development values (the environment is never written back).
    assert.equal(storedSecret(localDir, 'YAMAGATA_LINE_CHANNEL_SECRET'), devSecret);
  } finally {
    await second.stop();
  }
});
