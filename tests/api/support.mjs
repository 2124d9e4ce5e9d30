// Shared helpers of the API tests: one stack per test file, checked clients, consultations made by a
// resident writing through the fake LINE platform, and WebSocket clients.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import WebSocket from 'ws';

import { missingPrerequisite, startStack, waitFor } from '../support/harness/index.mjs';
import { checked } from './schema.mjs';

export { waitFor };

// Registers before/after hooks that start one stack for the file; answers a getter. Tests call
// `skipUnlessReady(t)` first so that a machine without the prerequisites skips instead of failing.
export function useStack(options = {}) {
  const holder = { stack: null };
  before(async () => {
    if (!missingPrerequisite()) {
      holder.stack = await startStack(options);
    }
  }, { timeout: 40_000 });
  after(async () => {
    await holder.stack?.stop();
  }, { timeout: 20_000 });
  return () => holder.stack;
}

export function skipUnlessReady(t) {
  const missing = missingPrerequisite();
  if (missing) {
    t.skip(missing);
    return true;
  }
  return false;
}

// A checked client signed in as stack.users[tenant][key].
export async function as(stack, tenant, key, instance = 0) {
  const client = checked(stack.client(instance));
  const user = stack.user(tenant, key);
  const answer = await client.login(user.login, user.password);
  assert.equal(answer.status, 200, `login ${user.login}: ${answer.text}`);
  client.session = answer.json;
  return client;
}

export function anonymous(stack, instance = 0) {
  return checked(stack.client(instance));
}

export function assertError(answer, status, code) {
  assert.equal(answer.status, status, `expected ${status} ${code}, got ${answer.status} ${answer.text}`);
  assert.equal(answer.json?.error, code, `expected error ${code}, got ${answer.text}`);
  assert.equal(typeof answer.json.message, 'string');
  assert.ok(answer.json.message.length > 0);
}

// A resident writes on `channel`; answers {id, userId} of the consultation that appears in the queue of
// `worker` (a client with work_consultations of that channel's tenant).
export async function newConsultation(stack, worker, channel, text = '話を聞いてほしいです') {
  const known = new Set((await worker.get('/api/v1/queue?view=open')).json.items.map((i) => i.consultation_id));
  const { userId } = await stack.residentWrites(channel, text);
  const item = await waitFor(async () => {
    const queue = await worker.get('/api/v1/queue?view=open');
    return queue.json.items.find((i) => !known.has(i.consultation_id));
  }, 10_000);
  return { id: item.consultation_id, userId, item };
}

// Opens the event stream of `client`; answers {socket, events, closed} once open, or rejects with the
// HTTP status of a refused upgrade (error.status).
export function openStream(client, { after: afterId, origin = client.origin(), cookie = client.cookieHeader() } = {}) {
  const base = client.baseUrl.href.replace(/^http/, 'ws');
  const url = new URL(`api/v1/stream${afterId === undefined ? '' : `?after=${afterId}`}`, base);
  const headers = {};
  if (origin) {
    headers.Origin = origin;
  }
  if (cookie) {
    headers.Cookie = cookie;
  }
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, handshakeTimeout: 5000 });
    const stream = { socket, events: [], closed: null };
    stream.closedPromise = new Promise((done) => {
      socket.on('close', (code) => {
        stream.closed = { code, at: Date.now() };
        done(stream.closed);
      });
    });
    socket.on('message', (data) => stream.events.push(JSON.parse(data.toString())));
    socket.on('open', () => resolve(stream));
    socket.on('unexpected-response', (_request, response) => {
      const error = new Error(`upgrade refused: ${response.statusCode}`);
      error.status = response.statusCode;
      response.resume();
      socket.terminate();
      reject(error);
    });
    socket.on('error', reject);
  });
}

export function closeStream(stream) {
  if (stream.closed) {
    return Promise.resolve(stream.closed);
  }
  stream.socket.close();
  return stream.closedPromise;
}
