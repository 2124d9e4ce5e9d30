// Login throttling (its own stack: every failure here counts against 127.0.0.1): 5 failures per login
// lock that login, known or not, with the same answers (no user enumeration); 20 failures per address
// lock the address.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { anonymous, assertError, skipUnlessReady, useStack } from './support.mjs';

const stack = useStack();

function assertThrottled(answer) {
  assertError(answer, 429, 'throttled');
  const retryAfter = Number(answer.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${answer.headers['retry-after']}`);
}

test('five failures lock a login, even with the right password next; unknown logins behave the same', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  const user = stack().user('yamagata', 'counsellor');
  const known = [];
  const unknown = [];
  for (let i = 0; i < 5; ++i) {
    known.push(await client.login(user.login, `wrong-password-${i}`));
    unknown.push(await client.login('no-such-login', `wrong-password-${i}`));
  }
  for (let i = 0; i < 5; ++i) {
    assertError(known[i], 401, 'bad_credentials');
    assert.deepEqual(unknown[i].json, known[i].json);
  }
  const locked = await client.login(user.login, user.password);
  assertThrottled(locked);
  const lockedUnknown = await client.login('no-such-login', user.password);
  assertThrottled(lockedUnknown);
  assert.deepEqual(lockedUnknown.json, locked.json);
  assert.equal(client.cookies.size, 0);
  // Another login is not locked by these (10 failures from this address so far, under 20).
  const other = stack().user('yamagata', 'supervisor');
  assert.equal((await anonymous(stack()).login(other.login, other.password)).status, 200);
});

test('twenty failures from one address → 429 for that address, whatever the login', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  // 10 failures came from the previous test; 10 more on distinct logins (none reaches 5 per login).
  for (let i = 0; i < 10; ++i) {
    const answer = await client.login(`spray-${i}`, 'wrong-password');
    assert.ok(answer.status === 401 || answer.status === 429, `status ${answer.status}`);
  }
  const user = stack().user('tendo', 'admin');
  assertThrottled(await client.login(user.login, user.password));
});
