// Shared helpers of the API tests: one stack per test file, checked clients, consultations made by a
// resident writing through the fake LINE platform, and WebSocket clients.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import WebSocket from 'ws';

import { missingPrerequisite, startStack, waitFor } from '../support/harness/index.mjs';
import { totpCode } from '../support/harness/totp.mjs';
import { checked } from './schema.mjs';

export { totpCode, waitFor };

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

// A rule's refusal: the error of `status` and `code` with the rule's stable `reason`.
export function assertRefused(answer, status, code, reason) {
  assertError(answer, status, code);
  assert.equal(answer.json.reason, reason, `expected reason ${reason}, got ${answer.text}`);
}

// A resident writes on `channel`; answers {id, userId} of the consultation that appears in the queue of
// `worker` (a client with work_consultations of that channel's tenant).
export async function newConsultation(stack, worker, channel, text = '話を聞いてほしいです') {
  const known = new Set((await worker.get('/api/v1/queue?view=open&limit=200')).json.items.map((i) => i.consultation_id));
  const { userId } = await stack.residentWrites(channel, text);
  const item = await waitFor(async () => {
    const queue = await worker.get('/api/v1/queue?view=open&limit=200');
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

// ---- referrals ------------------------------------------------------------------------------

// Unit ids of the test tenants (tests/support/harness/config.mjs and the Yamagata example).
export const units = {
  yamagata: { hub: 'seikatsu-fukushi', department: 'seishin-hoken', group: 'hikikomori' },
  tendo: { hub: 'fukushi', department: 'kodomo' },
};

export const referralPath = (id, action) => `/api/v1/referrals/${id}${action ? `/${action}` : ''}`;
export const officerPath = (id, action) => `/api/v1/officer/referrals${id ? `/${id}` : ''}${action ? `/${action}` : ''}`;
export const consultationReferrals = (id) => `/api/v1/consultations/${id}/referrals`;

// A valid proposal body; `fields` override.
export function proposal(fields = {}) {
  return { summary: '眠れない日が続き、仕事に行けていない。生活費の相談を希望。', unit_ids: [], reason: '生活困窮の支援が必要',
    categories: [], ...fields };
}

// `worker` proposes a referral on consultation `id`; asserts 201 and answers the Referral.
export async function propose(worker, id, fields = {}) {
  const answer = await worker.post(consultationReferrals(id), proposal(fields));
  assert.equal(answer.status, 201, `propose: ${answer.status} ${answer.text}`);
  return answer.json;
}

// Every delivery (reply or push) to `userId`, once at least `minCount` matched `predicate`.
export async function deliveriesTo(stack, userId, predicate = () => true, minCount = 1, timeoutMs = 10_000) {
  return waitFor(async () => {
    const list = await stack.fakeGet(`/_fake/deliveries?to=${encodeURIComponent(userId)}`);
    const matching = list.filter(predicate);
    return matching.length >= minCount ? matching : null;
  }, timeoutMs);
}

// The consent request's confirm template pushed to `userId` (the `nth` one, 0-based): {text, template,
// grant, decline} with the postback data of both buttons.
export async function consentRequest(stack, userId, nth = 0) {
  const templates = await deliveriesTo(stack, userId,
    (d) => d.via === 'push' && d.message?.type === 'template' && d.message.template?.type === 'confirm', nth + 1);
  const template = templates[nth];
  const pushes = await stack.fakeGet(`/_fake/deliveries?to=${encodeURIComponent(userId)}&via=push`);
  // The text is the message of the same push just before the template.
  const text = pushes.find((d) => d.request_id === template.request_id && d.message.type === 'text');
  const actions = template.message.template.actions;
  return {
    text: text?.message.text ?? null, template: template.message, actions,
    grant: actions.find((a) => a.data?.startsWith('yc1:grant:'))?.data,
    decline: actions.find((a) => a.data?.startsWith('yc1:decline:'))?.data,
  };
}

// The resident taps a postback button: a signed postback webhook through the fake platform.
export async function residentTaps(stack, channel, userId, data) {
  const answer = await stack.fakePost('/_fake/webhook', { channel, userId, event: 'postback', data });
  assert.equal(answer.status, 200, `fake webhook: ${JSON.stringify(answer.json)}`);
  assert.equal(answer.json.status, 200, `yorisoi answered the postback ${answer.json.status} ${answer.json.error ?? ''}`);
  return answer.json;
}

// The resident writes `text`; answers the message_id yorisoi gave it in consultation `id` (as
// `worker` reads the transcript).
export async function residentSays(stack, worker, channel, userId, id, text) {
  await stack.residentWrites(channel, text, userId);
  const message = await waitFor(async () => {
    const detail = await worker.get(`/api/v1/consultations/${id}`);
    return detail.json?.messages?.find((m) => m.direction === 'in' && m.text === text);
  }, 10_000);
  return message.message_id;
}

// Waits until `worker` sees referral `referralId` of consultation `id` satisfy `predicate`.
export async function referralOf(worker, id, referralId, predicate = () => true, timeoutMs = 10_000) {
  return waitFor(async () => {
    const list = await worker.get(consultationReferrals(id));
    const found = list.json?.items?.find((r) => r.referral_id === referralId);
    return found && predicate(found) ? found : null;
  }, timeoutMs);
}

// Waits until the clock's second is more than `margin` seconds past the second of `time` (an RFC 3339
// string), so that something done now is strictly later than it at the store's resolution (seconds).
export async function pastSecondOf(time, margin = 0) {
  const second = Math.floor(Date.parse(time) / 1000) + margin;
  await waitFor(() => Math.floor(Date.now() / 1000) > second, 2500 + margin * 1000);
}

// A new consultation of `channel` with a referral awaiting consent: {id, userId, rid, referral}.
export async function referralAwaiting(stack, worker, channel, fields = {}) {
  const { id, userId } = await newConsultation(stack, worker, channel);
  const referral = await propose(worker, id, fields);
  return { id, userId, rid: referral.referral_id, referral };
}

// The same, consented by the resident's own words recorded by `worker`: the referral is at the hub.
// Answers {id, userId, rid, referral, messageId} (messageId: the resident's consenting message).
export async function referralAtHub(stack, worker, channel, fields = {}) {
  const made = await referralAwaiting(stack, worker, channel, fields);
  const messageId = await residentSays(stack, worker, channel, made.userId, made.id, 'はい、伝えてください');
  const answer = await worker.post(referralPath(made.rid, 'consent'), { granted: true, message_id: messageId });
  assert.equal(answer.status, 200, `consent: ${answer.status} ${answer.text}`);
  return { ...made, referral: answer.json, messageId };
}

// `hubOfficer` forwards referral `rid` to `unitIds`; asserts 200.
export async function forward(hubOfficer, rid, unitIds) {
  const answer = await hubOfficer.post(officerPath(rid, 'forward'), { unit_ids: unitIds });
  assert.equal(answer.status, 200, `forward: ${answer.status} ${answer.text}`);
  return answer.json;
}

// ---- accounts made by an admin ----------------------------------------------------------------

// Signs in an account an admin made (or whose password an admin reset): such a session may do nothing
// but replace the password, so this replaces it with `newPassword` first. Answers the checked client.
export async function firstLogin(stack, login, password, newPassword = `${password}-own`) {
  const client = checked(stack.client());
  const answer = await client.login(login, password);
  assert.equal(answer.status, 200, `login ${login}: ${answer.text}`);
  assert.equal(answer.json.must_change_password, true, 'an admin-made password must be changed');
  const changed = await client.post('/api/v1/me/password', { current_password: password, new_password: newPassword });
  assert.equal(changed.status, 204, `password change: ${changed.text}`);
  client.session = (await client.get('/api/v1/session')).json;
  return client;
}

// ---- the TOTP second factor -----------------------------------------------------------------------

// Enrols `client` (signed in) in the second factor: answers {secret, uri, recoveryCodes}.
export async function enrolTotp(client) {
  const begun = await client.post('/api/v1/session/totp', {});
  assert.equal(begun.status, 201, `begin: ${begun.text}`);
  const confirmed = await client.post('/api/v1/session/totp/confirmation', { code: totpCode(begun.json.secret) });
  assert.equal(confirmed.status, 200, `confirm: ${confirmed.text}`);
  return { secret: begun.json.secret, uri: begun.json.uri, recoveryCodes: confirmed.json.recovery_codes };
}
