// Served as behind TLS (the default, no plain_http_loopback): the session cookie is Secure with the
// __Host- prefix (Path=/, no Domain), every answer carries Strict-Transport-Security, and the server's
// own origin is https. The plain-HTTP mode of every other API test is checked in session.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { anonymous, assertError, skipUnlessReady, useStack } from './support.mjs';

const stack = useStack({ plainHttp: false });
const hsts = 'max-age=31536000';

test('login sets a __Host- cookie with Secure, Path=/ and no Domain, and answers with HSTS', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  const user = stack().user('yamagata', 'counsellor');
  const login = await client.login(user.login, user.password);
  assert.equal(login.status, 200, login.text);
  assert.equal(login.headers['strict-transport-security'], hsts);
  const cookies = login.headers['set-cookie'];
  assert.equal(cookies.length, 1);
  const [cookie] = cookies;
  assert.match(cookie, /^__Host-yorisoi_session=[A-Za-z0-9_-]{43};/);
  const attributes = cookie.split(';').slice(1).map((a) => a.trim());
  assert.deepEqual(attributes.sort(), ['HttpOnly', 'Path=/', 'SameSite=Strict', 'Secure']);
  assert.equal((await client.get('/api/v1/session')).status, 200);

  // The unprefixed name (what a plain-HTTP page or a sibling host could plant) is not read.
  const token = cookie.split(';')[0].slice('__Host-yorisoi_session='.length);
  const planted = anonymous(stack());
  planted.cookies.set('yorisoi_session', token);
  assertError(await planted.get('/api/v1/session'), 401, 'unauthenticated');

  const logout = await client.delete('/api/v1/session', { origin: `https://${new URL(stack().baseUrl).host}` });
  assert.equal(logout.status, 204, logout.text);
  const cleared = logout.headers['set-cookie'][0];
  assert.match(cleared, /^__Host-yorisoi_session=;/);
  assert.match(cleared, /;\s*Secure/);
  assert.match(cleared, /;\s*Max-Age=0/);
});

test('every answer carries HSTS: health, readiness, static console, 404, refusals', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = stack().client();  // unchecked: /healthz and the console are not API operations
  for (const path of ['/healthz', '/readyz', '/console/', '/no-such-page', '/api/v1/session']) {
    const answer = await client.get(path);
    assert.equal(answer.headers['strict-transport-security'], hsts, `${path} answered ${answer.status}`);
  }
});

test('the own origin is https: an http Origin of the same host is refused as csrf', async (t) => {
  if (skipUnlessReady(t)) return;
  const host = new URL(stack().baseUrl).host;
  const user = stack().user('yamagata', 'counsellor');
  const refused = anonymous(stack());
  assertError(await refused.login(user.login, user.password, { origin: `http://${host}` }), 403, 'csrf');
  const accepted = anonymous(stack());
  assert.equal((await accepted.login(user.login, user.password, { origin: `https://${host}` })).status, 200);
});
