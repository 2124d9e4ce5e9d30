// Staff administration: list, create, change; only admins (manage_staff), only their own tenant.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { anonymous, as, assertError, assertRefused, skipUnlessReady, useStack } from './support.mjs';

const stack = useStack();

test('an admin lists the staff of its own tenant only', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'yamagata', 'admin');
  const answer = await admin.get('/api/v1/staff');
  assert.equal(answer.status, 200);
  const logins = answer.json.items.map((s) => s.login).sort();
  for (const key of ['admin', 'supervisor', 'counsellor', 'counsellor2', 'officer', 'officer2', 'analyst']) {
    assert.ok(logins.includes(`yamagata-${key}`), key);
  }
  assert.ok(!logins.some((l) => l.startsWith('tendo-')), 'no staff of another tenant');
  const officer = answer.json.items.find((s) => s.login === 'yamagata-officer2');
  assert.equal(officer.org_unit, 'seishin-hoken');
  assert.equal(officer.disabled, false);
  assert.ok(!JSON.stringify(answer.json).includes('argon2'), 'no password hashes');
});

test('every role but admin is refused 403 forbidden on staff routes', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'yamagata', 'admin');
  const someone = (await admin.get('/api/v1/staff')).json.items[0].user_id;
  for (const key of ['supervisor', 'counsellor', 'officer', 'analyst']) {
    const client = await as(stack(), 'yamagata', key);
    assertError(await client.get('/api/v1/staff'), 403, 'forbidden');
    assertError(await client.post('/api/v1/staff', { login: `x-${key}`, display_name: 'x', role: 'counsellor', password: 'long-enough-password' }), 403, 'forbidden');
    assertError(await client.patch(`/api/v1/staff/${someone}`, { display_name: 'x' }), 403, 'forbidden');
  }
});

test('create: 201 Staff; the new account can sign in', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'yamagata', 'admin');
  const created = await admin.post('/api/v1/staff', {
    login: 'yamagata-new-officer', display_name: '新しい職員', role: 'officer', org_unit: 'choju-shien', password: 'long-enough-password',
  });
  assert.equal(created.status, 201);
  assert.equal(created.json.role, 'officer');
  assert.equal(created.json.org_unit, 'choju-shien');
  assert.equal(created.json.disabled, false);
  const login = await anonymous(stack()).login('yamagata-new-officer', 'long-enough-password');
  assert.equal(login.status, 200);
  assert.equal(login.json.tenant.id, 'yamagata');
});

test('create: 422 with its reason for a duplicate login, a short password, an unknown role or unit; 400 for a wrong body', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'yamagata', 'admin');
  const base = { login: 'yamagata-fresh', display_name: 'だれか', role: 'counsellor', password: 'long-enough-password' };
  assertRefused(await admin.post('/api/v1/staff', { ...base, login: 'yamagata-counsellor' }), 422, 'invalid', 'login_taken');
  assertRefused(await admin.post('/api/v1/staff', { ...base, login: 'TENDO-COUNSELLOR' }), 422, 'invalid', 'login_taken');
  assertRefused(await admin.post('/api/v1/staff', { ...base, login: 'with space' }), 422, 'invalid', 'login_format');
  assertRefused(await admin.post('/api/v1/staff', { ...base, login: '' }), 422, 'invalid', 'empty_login');
  assertRefused(await admin.post('/api/v1/staff', { ...base, display_name: '' }), 422, 'invalid', 'empty_display_name');
  assertRefused(await admin.post('/api/v1/staff', { ...base, display_name: 'あ'.repeat(101) }), 422, 'invalid',
    'display_name_length');
  assertRefused(await admin.post('/api/v1/staff', { ...base, password: 'short' }), 422, 'invalid', 'password_too_short');
  assertRefused(await admin.post('/api/v1/staff', { ...base, role: 'officer', org_unit: 'no-such-unit' }), 422, 'invalid',
    'unknown_unit');
  assertRefused(await admin.post('/api/v1/staff', { ...base, role: 'officer', org_unit: 'fukushi' }), 422, 'invalid',
    'unknown_unit');
  assertRefused(await admin.post('/api/v1/staff', { ...base, role: 'officer' }), 422, 'invalid', 'officer_needs_unit');
  assertRefused(await admin.post('/api/v1/staff', { ...base, org_unit: 'choju-shien' }), 422, 'invalid',
    'unit_only_for_officers');
  assertRefused(await admin.post('/api/v1/staff', { ...base, role: 'root' }), 422, 'invalid', 'unknown_role');
  assertError(await admin.post('/api/v1/staff', { login: 'x' }), 400, 'bad_request');
  assertError(await admin.post('/api/v1/staff', undefined, { raw: 'not json' }), 400, 'bad_request');
  assertError(await admin.post('/api/v1/staff', { ...base }, { csrf: false }), 403, 'csrf');
});

test('change: display name, role, password, disable; another tenant\'s user → 404', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'yamagata', 'admin');
  const created = await admin.post('/api/v1/staff', {
    login: 'yamagata-changing', display_name: '変わる人', role: 'counsellor', password: 'long-enough-password',
  });
  const id = created.json.user_id;
  const renamed = await admin.patch(`/api/v1/staff/${id}`, { display_name: '変わった人', role: 'supervisor' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.json.display_name, '変わった人');
  assert.equal(renamed.json.role, 'supervisor');
  assert.equal((await admin.patch(`/api/v1/staff/${id}`, { password: 'another-long-password' })).status, 200);
  assert.equal((await anonymous(stack()).login('yamagata-changing', 'another-long-password')).status, 200);
  assertRefused(await admin.patch(`/api/v1/staff/${id}`, { password: 'short' }), 422, 'invalid', 'password_too_short');
  assertRefused(await admin.patch(`/api/v1/staff/${id}`, { display_name: '' }), 422, 'invalid', 'empty_display_name');
  assertRefused(await admin.patch(`/api/v1/staff/${id}`, { role: 'root' }), 422, 'invalid', 'unknown_role');
  assertRefused(await admin.patch(`/api/v1/staff/${id}`, { role: 'officer' }), 422, 'invalid', 'officer_needs_unit');
  assertRefused(await admin.patch(`/api/v1/staff/${id}`, { org_unit: 'choju-shien' }), 422, 'invalid',
    'unit_only_for_officers');
  assertRefused(await admin.patch(`/api/v1/staff/${id}`, { role: 'officer', org_unit: 'no-such-unit' }), 422, 'invalid',
    'unknown_unit');
  assertError(await admin.patch(`/api/v1/staff/${id}`, { disabled: 'yes' }), 400, 'bad_request');
  const tendoAdmin = await as(stack(), 'tendo', 'admin');
  assertError(await tendoAdmin.patch(`/api/v1/staff/${id}`, { display_name: '乗っ取り' }), 404, 'not_found');
  assertError(await admin.patch('/api/v1/staff/00000000-0000-4000-8000-000000000000', { display_name: 'x' }), 404, 'not_found');
  assertError(await admin.patch('/api/v1/staff/not-a-uuid', { display_name: 'x' }), 404, 'not_found');
  const disabled = await admin.patch(`/api/v1/staff/${id}`, { disabled: true });
  assert.equal(disabled.json.disabled, true);
});

test('a role change or disabling ends the user\'s sessions', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'tendo', 'admin');
  const counsellor = await as(stack(), 'tendo', 'counsellor2');
  const analyst = await as(stack(), 'tendo', 'analyst');
  assert.equal((await admin.patch(`/api/v1/staff/${counsellor.session.user.user_id}`, { role: 'supervisor' })).status, 200);
  assertError(await counsellor.get('/api/v1/session'), 401, 'unauthenticated');
  assert.equal((await admin.patch(`/api/v1/staff/${analyst.session.user.user_id}`, { disabled: true })).status, 200);
  assertError(await analyst.get('/api/v1/session'), 401, 'unauthenticated');
});

test('no one raises, moves or disables their own account; the name may change', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'yamagata', 'admin');
  const self = admin.session.user.user_id;
  for (const change of [{ role: 'supervisor' }, { role: 'counsellor' }, { disabled: true }]) {
    const refused = await admin.patch(`/api/v1/staff/${self}`, change);
    assertRefused(refused, 422, 'invalid', 'own_account_change');
  }
  // Still an admin, still signed in; the display name is one's own to change.
  assert.equal((await admin.get('/api/v1/session')).json.user.role, 'admin');
  const renamed = await admin.patch(`/api/v1/staff/${self}`, { display_name: '管理者（本人）' });
  assert.equal(renamed.status, 200);
  assert.equal(renamed.json.role, 'admin');
});

// -- GET /api/v1/assignees: who a consultation may be transferred to (supervisors hold `transfer`).

// UTF-8 byte order, which is code point order: what the server sorts by.
const byDisplayName = (a, b) => Buffer.compare(Buffer.from(a.display_name), Buffer.from(b.display_name))
  || Buffer.compare(Buffer.from(a.user_id), Buffer.from(b.user_id));

test('assignees: a supervisor gets the enabled counsellors and supervisors of its tenant, sorted, ids and names only', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'yamagata', 'admin');
  // A disabled counsellor and a fresh one: only the enabled one may be chosen.
  const gone = await admin.post('/api/v1/staff', {
    login: 'yamagata-assignee-gone', display_name: '退職した相談員', role: 'counsellor', password: 'long-enough-password',
  });
  assert.equal(gone.status, 201);
  assert.equal((await admin.patch(`/api/v1/staff/${gone.json.user_id}`, { disabled: true })).status, 200);
  const fresh = await admin.post('/api/v1/staff', {
    login: 'yamagata-assignee-fresh', display_name: 'あたらしい相談員', role: 'counsellor', password: 'long-enough-password',
  });
  assert.equal(fresh.status, 201);

  const supervisor = await as(stack(), 'yamagata', 'supervisor');
  const answer = await supervisor.get('/api/v1/assignees');
  assert.equal(answer.status, 200);
  const items = answer.json.items;
  for (const item of items) {
    assert.deepEqual(Object.keys(item).sort(), ['display_name', 'role', 'user_id'], 'nothing but id, name and role');
  }
  assert.ok(!JSON.stringify(answer.json).includes('yamagata-'), 'no login names');

  const staff = (await admin.get('/api/v1/staff')).json.items;
  const expected = staff
    .filter((s) => !s.disabled && ['counsellor', 'supervisor'].includes(s.role))
    .map((s) => ({ user_id: s.user_id, display_name: s.display_name, role: s.role }))
    .sort(byDisplayName);
  assert.deepEqual(items, expected, 'exactly the enabled counsellors and supervisors, by display name');

  const ids = new Set(items.map((i) => i.user_id));
  for (const key of ['supervisor', 'counsellor', 'counsellor2']) {
    const user = staff.find((s) => s.login === `yamagata-${key}`);
    assert.ok(ids.has(user.user_id), `${key} is listed`);
  }
  for (const key of ['admin', 'officer', 'officer2', 'analyst']) {
    const user = staff.find((s) => s.login === `yamagata-${key}`);
    assert.ok(!ids.has(user.user_id), `${key} is not listed`);
  }
  assert.ok(ids.has(fresh.json.user_id), 'a new counsellor is listed');
  assert.ok(!ids.has(gone.json.user_id), 'a disabled counsellor is not');
});

test('assignees: never another tenant\'s staff', async (t) => {
  if (skipUnlessReady(t)) return;
  const yamagataIds = new Set((await (await as(stack(), 'yamagata', 'admin')).get('/api/v1/staff')).json.items.map((s) => s.user_id));
  const tendoIds = new Set((await (await as(stack(), 'tendo', 'admin')).get('/api/v1/staff')).json.items.map((s) => s.user_id));
  const yamagata = (await (await as(stack(), 'yamagata', 'supervisor')).get('/api/v1/assignees')).json.items;
  const tendo = (await (await as(stack(), 'tendo', 'supervisor')).get('/api/v1/assignees')).json.items;
  assert.ok(yamagata.length > 0 && tendo.length > 0);
  assert.ok(yamagata.every((i) => yamagataIds.has(i.user_id) && !tendoIds.has(i.user_id)));
  assert.ok(tendo.every((i) => tendoIds.has(i.user_id) && !yamagataIds.has(i.user_id)));
});

test('assignees: counsellor, officer, admin and analyst 403 forbidden; no session 401; foreign Origin 403 csrf', async (t) => {
  if (skipUnlessReady(t)) return;
  for (const key of ['counsellor', 'officer', 'admin', 'analyst']) {
    const client = await as(stack(), 'yamagata', key);
    assertError(await client.get('/api/v1/assignees'), 403, 'forbidden');
  }
  assertError(await anonymous(stack()).get('/api/v1/assignees'), 401, 'unauthenticated');
  const supervisor = await as(stack(), 'yamagata', 'supervisor');
  assertError(await supervisor.get('/api/v1/assignees', { origin: 'https://evil.example' }), 403, 'csrf');
});

// -- Raises to roles that read conversations (counsellor, supervisor) take a second admin. These run
// last: they give tendo a second admin.

function assertConflict(answer, reason) {
  assertError(answer, 409, 'conflict');
  assert.equal(answer.json.reason, reason);
}

const auditActions = async (userId) => (await stack().sql(
  `SELECT action FROM audit_event WHERE object_type = 'staff_user' AND object_id = '${userId}' AND action LIKE 'staff.%' ORDER BY audit_id`)).map((r) => r[0]);

test('the only admin of a tenant raises at once, flagged unconfirmed in the list and the audit', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'tendo', 'admin');
  const created = await admin.post('/api/v1/staff', {
    login: 'tendo-solo-raised', display_name: '一人で追加', role: 'counsellor', password: 'long-enough-password',
  });
  assert.equal(created.status, 201);
  assert.equal(created.json.role, 'counsellor');
  assert.equal(created.json.pending_role, null);
  assert.equal(created.json.role_unconfirmed, true);
  assert.equal(created.json.pending_role_by, admin.session.user.user_id);
  const listed = (await admin.get('/api/v1/staff')).json.items.find((u) => u.login === 'tendo-solo-raised');
  assert.equal(listed.role_unconfirmed, true);
  assert.deepEqual(await auditActions(created.json.user_id), ['staff.create', 'staff.role_raised_unconfirmed']);
  assert.equal((await anonymous(stack()).login('tendo-solo-raised', 'long-enough-password')).status, 200);
  // The admin who raised it cannot confirm it later; nor is an analyst a raise.
  assertConflict(await admin.post(`/api/v1/staff/${created.json.user_id}/role-confirmation`), 'same_admin');
  const analyst = await admin.post('/api/v1/staff', {
    login: 'tendo-solo-analyst', display_name: '集計', role: 'analyst', password: 'long-enough-password',
  });
  assert.equal(analyst.json.role_unconfirmed, false);
});

test('with another admin, a new counsellor waits for that admin: same_admin, nothing_pending, then it signs in', async (t) => {
  if (skipUnlessReady(t)) return;
  stack().users.tendo.admin2 = await stack().addUser({
    tenant: 'tendo', login: 'tendo-admin2', name: '第二管理者', role: 'admin', password: 'second-admin-password',
  });
  const admin = await as(stack(), 'tendo', 'admin');
  const admin2 = await as(stack(), 'tendo', 'admin2');
  const created = await admin.post('/api/v1/staff', {
    login: 'tendo-awaiting', display_name: '確認待ち', role: 'counsellor', password: 'long-enough-password',
  });
  assert.equal(created.status, 201);
  const id = created.json.user_id;
  assert.equal(created.json.pending_role, 'counsellor');
  assert.equal(created.json.pending_role_by, admin.session.user.user_id);
  assert.ok(created.json.pending_since);
  // Not yet: the account cannot sign in, and the raiser cannot confirm it.
  assertError(await anonymous(stack()).login('tendo-awaiting', 'long-enough-password'), 401, 'bad_credentials');
  assertConflict(await admin.post(`/api/v1/staff/${id}/role-confirmation`), 'same_admin');
  // The admins hear of it live.
  const events = (await admin2.get('/api/v1/events')).json.items.filter((e) => e.kind === 'staff');
  assert.ok(events.some((e) => e.user_id === id), 'a staff event for the raise');
  const counsellor = await as(stack(), 'tendo', 'counsellor');
  assert.ok(!(await counsellor.get('/api/v1/events')).json.items.some((e) => e.kind === 'staff'), 'no staff events for counsellors');

  const confirmed = await admin2.post(`/api/v1/staff/${id}/role-confirmation`);
  assert.equal(confirmed.status, 200);
  assert.equal(confirmed.json.role, 'counsellor');
  assert.equal(confirmed.json.pending_role, null);
  assert.equal(confirmed.json.pending_since, null);
  assert.equal((await anonymous(stack()).login('tendo-awaiting', 'long-enough-password')).status, 200);
  assertConflict(await admin2.post(`/api/v1/staff/${id}/role-confirmation`), 'nothing_pending');
  assert.deepEqual(await auditActions(id), ['staff.create', 'staff.role_raise_requested', 'staff.role_confirmed']);
});

test('raising an analyst keeps the analyst role until confirmed; a cancelled raise leaves it unchanged', async (t) => {
  if (skipUnlessReady(t)) return;
  const admin = await as(stack(), 'tendo', 'admin');
  const admin2 = await as(stack(), 'tendo', 'admin2');
  const made = await admin.post('/api/v1/staff', {
    login: 'tendo-rising', display_name: '昇格する人', role: 'analyst', password: 'long-enough-password',
  });
  assert.equal(made.json.pending_role, null, 'an analyst is no raise');
  const id = made.json.user_id;
  stack().users.tendo.rising = { login: 'tendo-rising', password: 'long-enough-password' };
  const rising = await as(stack(), 'tendo', 'rising');

  const asked = await admin.patch(`/api/v1/staff/${id}`, { role: 'supervisor' });
  assert.equal(asked.status, 200);
  assert.equal(asked.json.role, 'analyst');
  assert.equal(asked.json.pending_role, 'supervisor');
  assert.equal((await rising.get('/api/v1/session')).json.user.role, 'analyst', 'still an analyst, still signed in');
  assertError(await rising.get('/api/v1/queue'), 403, 'forbidden');

  const cancelled = await admin2.delete(`/api/v1/staff/${id}/pending-role`);
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.json.role, 'analyst');
  assert.equal(cancelled.json.pending_role, null);
  assertConflict(await admin2.delete(`/api/v1/staff/${id}/pending-role`), 'nothing_pending');

  // Asked again and confirmed by the other admin: it applies and the user signs in again.
  assert.equal((await admin.patch(`/api/v1/staff/${id}`, { role: 'counsellor' })).json.pending_role, 'counsellor');
  assert.equal((await admin2.post(`/api/v1/staff/${id}/role-confirmation`)).json.role, 'counsellor');
  assertError(await rising.get('/api/v1/session'), 401, 'unauthenticated');
  // Lowering needs no one.
  const lowered = await admin.patch(`/api/v1/staff/${id}`, { role: 'analyst' });
  assert.equal(lowered.json.role, 'analyst');
  assert.equal(lowered.json.pending_role, null);
  // Another tenant's admin sees none of it.
  const yamagataAdmin = await as(stack(), 'yamagata', 'admin');
  assertError(await yamagataAdmin.post(`/api/v1/staff/${id}/role-confirmation`), 404, 'not_found');
  assertError(await yamagataAdmin.delete(`/api/v1/staff/${id}/pending-role`), 404, 'not_found');
});
