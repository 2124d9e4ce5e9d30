// A flood of bogus logins (its own stack: every attempt here counts against 127.0.0.1). Names and
// passwords longer than any account can have answer like any wrong login and are counted; attempts are
// counted before the password hash runs, so that 200 at once from one address get at most the address's
// allowance of answers and 429 for the rest — never 503. The first delay after a name's free failures is
// 60 s here, so that the 429 after them does not depend on how fast the machine is.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { anonymous, assertError, skipUnlessReady, useStack } from './support.mjs';

const stack = useStack({ serverExtra: '[server.sessions]\nfirst_delay_seconds = 60\n' });

test('an 8 KB login name answers like a wrong login and is counted against that name', async (t) => {
  if (skipUnlessReady(t)) return;
  const client = anonymous(stack());
  const longName = `x${'名'.repeat(2730)}`;  // 8,191 bytes of UTF-8
  for (let i = 0; i < 5; ++i) {
    assertError(await client.login(longName, `wrong-${i}`), 401, 'bad_credentials');
  }
  const locked = await client.login(longName, 'wrong-again');
  assertError(locked, 429, 'throttled');
  assert.ok(Number(locked.headers['retry-after']) > 0);
  // An oversized password is a wrong password too (and is not hashed).
  assertError(await client.login('someone', 'p'.repeat(4096)), 401, 'bad_credentials');
  const rows = await stack().sql("SELECT count(*), max(length(login)) FROM login_failure WHERE address = '127.0.0.1'");
  assert.equal(rows[0][0], '6');
  assert.ok(Number(rows[0][1]) <= 256, `counted name of ${rows[0][1]} characters`);
});

test('200 bogus logins at once: each counted, at most the address allowance answered, the rest 429', async (t) => {
  if (skipUnlessReady(t)) return;
  const before = Number((await stack().sql('SELECT count(*) FROM login_failure'))[0][0]);
  const attempts = [];
  for (let i = 0; i < 200; ++i) {
    const name = i % 2 === 0 ? `flood-${i}` : `flood-${i}-${'y'.repeat(8000)}`;
    attempts.push(anonymous(stack()).login(name, 'wrong-password'));
  }
  const answers = await Promise.all(attempts);
  const byStatus = new Map();
  for (const answer of answers) {
    byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    if (answer.status === 429) {
      assert.ok(Number(answer.headers['retry-after']) > 0, 'Retry-After on every 429');
    }
  }
  assert.deepEqual([...byStatus.keys()].filter((s) => s !== 401 && s !== 429), [], `statuses ${JSON.stringify([...byStatus])}`);
  // 6 failures of the previous test plus at most 14 here reach the password check (20 per address).
  assert.ok((byStatus.get(401) ?? 0) <= 14, `${byStatus.get(401)} answered 401`);
  const after = Number((await stack().sql('SELECT count(*) FROM login_failure'))[0][0]);
  assert.equal(after - before, byStatus.get(401) ?? 0, 'every attempt that reached the check is counted');
  // The address is locked now, for a real account too.
  const user = stack().user('yamagata', 'counsellor');
  assertError(await anonymous(stack()).login(user.login, user.password), 429, 'throttled');
});
