// Login throttling (its own stack, behind a trusted proxy so that each test plays clients at addresses
// of its own through X-Forwarded-For). Failures are counted per login name and client address: five cost
// nothing, then that name from that address waits a delay that doubles with every further failure
// (here from 60 s, so that no answer depends on how fast the machine is); the name is never locked for
// other addresses. Twenty failures of any names from one address throttle the address. The current
// password checked by a password change is throttled the same way, per user.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { anonymous, as, assertError, skipUnlessReady, useStack } from './support.mjs';

const stack = useStack({
  serverExtra: 'trusted_proxies = ["127.0.0.0/8"]\n[server.sessions]\nfirst_delay_seconds = 60\n',
});

const from = (address) => ({ headers: { 'x-forwarded-for': address } });

function retryAfterOf(answer) {
  assertError(answer, 429, 'throttled');
  const retryAfter = Number(answer.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 15 * 60, `Retry-After ${answer.headers['retry-after']}`);
  return retryAfter;
}

test('five failures make that name wait at that address, known and unknown names alike', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  const outsider = from('198.51.100.10');
  const user = stack().user('yamagata', 'counsellor');
  const known = [];
  const unknown = [];
  for (let i = 0; i < 5; ++i) {
    known.push(await client.login(user.login, `wrong-password-${i}`, outsider));
    unknown.push(await client.login('no-such-login', `wrong-password-${i}`, outsider));
  }
  for (let i = 0; i < 5; ++i) {
    assertError(known[i], 401, 'bad_credentials');
    assert.deepEqual(unknown[i].json, known[i].json);
  }
  const waiting = await client.login(user.login, user.password, outsider);
  const waitingUnknown = await client.login('no-such-login', user.password, outsider);
  assert.equal(retryAfterOf(waiting), retryAfterOf(waitingUnknown));
  assert.deepEqual(waitingUnknown.json, waiting.json);
  assert.equal(client.cookies.size, 0);
  // Another login from the same address is not delayed by these (10 failures so far, under 20).
  const other = stack().user('yamagata', 'supervisor');
  assert.equal((await anonymous(stack()).login(other.login, other.password, outsider)).status, 200);
});

test("an outsider's twenty attempts on a name do not stop its owner logging in from another address", async (t) => {
  if (skipUnlessReady(t)) return;
  const user = stack().user('tendo', 'counsellor');
  const outsider = anonymous(stack());
  const statuses = [];
  for (let i = 0; i < 20; ++i) {
    statuses.push((await outsider.login(user.login, `guess-${i}`, from('203.0.113.20'))).status);
  }
  assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(15).fill(429)]);
  assert.equal((await anonymous(stack()).login(user.login, user.password, from('192.0.2.30'))).status, 200);
  // The owner's success forgets nothing of the outsider's failures: the outsider still waits.
  retryAfterOf(await outsider.login(user.login, user.password, from('203.0.113.20')));
});

test('the wait grows: each failure after a wait doubles the next one', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  const at = from('203.0.113.40');
  for (let i = 0; i < 5; ++i) {
    assertError(await client.login('tanaka', `guess-${i}`, at), 401, 'bad_credentials');
  }
  const waits = [retryAfterOf(await client.login('tanaka', 'guess', at))];
  for (let round = 0; round < 2; ++round) {
    // Let the current wait pass (the failures are moved back in time, as no test sleeps).
    const passed = waits[waits.length - 1] + 1;
    await stack().sql(`UPDATE login_failure SET at = at - interval '${passed} seconds' WHERE address = '203.0.113.40'`);
    assertError(await client.login('tanaka', `guess-after-${round}`, at), 401, 'bad_credentials');
    waits.push(retryAfterOf(await client.login('tanaka', 'guess', at)));
  }
  // 60, 120, 240 (give or take the second the requests took).
  assert.ok(waits[0] > 50 && waits[0] <= 60, `waits ${waits}`);
  assert.ok(waits[1] > 110 && waits[1] <= 120, `waits ${waits}`);
  assert.ok(waits[2] > 230 && waits[2] <= 240, `waits ${waits}`);
});

test('twenty failures from one address → 429 for that address, whatever the name; other addresses unaffected', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  const sprayer = from('198.51.100.50');
  // Distinct names: none reaches its free failures.
  for (let i = 0; i < 20; ++i) {
    assertError(await client.login(`spray-${i}`, 'wrong-password', sprayer), 401, 'bad_credentials');
  }
  const user = stack().user('tendo', 'admin');
  retryAfterOf(await client.login(user.login, user.password, sprayer));
  assert.equal((await anonymous(stack()).login(user.login, user.password, from('198.51.100.51'))).status, 200);
});

test('wrong current passwords on a password change: five free, then 429 with Retry-After, counted per user', async (t) => {
  if (skipUnlessReady(t)) return;
  const user = stack().user('tendo', 'analyst');
  const client = await as(stack(), 'tendo', 'analyst');
  const change = (current) => client.post('/api/v1/me/password', { current_password: current, new_password: 'another-long-password' });
  for (let i = 0; i < 5; ++i) {
    assertError(await change(`wrong-current-${i}`), 422, 'invalid');
  }
  const [counted] = await stack().sql(`SELECT count(*) FROM password_check_failure f JOIN staff_user u USING (user_id)
                                     WHERE u.login = '${user.login}'`);
  assert.equal(counted[0], '5');
  // Even the right one waits now: nothing is checked while throttled.
  const waiting = await change(user.password);
  assert.ok(retryAfterOf(waiting) > 50);
  // Another user is not affected.
  const other = await as(stack(), 'tendo', 'supervisor');
  assertError(await other.post('/api/v1/me/password', { current_password: 'wrong', new_password: 'another-long-password' }), 422, 'invalid');
  // Once the wait has passed, the right password changes it and the failures are forgotten.
  await stack().sql("UPDATE password_check_failure SET at = at - interval '61 seconds'");
  assert.equal((await change(user.password)).status, 204);
  user.password = 'another-long-password';
  const [left] = await stack().sql(`SELECT count(*) FROM password_check_failure f JOIN staff_user u USING (user_id)
                                     WHERE u.login = '${user.login}'`);
  assert.equal(left[0], '0');
});
