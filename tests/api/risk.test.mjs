// Risk levels (低 / 中 / 高 / 緊急): set with a reason (sealed, audited without it, history kept), a
// crisis keyword reads as 高 until a counsellor lowers it with a reason, 緊急 then 高 lead the queue,
// refusals (400 malformed, 422 reason_length, 409 consultation_closed, 403 for roles that take no
// consultations, 404 for another tenant's) and a 'queue' live event for every change.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { as, assertError, assertRefused, closeStream, newConsultation, openStream, skipUnlessReady, useStack, waitFor } from './support.mjs';

const stack = useStack();
const path = (id, action = '') => `/api/v1/consultations/${id}${action ? `/${action}` : ''}`;

async function auditRows(action, objectId) {
  return (await stack().sql(`SELECT detail::text FROM audit_event WHERE action = '${action}' AND object_id = '${objectId}'`))
    .map((r) => r[0]);
}

test('a counsellor sets a level with a reason; the history keeps every change; the reason is sealed and not audited', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const boss = await as(stack(), 'yamagata', 'supervisor');
  const { id, item } = await newConsultation(stack(), counsellor, 'yamagata', '仕事のことで悩んでいます');
  assert.deepEqual([item.risk, item.risk_source, item.risk_set, item.risk_lowered], [null, null, null, false]);

  const stream = await openStream(boss);
  const set = await counsellor.put(path(id, 'risk'), { level: 'medium', reason: '睡眠不足が続いている' });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual([set.json.risk, set.json.risk_source, set.json.risk_set, set.json.risk_lowered],
    ['medium', 'counsellor', 'medium', false]);
  await waitFor(() => stream.events.find((e) => e.kind === 'queue' && e.consultation_id === id), 10_000);
  await closeStream(stream);

  const raised = await boss.put(path(id, 'risk'), { level: 'critical', reason: '具体的な計画の話が出た' });
  assert.equal(raised.json.risk, 'critical');

  const history = await counsellor.get(path(id, 'risk'));
  assert.equal(history.status, 200, history.text);
  assert.deepEqual(history.json.items.map((i) => [i.level, i.reason, i.lowered]),
    [['critical', '具体的な計画の話が出た', false], ['medium', '睡眠不足が続いている', false]]);
  assert.equal(history.json.items[1].author.user_id, counsellor.session.user.user_id);
  assert.equal((await auditRows('consultation.risk_read', id)).length, 1);

  const audited = await auditRows('consultation.risk', id);
  assert.equal(audited.length, 2);
  assert.ok(audited.every((d) => !d.includes('睡眠') && !d.includes('計画')), 'the reason is not in the audit log');
  const stored = await stack().sql(`SELECT count(*) FROM consultation_risk WHERE consultation_id = '${id}'
                                     AND position(convert_to('睡眠', 'UTF8') IN reason) > 0`);
  assert.equal(Number(stored[0][0]), 0, 'the reason is sealed');
  // The detail carries the level too.
  assert.equal((await counsellor.get(path(id))).json.risk, 'critical');
});

test('a crisis keyword reads as 高; a counsellor lowers it with a reason; 緊急 and 高 lead the queue', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor2');
  const plain = (await newConsultation(stack(), counsellor, 'yamagata', '話を聞いてほしい')).id;
  const crisis = await newConsultation(stack(), counsellor, 'yamagata', 'もう死にたい');
  assert.equal(crisis.item.urgent, true);
  assert.deepEqual([crisis.item.risk, crisis.item.risk_source], ['high', 'keyword']);
  const later = (await newConsultation(stack(), counsellor, 'yamagata', '家族のことです')).id;

  const order = async () => (await counsellor.get('/api/v1/queue?view=open&limit=200')).json.items
    .map((i) => i.consultation_id).filter((i) => [plain, crisis.id, later].includes(i));
  assert.deepEqual(await order(), [crisis.id, plain, later], 'urgent (高) first');

  // 緊急 set on the newest one puts it before the keyword's 高.
  assert.equal((await counsellor.put(path(later, 'risk'), { level: 'critical', reason: '自傷の話' })).status, 200);
  assert.deepEqual(await order(), [later, crisis.id, plain]);
  // A level below 高 set before the keyword would be lifted; on an urgent one it is a lowering and wins.
  const lowered = await counsellor.put(path(crisis.id, 'risk'), { level: 'low', reason: '冗談だったと確認した' });
  assert.deepEqual([lowered.json.risk, lowered.json.risk_source, lowered.json.risk_lowered, lowered.json.urgent],
    ['low', 'counsellor', true, true]);
  assert.deepEqual(await order(), [later, plain, crisis.id], 'a lowered one sorts with the rest (then by waiting)');
  // 高 set on the plain one keeps it before the lowered one; the queue pages agree with the single row.
  assert.equal((await counsellor.put(path(plain, 'risk'), { level: 'high', reason: '不安が強い' })).json.risk, 'high');
  assert.deepEqual(await order(), [later, plain, crisis.id]);
  const row = await counsellor.get(`/api/v1/queue/${crisis.id}`);
  assert.equal(row.json.risk, 'low');
  assert.match(row.json.queue_key, /^2-/);
  // A later level replaces the lowering: 中 again on the urgent one is a lowering, 高 is not.
  const again = await counsellor.put(path(crisis.id, 'risk'), { level: 'high', reason: '再び話が出た' });
  assert.deepEqual([again.json.risk, again.json.risk_lowered], ['high', false]);
});

test('refusals: malformed bodies, reasons out of length, closed consultations, roles and tenants', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const { id } = await newConsultation(stack(), counsellor, 'yamagata', '相談したいです');
  assertError(await counsellor.put(path(id, 'risk'), { level: 'severe', reason: 'x' }), 400, 'bad_request');
  assertError(await counsellor.put(path(id, 'risk'), { level: 'low' }), 400, 'bad_request');
  assertError(await counsellor.put(path(id, 'risk'), { level: 'low', reason: 'x', extra: 1 }), 400, 'bad_request');
  assertRefused(await counsellor.put(path(id, 'risk'), { level: 'low', reason: '   ' }), 422, 'invalid', 'reason_length');
  assertRefused(await counsellor.put(path(id, 'risk'), { level: 'low', reason: 'あ'.repeat(201) }), 422, 'invalid',
    'reason_length');
  assert.equal((await counsellor.put(path(id, 'risk'), { level: 'low', reason: 'あ'.repeat(200) })).status, 200);

  for (const key of ['officer', 'admin', 'analyst']) {
    const other = await as(stack(), 'yamagata', key);
    assertError(await other.put(path(id, 'risk'), { level: 'low', reason: 'x' }), 403, 'forbidden');
    assertError(await other.get(path(id, 'risk')), 403, 'forbidden');
  }
  const foreign = await as(stack(), 'tendo', 'counsellor');
  assertError(await foreign.put(path(id, 'risk'), { level: 'low', reason: 'x' }), 404, 'not_found');
  assertError(await foreign.get(path(id, 'risk')), 404, 'not_found');

  assert.equal((await counsellor.post(path(id, 'close'))).status, 200);
  assertRefused(await counsellor.put(path(id, 'risk'), { level: 'high', reason: 'x' }), 409, 'conflict',
    'consultation_closed');
  // The history stays readable after closure.
  assert.equal((await counsellor.get(path(id, 'risk'))).json.items.length, 1);
});

test('the report counts this file\'s consultations by the highest level reached (JSON and CSV)', async (t) => {
  if (skipUnlessReady(t)) return;
  const analyst = await as(stack(), 'yamagata', 'analyst');
  // Today in Japan (the tenant's offset), as the report's local dates.
  const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
  const report = await analyst.get(`/api/v1/reports/summary?from=${today}&to=${today}`);
  assert.equal(report.status, 200, report.text);
  // Above: critical (medium, then critical), critical (set), high (set), high (urgent; lowered to low
  // and raised again: 高 was reached either way), low (set, then closed).
  assert.deepEqual(report.json.consultations_by_risk, [
    { label: 'critical', count: 2 }, { label: 'high', count: 2 }, { label: 'medium', count: 0 },
    { label: 'low', count: 1 }, { label: '', count: 0 }]);
  const csv = await analyst.get(`/api/v1/reports/summary.csv?from=${today}&to=${today}`);
  assert.equal(csv.status, 200);
  assert.match(csv.text, /"危険度別の相談件数[^"]*"\r\n"危険度","件数"\r\n"緊急",2\r\n"高",2\r\n"中",0\r\n"低",1\r\n"未設定",0\r\n$/);
});
