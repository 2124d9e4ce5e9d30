// The supervisor's whisper: a note addressed to the assigned counsellor, kept with the notes and shown
// to that counsellor, its author and supervisors only (never to another counsellor); announced by a
// 'queue' live event; audited. Refusals: 403 for a counsellor or an officer, 404 for another tenant's
// consultation, 409 not_assigned while nobody holds it, 422 for empty text.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { as, assertError, assertRefused, closeStream, newConsultation, openStream, skipUnlessReady, useStack, waitFor } from './support.mjs';

const stack = useStack();
const path = (id, action = '') => `/api/v1/consultations/${id}${action ? `/${action}` : ''}`;

test('a whisper is seen by the addressee and supervisors only, and announced', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const other = await as(stack(), 'yamagata', 'counsellor2');
  const boss = await as(stack(), 'yamagata', 'supervisor');
  const { id } = await newConsultation(stack(), counsellor, 'yamagata');

  // Nobody holds it yet: nobody to whisper to.
  assertRefused(await boss.post(path(id, 'whisper'), { text: '安全確認を' }), 409, 'conflict', 'not_assigned');
  assert.equal((await counsellor.post(path(id, 'claim'))).status, 200);
  const note = await counsellor.post(path(id, 'notes'), { text: '普通のメモ' });
  assert.equal(note.status, 201, note.text);
  assert.equal(note.json.whisper_to, null);

  const stream = await openStream(counsellor);
  const whisper = await boss.post(path(id, 'whisper'), { text: '安全確認を先にしてください' });
  assert.equal(whisper.status, 201, whisper.text);
  assert.equal(whisper.json.whisper_to, counsellor.session.user.user_id);
  assert.equal(whisper.json.author.user_id, boss.session.user.user_id);
  await waitFor(() => stream.events.find((e) => e.kind === 'queue' && e.consultation_id === id), 10_000);
  await closeStream(stream);

  const seen = async (client) => (await client.get(path(id))).json.notes.map((n) => [n.text, n.whisper_to !== null]);
  assert.deepEqual(await seen(counsellor), [['普通のメモ', false], ['安全確認を先にしてください', true]]);
  assert.deepEqual(await seen(boss), [['普通のメモ', false], ['安全確認を先にしてください', true]]);
  assert.deepEqual(await seen(other), [['普通のメモ', false]], 'another counsellor never sees the whisper');

  const audited = await stack().sql(`SELECT count(*) FROM audit_event WHERE action = 'consultation.whisper' AND object_id = '${id}'`);
  assert.equal(Number(audited[0][0]), 1);
});

test('whisper refusals: counsellor and officer 403, another tenant 404, empty text 422', async (t) => {
  if (skipUnlessReady(t)) return;
  const counsellor = await as(stack(), 'yamagata', 'counsellor');
  const { id } = await newConsultation(stack(), counsellor, 'yamagata');
  assert.equal((await counsellor.post(path(id, 'claim'))).status, 200);
  assertError(await counsellor.post(path(id, 'whisper'), { text: 'x' }), 403, 'forbidden');
  assertError(await (await as(stack(), 'yamagata', 'officer')).post(path(id, 'whisper'), { text: 'x' }), 403, 'forbidden');
  assertError(await (await as(stack(), 'tendo', 'supervisor')).post(path(id, 'whisper'), { text: 'x' }), 404, 'not_found');
  const boss = await as(stack(), 'yamagata', 'supervisor');
  assertRefused(await boss.post(path(id, 'whisper'), { text: '   ' }), 422, 'invalid', 'text_length');
});
