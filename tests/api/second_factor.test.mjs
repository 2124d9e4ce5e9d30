// The optional TOTP second factor: enrolment (secret and otpauth URI, confirmation with a code computed
// here with node's HMAC-SHA1, ten recovery codes), login with and without a code (401
// second_factor_required, still counted by the throttle; a wrong code 401 bad_credentials, counted),
// no replay of a used step, recovery codes once each, disabling (password and code), an admin's reset,
// the audit rows; and tendo's `second_factor = "required_for_readers"`: counsellors and supervisors
// without a factor may only enrol (403 second_factor_enrolment_required), others are not asked.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { anonymous, as, assertError, enrolTotp, openStream, skipUnlessReady, totpCode, useStack } from './support.mjs';

const stack = useStack({ tendoKeys: 'console = { second_factor = "required_for_readers" }' });

const audited = async (userId, action) =>
  Number((await stack().sql(`SELECT count(*) FROM audit_event WHERE object_id = '${userId}' AND action = '${action}'`))[0][0]);

test('enrol, then log in only with a code: none → 401 second_factor_required, wrong → bad_credentials, a used step never again', async (t) => {
  if (skipUnlessReady(t)) return;
  const user = stack().user('yamagata', 'counsellor');
  const client = await as(stack(), 'yamagata', 'counsellor');
  assert.equal(client.session.second_factor, false);
  const begun = await client.post('/api/v1/session/totp', {});
  assert.equal(begun.status, 201, begun.text);
  assert.match(begun.json.secret, /^[A-Z2-7]{32}$/, '160 bits in base32');
  assert.match(begun.json.uri, new RegExp(`^otpauth://totp/.+:${user.login}\\?secret=${begun.json.secret}&issuer=.+&algorithm=SHA1&digits=6&period=30$`));
  assertError(await client.post('/api/v1/session/totp/confirmation', { code: '12345' }), 422, 'invalid');
  const wrong = await client.post('/api/v1/session/totp/confirmation', { code: totpCode(begun.json.secret, 5) });
  assert.equal(wrong.json.reason, 'wrong_code');
  const confirmed = await client.post('/api/v1/session/totp/confirmation', { code: totpCode(begun.json.secret) });
  assert.equal(confirmed.status, 200, confirmed.text);
  const codes = confirmed.json.recovery_codes;
  assert.equal(new Set(codes).size, 10);
  assert.equal((await client.get('/api/v1/session')).json.second_factor, true);
  const stored = await stack().sql(`SELECT count(*) FROM staff_recovery_code WHERE user_id = '${client.session.user.user_id}'`);
  assert.equal(stored[0][0], '10');
  const plain = await stack().sql(`SELECT count(*) FROM staff_recovery_code WHERE encode(code_hash, 'escape') LIKE '%${codes[0].slice(0, 5)}%'`);
  assert.equal(plain[0][0], '0', 'only hashes are kept');
  const secretInClear = await stack().sql(`SELECT count(*) FROM staff_totp WHERE encode(secret, 'hex') LIKE '%${Buffer.from(begun.json.secret).toString('hex').slice(0, 16)}%'`);
  assert.equal(secretInClear[0][0], '0', 'the secret is sealed');
  assertError(await client.post('/api/v1/session/totp', {}), 409, 'conflict');

  const missing = await anonymous(stack()).login(user.login, user.password);
  assertError(missing, 401, 'second_factor_required');
  assert.equal(missing.json.reason, 'second_factor_required');
  assert.equal(missing.headers['set-cookie']?.some((c) => c.startsWith('yorisoi_session=') && !/Max-Age=0/i.test(c)) ?? false, false);
  assertError(await anonymous(stack()).login(user.login, 'not-the-password', { }), 401, 'bad_credentials');
  const wrongCode = await anonymous(stack()).post('/api/v1/session', { login: user.login, password: user.password, code: totpCode(begun.json.secret, 7) });
  assertError(wrongCode, 401, 'bad_credentials');

  // The confirmation used the current step; the next step's code signs in once.
  const next = totpCode(begun.json.secret, 1);
  const ok = await anonymous(stack()).post('/api/v1/session', { login: user.login, password: user.password, code: next });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.second_factor, true);
  const replay = await anonymous(stack()).post('/api/v1/session', { login: user.login, password: user.password, code: next });
  assertError(replay, 401, 'bad_credentials');
  const current = await anonymous(stack()).post('/api/v1/session', { login: user.login, password: user.password, code: totpCode(begun.json.secret) });
  assertError(current, 401, 'bad_credentials');

  // A recovery code signs in once (any case, hyphen or not).
  const recovery = await anonymous(stack()).post('/api/v1/session', { login: user.login, password: user.password, code: codes[0].toUpperCase().replace('-', '') });
  assert.equal(recovery.status, 200, recovery.text);
  assertError(await anonymous(stack()).post('/api/v1/session', { login: user.login, password: user.password, code: codes[0] }), 401, 'bad_credentials');
  assert.equal(await audited(client.session.user.user_id, 'account.recovery_code_used'), 1);

  // Disabling needs the password and a code.
  const me = recovery.json;
  const disabler = anonymous(stack());
  const signedIn = await disabler.post('/api/v1/session', { login: user.login, password: user.password, code: codes[1] });
  assert.equal(signedIn.status, 200, signedIn.text);
  disabler.csrfToken = signedIn.json.csrf_token;
  const noPassword = await disabler.post('/api/v1/session/totp/disable', { password: 'wrong-password-here', code: codes[2] });
  assertError(noPassword, 422, 'invalid');
  assert.equal(noPassword.json.reason, 'wrong_password_or_code');
  assert.equal((await disabler.post('/api/v1/session/totp/disable', { password: user.password, code: codes[3] })).status, 204);
  assert.equal((await anonymous(stack()).login(user.login, user.password)).status, 200, 'the password alone again');
  for (const action of ['account.totp_enrol', 'account.totp_confirm', 'account.totp_disable']) {
    assert.equal(await audited(me.user.user_id, action), 1, action);
  }
});

test('the throttle counts logins that stop at the second factor and wrong codes', async (t) => {
  if (skipUnlessReady(t)) return;
  const user = stack().user('yamagata', 'analyst');
  const client = await as(stack(), 'yamagata', 'analyst');
  const { secret } = await enrolTotp(client);
  for (let i = 0; i < 3; ++i) {
    assertError(await anonymous(stack()).login(user.login, user.password), 401, 'second_factor_required');
  }
  for (let i = 0; i < 2; ++i) {
    assertError(await anonymous(stack()).post('/api/v1/session', { login: user.login, password: user.password, code: totpCode(secret, 9) }), 401, 'bad_credentials');
  }
  const locked = await anonymous(stack()).post('/api/v1/session', { login: user.login, password: user.password, code: totpCode(secret, 1) });
  assert.equal(locked.status, 429, 'five failures lock the name, even with the right code now');
});

test('an admin resets another user\'s factor (audited): the user signs in with the password alone and enrols again', async (t) => {
  if (skipUnlessReady(t)) return;
  const user = stack().user('yamagata', 'supervisor');
  const client = await as(stack(), 'yamagata', 'supervisor');
  await enrolTotp(client);
  const admin = await as(stack(), 'yamagata', 'admin');
  const tendoAdmin = await as(stack(), 'tendo', 'admin');
  assertError(await tendoAdmin.delete(`/api/v1/staff/${client.session.user.user_id}/totp`), 404, 'not_found');
  assertError(await client.delete(`/api/v1/staff/${client.session.user.user_id}/totp`), 403, 'forbidden');
  assert.equal((await admin.delete(`/api/v1/staff/${client.session.user.user_id}/totp`)).status, 204);
  assertError(await client.get('/api/v1/session'), 401, 'unauthenticated');
  const again = await anonymous(stack()).login(user.login, user.password);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.second_factor, false);
  assert.equal(await audited(client.session.user.user_id, 'staff.totp_reset'), 1);
});

test('required_for_readers: a counsellor without a factor may only enrol; then everything; an admin is not asked', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'tendo', 'counsellor');
  assert.equal(counsellor.session.second_factor_enrolment_required, true);
  for (const path of ['/api/v1/queue', '/api/v1/tenant', '/api/v1/events']) {
    const refused = await counsellor.get(path);
    assertError(refused, 403, 'forbidden');
    assert.equal(refused.json.reason, 'second_factor_enrolment_required', path);
  }
  const refusedChange = await counsellor.post('/api/v1/me/password', { current_password: 'x', new_password: 'y'.repeat(12) });
  assert.equal(refusedChange.json?.reason, 'second_factor_enrolment_required');
  await assert.rejects(openStream(counsellor), (e) => e.status === 403);
  const { secret } = await enrolTotp(counsellor);
  assert.equal((await counsellor.get('/api/v1/session')).json.second_factor_enrolment_required, false);
  assert.equal((await counsellor.get('/api/v1/queue')).status, 200);
  const user = stack().user('tendo', 'counsellor');
  const next = await anonymous(stack()).post('/api/v1/session', { login: user.login, password: user.password, code: totpCode(secret, 1) });
  assert.equal(next.status, 200, next.text);

  const admin = await as(stack(), 'tendo', 'admin');
  assert.equal(admin.session.second_factor_enrolment_required, false);
  assert.equal((await admin.get('/api/v1/staff')).status, 200);
  const yamagata = await as(stack(), 'yamagata', 'counsellor2');
  assert.equal(yamagata.session.second_factor_enrolment_required, false, 'yamagata keeps the default (optional)');
});
