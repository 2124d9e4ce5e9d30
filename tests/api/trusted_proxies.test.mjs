// The login throttle's client address behind a reverse proxy (config [server] trusted_proxies): from a
// trusted proxy (here 127.0.0.1, as HAProxy on the same host) the client is the last X-Forwarded-For
// hop, so 20 failures of one client behind the proxy lock that client only, not everyone behind the
// proxy; what the client writes into the header itself (left of the proxy's hop) changes nothing.
// Without trusted proxies the header is ignored: it cannot be used to dodge the per-address limit.
// The proxies are given as CIDR ranges; an IPv6 client is counted by its /64.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { anonymous, assertError, skipUnlessReady, useStack } from './support.mjs';

const behindProxy = useStack({ serverExtra: 'trusted_proxies = ["10.0.0.0/8", "127.0.0.0/8"]' });
const direct = useStack();

const via = (forwardedFor) => ({ headers: { 'x-forwarded-for': forwardedFor } });

// 20 failures on distinct logins (none reaches the 5 per login), each with its own X-Forwarded-For.
async function spray(client, forwardedFor) {
  for (let i = 0; i < 20; ++i) {
    const answer = await client.login(`spray-${i}`, 'wrong-password', via(forwardedFor(i)));
    assert.ok(answer.status === 401 || answer.status === 429, `status ${answer.status}`);
  }
}

test('behind a trusted proxy, 20 failures lock the forwarded client only', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = behindProxy();
  const client = anonymous(s);
  // The client forges a different first hop each time; the proxy's last hop stays 198.51.100.1.
  await spray(client, (i) => `10.0.0.${i}, 198.51.100.1`);
  const user = s.user('yamagata', 'supervisor');
  assertError(await client.login(user.login, user.password, via('198.51.100.1')), 429, 'throttled');
  assertError(await client.login(user.login, user.password, via('192.0.2.200, 198.51.100.1')), 429, 'throttled');
  // Another client behind the same proxy, and the proxy's own address, are not locked.
  assert.equal((await anonymous(s).login(user.login, user.password, via('198.51.100.2'))).status, 200);
  assert.equal((await anonymous(s).login(user.login, user.password)).status, 200);
});

test('behind a trusted proxy, an IPv6 client is locked by its /64', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = behindProxy();
  const client = anonymous(s);
  // A new address of the same /64 for every attempt changes nothing.
  await spray(client, (i) => `2001:db8:1:2::${i + 1}`);
  const user = s.user('yamagata', 'supervisor');
  assertError(await client.login(user.login, user.password, via('2001:db8:1:2:ffff::9')), 429, 'throttled');
  assert.equal((await anonymous(s).login(user.login, user.password, via('2001:db8:1:3::1'))).status, 200);
});

test('without trusted proxies X-Forwarded-For is ignored: the socket peer is locked', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = direct();
  const client = anonymous(s);
  await spray(client, (i) => `198.51.100.${i}`);
  const user = s.user('yamagata', 'supervisor');
  assertError(await client.login(user.login, user.password, via('198.51.100.250')), 429, 'throttled');
  assertError(await anonymous(s).login(user.login, user.password), 429, 'throttled');
});

test('check-config refuses a trusted proxy that is not an IP address or has a bad prefix length', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = direct();
  const { readFileSync, writeFileSync } = await import('node:fs');
  const bad = `${s.configFile}.bad.toml`;
  writeFileSync(bad, readFileSync(s.configFile, 'utf8').replace('[server]\n', '[server]\ntrusted_proxies = ["haproxy"]\n'));
  const result = await s.cli(['check-config', '--config', bad]);
  assert.equal(result.code, 2, result.stdout);
  assert.match(result.stderr, /server\.trusted_proxies\[0\]/);
  writeFileSync(bad, readFileSync(s.configFile, 'utf8').replace('[server]\n', '[server]\ntrusted_proxies = ["10.0.0.0/33"]\n'));
  const prefix = await s.cli(['check-config', '--config', bad]);
  assert.equal(prefix.code, 2, prefix.stdout);
  assert.match(prefix.stderr, /server\.trusted_proxies\[0\].*prefix length/);
});
