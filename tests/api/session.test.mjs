// Sign-in, the session, sign-out, logout everywhere, password change, CSRF and Origin checks,
// unauthenticated and expired sessions, malformed bodies.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { anonymous, as, assertError, assertRefused, skipUnlessReady, useStack } from './support.mjs';

const stack = useStack();

test('login answers the Session and a strict HttpOnly cookie; GET session answers the same', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  const user = stack().user('yamagata', 'counsellor');
  const login = await client.login(user.login, user.password);
  assert.equal(login.status, 200);
  assert.equal(login.json.user.login, user.login);
  assert.equal(login.json.user.role, 'counsellor');
  assert.equal(login.json.user.org_unit, null);
  assert.deepEqual(login.json.tenant.id, 'yamagata');
  const cookie = login.headers['set-cookie'].find((c) => c.startsWith('yorisoi_session='));
  assert.ok(cookie, 'a yorisoi_session cookie');
  assert.match(cookie, /;\s*HttpOnly/i);
  assert.match(cookie, /;\s*SameSite=Strict/i);
  assert.match(cookie, /;\s*Path=\//i);
  assert.doesNotMatch(cookie, /;\s*Secure/i, 'no Secure with server.plain_http_loopback');
  assert.equal(login.headers['strict-transport-security'], undefined, 'no HSTS with server.plain_http_loopback');
  const token = cookie.split(';')[0].slice('yorisoi_session='.length);
  assert.match(token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
  const session = await client.get('/api/v1/session');
  assert.equal(session.status, 200);
  assert.equal(session.json.user.user_id, login.json.user.user_id);
  assert.equal(session.json.csrf_token, login.json.csrf_token);
  // The database keeps only the hash of the token.
  const stored = await stack().sql(`SELECT count(*) FROM staff_session WHERE token_hash = sha256(convert_to('${token}', 'UTF8'))`);
  const raw = await stack().sql(`SELECT count(*) FROM staff_session WHERE encode(token_hash, 'escape') LIKE '%${token}%'`);
  assert.equal(stored[0][0], '1');
  assert.equal(raw[0][0], '0');
});

test('an officer of a unit signs in with its unit', async (t) => {
  if (skipUnlessReady(t)) return;
  const officer = await as(stack(), 'yamagata', 'officer');
  assert.equal(officer.session.user.role, 'officer');
  assert.equal(officer.session.user.org_unit, 'seikatsu-fukushi');
});

test('wrong password, unknown login: the same 401 bad_credentials', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  const user = stack().user('yamagata', 'analyst');
  const wrong = await client.login(user.login, 'not-the-password-at-all');
  const unknown = await client.login('nobody-here', 'not-the-password-at-all');
  assertError(wrong, 401, 'bad_credentials');
  assert.deepEqual(unknown.json, wrong.json);
  assert.equal(unknown.status, wrong.status);
  assert.equal(wrong.json.message, 'ログイン名またはパスワードが違います。');
  assert.equal(wrong.headers['set-cookie'], undefined);
});

test('a disabled account answers the same 401 bad_credentials', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'yamagata', 'admin');
  const created = await admin.post('/api/v1/staff', {
    login: 'yamagata-disabled', display_name: '無効化される人', role: 'counsellor', password: 'long-enough-password-1',
  });
  assert.equal(created.status, 201);
  const patched = await admin.patch(`/api/v1/staff/${created.json.user_id}`, { disabled: true });
  assert.equal(patched.status, 200);
  const answer = await anonymous(stack()).login('yamagata-disabled', 'long-enough-password-1');
  assertError(answer, 401, 'bad_credentials');
  assert.equal(answer.json.message, 'ログイン名またはパスワードが違います。');
});

test('login body: not JSON → 400, wrong types → 400, no content type → 415', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  assertError(await client.post('/api/v1/session', undefined, { raw: '{"login": "x", ' }), 400, 'bad_request');
  assertError(await client.post('/api/v1/session', { login: 5, password: [] }), 400, 'bad_request');
  assertError(await client.post('/api/v1/session', { login: 'x' }), 400, 'bad_request');
  assertError(await client.post('/api/v1/session', undefined, { raw: '{"login":"a","password":"b"}', contentType: 'text/plain' }),
    415, 'unsupported_media_type');
});

test('no session, unknown session → 401 unauthenticated on every protected route', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  for (const path of ['/api/v1/session', '/api/v1/tenant', '/api/v1/queue', '/api/v1/staff', '/api/v1/events']) {
    assertError(await client.get(path), 401, 'unauthenticated');
  }
  client.cookies.set('yorisoi_session', 'A'.repeat(43));
  assertError(await client.get('/api/v1/session'), 401, 'unauthenticated');
  assertError(await client.post('/api/v1/session/logout-everywhere', undefined, { csrf: 'whatever' }), 401, 'unauthenticated');
});

test('an expired session (absolute or idle) → 401', async (t) => {
  if (skipUnlessReady(t)) return;
  const a = await as(stack(), 'yamagata', 'counsellor2');
  const b = await as(stack(), 'yamagata', 'supervisor');
  await stack().sql(`UPDATE staff_session SET expires_at = now() - interval '1 second' WHERE user_id = '${a.session.user.user_id}'`);
  await stack().sql(`UPDATE staff_session SET last_seen_at = now() - interval '61 minutes' WHERE user_id = '${b.session.user.user_id}'`);
  assertError(await a.get('/api/v1/session'), 401, 'unauthenticated');
  assertError(await b.get('/api/v1/session'), 401, 'unauthenticated');
});

test('CSRF: a state-changing call without the token, or with a wrong one → 403 csrf', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = await as(stack(), 'yamagata', 'counsellor');
  assertError(await client.delete('/api/v1/session', { csrf: false }), 403, 'csrf');
  assertError(await client.delete('/api/v1/session', { csrf: 'wrong-token' }), 403, 'csrf');
  assertError(await client.post('/api/v1/me/password', { current_password: 'x', new_password: 'y'.repeat(12) }, { csrf: false }), 403, 'csrf');
  // The session survived.
  assert.equal((await client.get('/api/v1/session')).status, 200);
});

test('Origin: a foreign origin is refused 403 csrf (login included); the own origin is accepted', async (t) => {
  if (skipUnlessReady(t)) return;
  const user = stack().user('yamagata', 'counsellor');
  const client = anonymous(stack());
  assertError(await client.login(user.login, user.password, { origin: 'http://evil.example' }), 403, 'csrf');
  assert.equal(client.cookies.size, 0);
  const ok = await client.login(user.login, user.password, { origin: client.origin() });
  assert.equal(ok.status, 200);
  assertError(await client.get('/api/v1/session', { origin: 'http://evil.example' }), 403, 'csrf');
  assertError(await client.delete('/api/v1/session', { origin: 'https://127.0.0.1.evil.example' }), 403, 'csrf');
  assert.equal((await client.get('/api/v1/session', { origin: client.origin() })).status, 200);
});

test('logout: 204, cookie cleared with Max-Age=0, the session is gone server-side', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = await as(stack(), 'yamagata', 'analyst');
  const cookie = client.cookieHeader();
  const answer = await client.delete('/api/v1/session');
  assert.equal(answer.status, 204);
  const cleared = answer.headers['set-cookie'].find((c) => c.startsWith('yorisoi_session='));
  assert.match(cleared, /Max-Age=0/i);
  const replay = anonymous(stack());
  assertError(await replay.get('/api/v1/session', { headers: { cookie } }), 401, 'unauthenticated');
});

test('logout everywhere ends every session of the user, not other users\'', async (t) => {
  if (skipUnlessReady(t)) return;
  const one = await as(stack(), 'tendo', 'counsellor');
  const two = await as(stack(), 'tendo', 'counsellor');
  const other = await as(stack(), 'tendo', 'counsellor2');
  assert.equal((await one.post('/api/v1/session/logout-everywhere')).status, 204);
  assertError(await one.get('/api/v1/session'), 401, 'unauthenticated');
  assertError(await two.get('/api/v1/session'), 401, 'unauthenticated');
  assert.equal((await other.get('/api/v1/session')).status, 200);
});

test('password change: 422 for a short new one or a wrong current one; success ends the other sessions', async (t) => {
  if (skipUnlessReady(t)) return;
  const user = stack().user('tendo', 'analyst');
  const main = await as(stack(), 'tendo', 'analyst');
  const elsewhere = await as(stack(), 'tendo', 'analyst');
  assertRefused(await main.post('/api/v1/me/password', { current_password: user.password, new_password: 'short' }), 422,
    'invalid', 'password_too_short');
  assertRefused(await main.post('/api/v1/me/password', { current_password: 'wrong-current-pw', new_password: 'a-new-long-password' }),
    422, 'invalid', 'wrong_password');
  assertError(await main.post('/api/v1/me/password', { current_password: user.password }), 400, 'bad_request');
  const changed = await main.post('/api/v1/me/password', { current_password: user.password, new_password: 'a-new-long-password' });
  assert.equal(changed.status, 204);
  assert.equal((await main.get('/api/v1/session')).status, 200, 'the changing session stays');
  assertError(await elsewhere.get('/api/v1/session'), 401, 'unauthenticated');
  assertError(await anonymous(stack()).login(user.login, user.password), 401, 'bad_credentials');
  assert.equal((await anonymous(stack()).login(user.login, 'a-new-long-password')).status, 200);
  user.password = 'a-new-long-password';
});

test('GET tenant answers the tenant of the session with its labels, templates and units', async (t) => {
  if (skipUnlessReady(t)) return;
  const yamagata = await (await as(stack(), 'yamagata', 'officer2')).get('/api/v1/tenant');
  assert.equal(yamagata.status, 200);
  assert.equal(yamagata.json.id, 'yamagata');
  assert.ok(yamagata.json.categories.includes('孤独・孤立'));
  assert.ok(yamagata.json.templates.some((tpl) => tpl.id === 'first-answer'));
  assert.equal(yamagata.json.org_units.filter((u) => u.kind === 'hub').length, 1);
  const tendo = await (await as(stack(), 'tendo', 'admin')).get('/api/v1/tenant');
  assert.equal(tendo.json.id, 'tendo');
  assert.deepEqual(tendo.json.age_bands, ['10代', '20代', '30代以上']);
});
