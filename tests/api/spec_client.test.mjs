// A client written from openapi.json alone: it knows operationIds, path templates, the security schemes
// and the schemas, nothing of the server's code or of the other tests' helpers. It signs in, works one
// consultation through and signs out; every answer's status must be one the operation documents, and
// every 2xx body must match its schema. A gap in the spec (an undocumented status, a header the spec
// does not name, a field missing from a schema) fails here.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { skipUnlessReady, useStack, waitFor } from './support.mjs';
import { assertAnswer, openapi } from './schema.mjs';

const stack = useStack();

class SpecClient {
  constructor(baseUrl, spec) {
    this.baseUrl = baseUrl;
    this.spec = spec;
    this.cookies = new Map();
    this.csrf = null;
  }

  operation(operationId) {
    for (const [path, item] of Object.entries(this.spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op.operationId === operationId) {
          return { path, method: method.toUpperCase(), op };
        }
      }
    }
    throw new Error(`openapi.json has no operation ${operationId}`);
  }

  // Calls the operation: path parameters from `params`, `query` as the query string, `body` as JSON.
  async call(operationId, { params = {}, query = {}, body } = {}) {
    const { path, method, op } = this.operation(operationId);
    const filled = path.replace(/\{([^}]+)\}/g, (_, name) => {
      assert.ok(name in params, `${operationId} needs the path parameter ${name}`);
      return encodeURIComponent(params[name]);
    });
    const url = new URL(filled.slice(1), this.baseUrl);
    for (const [key, value] of Object.entries(query)) {
      url.searchParams.set(key, String(value));
    }
    const headers = {};
    if (body !== undefined) {
      assert.ok(op.requestBody?.content?.['application/json'], `${operationId} documents no JSON body`);
      headers['Content-Type'] = 'application/json';
    }
    const schemes = this.spec.components.securitySchemes;
    for (const requirement of op.security ?? []) {
      for (const name of Object.keys(requirement)) {
        const scheme = schemes[name];
        if (scheme.in === 'header' && this.csrf) {
          headers[scheme.name] = this.csrf;
        }
      }
    }
    if (this.cookies.size > 0) {
      headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    }
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'manual' });
    // Node 18's fetch (Debian 12) has no Headers.getSetCookie: split the joined header at each new cookie.
    const joined = response.headers.get('set-cookie');
    const setCookies = typeof response.headers.getSetCookie === 'function' ? response.headers.getSetCookie()
      : (joined ? joined.split(/,\s*(?=[^;,\s]+=)/) : []);
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const [key, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      if (value === '') {
        this.cookies.delete(key);
      } else {
        this.cookies.set(key, value);
      }
    }
    const text = await response.text();
    const answer = { status: response.status, text, json: text ? JSON.parse(text) : null, headers: Object.fromEntries(response.headers) };
    assert.ok(String(answer.status) in op.responses,
      `${operationId} answered ${answer.status}, which openapi.json does not document: ${text}`);
    assertAnswer(method, filled, answer);
    return answer;
  }
}

test('a client from openapi.json alone signs in, works a consultation through and signs out', async (t) => {
  if (skipUnlessReady(t)) return;
  const user = stack().user('yamagata', 'counsellor');
  const client = new SpecClient(stack().baseUrl, openapi);

  assert.equal((await client.call('getSession')).status, 401);
  const signedIn = await client.call('login', { body: { login: user.login, password: user.password } });
  assert.equal(signedIn.status, 200);
  client.csrf = signedIn.json.csrf_token;

  // A request that changes something without the token is refused, as the csrf scheme says.
  const { userId } = await stack().residentWrites('yamagata', '眠れない夜が続いています');
  const item = await waitFor(async () => {
    const page = await client.call('getQueue', { query: { view: 'waiting', limit: 50 } });
    return page.json.items[0];
  }, 10_000);
  assert.ok(userId);
  const token = client.csrf;
  client.csrf = null;
  assert.equal((await client.call('claimConsultation', { params: { consultation_id: item.consultation_id } })).status, 403);
  client.csrf = token;

  const id = { consultation_id: item.consultation_id };
  assert.equal((await client.call('claimConsultation', { params: id })).status, 200);
  assert.equal((await client.call('getConsultation', { params: id })).status, 200);
  assert.equal((await client.call('sendMessage', { params: id, body: { text: 'お話を聞かせてください。' } })).status, 201);
  assert.equal((await client.call('addNote', { params: id, body: { text: '睡眠の相談' } })).status, 201);
  const tenant = await client.call('getTenant');
  assert.equal(tenant.status, 200);
  const tags = await client.call('setTags', { params: id, body: { categories: [tenant.json.categories[0]], age_band: null } });
  assert.equal(tags.status, 200, tags.text);
  assert.equal((await client.call('closeConsultation', { params: id })).status, 200);
  const again = await client.call('sendMessage', { params: id, body: { text: 'まだいますか' } });
  assert.equal(again.status, 409);
  assert.equal(again.json.reason, 'consultation_closed');
  assert.equal((await client.call('getQueueCounts')).status, 200);
  assert.equal((await client.call('logout')).status, 204);
  assert.equal((await client.call('getSession')).status, 401);
});
