// The resident across consultations: a stable opaque resident id on queue rows, consultations and
// events; the history (every consultation of the resident, newest first, dates and tallies; a purged
// one as purged), each opening audited as a transcript read; the resident note (申し送り): versions kept,
// shown on every consultation of the resident, sealed at rest, audited, refused to officers.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  as, assertError, assertRefused, newConsultation, openStream, closeStream, propose, skipUnlessReady, useStack,
  waitFor,
} from './support.mjs';

const stack = useStack();
const history = (rid) => `/api/v1/residents/${rid}/consultations`;
const notes = (rid) => `/api/v1/residents/${rid}/notes`;
const unknownId = '00000000-0000-4000-8000-000000000000';

// A resident who consulted once (closed, tagged, with a note and a referral proposal) and came back:
// answers {first, second, userId, residentId}.
async function returningResident(s, counsellor) {
  const first = await newConsultation(s, counsellor, 'yamagata', '学校のことで相談したいです');
  assert.equal((await counsellor.post(`/api/v1/consultations/${first.id}/claim`)).status, 200);
  assert.equal((await counsellor.put(`/api/v1/consultations/${first.id}/tags`, { categories: ['家族関係'], age_band: '20代' })).status, 200);
  assert.equal((await counsellor.post(`/api/v1/consultations/${first.id}/notes`, { text: '母親との関係で悩んでいる' })).status, 201);
  await propose(counsellor, first.id);
  assert.equal((await counsellor.post(`/api/v1/consultations/${first.id}/close`)).status, 200);
  await s.residentWrites('yamagata', 'またお話ししたいです', first.userId);
  const second = await waitFor(async () => {
    const queue = await counsellor.get('/api/v1/queue?view=open&limit=200');
    return queue.json.items.find((i) => i.resident_id === first.item.resident_id && i.consultation_id !== first.id);
  }, 10_000);
  return { first: first.id, second: second.consultation_id, userId: first.userId, residentId: first.item.resident_id };
}

test('the resident id: the same on every consultation of a resident, another for another, never the LINE id', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const stream = await openStream(counsellor);
  try {
    const r = await returningResident(s, counsellor);
    assert.match(r.residentId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(!r.residentId.includes(r.userId) && !r.userId.includes(r.residentId));
    assert.equal((await counsellor.get(`/api/v1/consultations/${r.first}`)).json.resident_id, r.residentId);
    assert.equal((await counsellor.get(`/api/v1/consultations/${r.second}`)).json.resident_id, r.residentId);
    assert.equal((await counsellor.get(`/api/v1/queue/${r.second}`)).json.resident_id, r.residentId);
    const other = await newConsultation(s, counsellor, 'yamagata', '別の人です');
    assert.notEqual(other.item.resident_id, r.residentId);
    // Live events and the catch-up listing carry it too.
    const live = await waitFor(() => stream.events.find((e) => e.consultation_id === r.second && e.kind === 'message'), 10_000);
    assert.equal(live.resident_id, r.residentId);
    const listed = (await counsellor.get('/api/v1/events?after=0')).json.items.find((e) => e.consultation_id === r.second);
    assert.equal(listed.resident_id, r.residentId);
  } finally {
    await closeStream(stream);
  }
});

test('history: every consultation newest first with dates and tallies; opening one is an audited read', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const r = await returningResident(s, counsellor);
  const answer = await counsellor.get(history(r.residentId));
  assert.equal(answer.status, 200);
  const items = answer.json.items;
  assert.deepEqual(items.map((i) => i.consultation_id), [r.second, r.first]);
  const [now, before] = items;
  assert.equal(before.state, 'closed');
  assert.ok(before.closed_at);
  assert.deepEqual(before.categories, ['家族関係']);
  assert.equal(before.age_band, '20代');
  assert.equal(before.counsellor.user_id, counsellor.session.user.user_id);
  assert.equal(before.referral_stage, 'awaiting_consent');
  assert.ok(before.message_count >= 2, `${before.message_count}`);
  assert.equal(before.purged, false);
  assert.equal(now.state, 'waiting');
  assert.equal(now.closed_at, null);
  // Dates and tallies only: no text of any kind.
  assert.ok(!JSON.stringify(answer.json).includes('学校'));
  const audited = await s.sql(`SELECT count(*) FROM audit_event WHERE action = 'resident.history' AND object_id = '${r.residentId}'`);
  assert.equal(Number(audited[0][0]), 1);
  // Opening the earlier one: its transcript, notes and referrals, audited as a transcript read.
  const reads = async () => Number((await s.sql(`SELECT count(*) FROM audit_event WHERE action = 'consultation.read' AND object_id = '${r.first}'`))[0][0]);
  const readsBefore = await reads();
  const opened = (await counsellor.get(`/api/v1/consultations/${r.first}`)).json;
  assert.ok(opened.messages.some((m) => m.text === '学校のことで相談したいです'));
  assert.equal(opened.notes[0].text, '母親との関係で悩んでいる');
  assert.equal(opened.purged_at, null);
  assert.equal((await counsellor.get(`/api/v1/consultations/${r.first}/referrals`)).status, 200);
  assert.equal(await reads(), readsBefore + 1);
  assertError(await counsellor.get(history(unknownId)), 404, 'not_found');
  assertError(await counsellor.get(history('not-a-uuid')), 404, 'not_found');
});

test('history: another tenant\'s resident is 404, an officer or an admin 403', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const { item } = await newConsultation(s, counsellor, 'yamagata', 'こんにちは');
  const tendo = await as(s, 'tendo', 'counsellor');
  assertError(await tendo.get(history(item.resident_id)), 404, 'not_found');
  assertError(await tendo.get(notes(item.resident_id)), 404, 'not_found');
  assertError(await tendo.post(notes(item.resident_id), { text: '他の自治体' }), 404, 'not_found');
  for (const role of ['officer', 'admin', 'analyst']) {
    const other = await as(s, 'yamagata', role);
    assertError(await other.get(history(item.resident_id)), 403, 'forbidden');
    assertError(await other.get(notes(item.resident_id)), 403, 'forbidden');
    assertError(await other.post(notes(item.resident_id), { text: '見せない' }), 403, 'forbidden');
  }
});

test('a purged consultation shows as purged: dates and tallies stay, texts are gone', { timeout: 30_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const r = await returningResident(s, counsellor);
  const tallyBefore = (await counsellor.get(history(r.residentId))).json.items[1].message_count;
  assert.equal((await counsellor.post(notes(r.residentId), { text: '前回は学校の相談。' })).status, 201);
  const later = new Date(Date.now() + 6 * 366 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const run = await s.cli(['retention', 'run', '--config', s.configFile, '--now', later]);
  assert.equal(run.code, 0, run.stderr);
  const [open, purged] = (await counsellor.get(history(r.residentId))).json.items;
  assert.equal(open.purged, false);
  assert.equal(purged.purged, true);
  assert.ok(purged.purged_at);
  assert.equal(purged.message_count, tallyBefore);
  assert.deepEqual(purged.categories, ['家族関係']);
  const opened = (await counsellor.get(`/api/v1/consultations/${r.first}`)).json;
  assert.ok(opened.purged_at);
  assert.deepEqual(opened.messages, []);
  assert.deepEqual(opened.notes, []);
  // The resident note stays while a consultation of the resident is not purged, and goes with the last.
  assert.equal((await counsellor.get(notes(r.residentId))).json.items.length, 1);
  assert.equal((await counsellor.post(`/api/v1/consultations/${r.second}/claim`)).status, 200);
  assert.equal((await counsellor.post(`/api/v1/consultations/${r.second}/close`)).status, 200);
  assert.equal((await s.cli(['retention', 'run', '--config', s.configFile, '--now', later])).code, 0);
  assert.deepEqual((await counsellor.get(notes(r.residentId))).json.items, []);
  assert.ok((await counsellor.get(history(r.residentId))).json.items.every((i) => i.purged));
});

test('the resident note: versions kept, shown on every consultation of the resident, sealed, audited', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const supervisor = await as(s, 'yamagata', 'supervisor');
  const r = await returningResident(s, counsellor);
  assert.equal((await counsellor.get(`/api/v1/consultations/${r.second}`)).json.resident_note, null);
  assert.deepEqual((await counsellor.get(notes(r.residentId))).json.items, []);
  const first = await counsellor.post(notes(r.residentId), { text: '夜間に連絡が多い。家族の話題は慎重に。' });
  assert.equal(first.status, 201);
  assert.equal(first.json.author.user_id, counsellor.session.user.user_id);
  assert.equal(first.json.resident_id, r.residentId);
  const second = await supervisor.post(notes(r.residentId), { text: '前回は学校の相談。' });
  assert.equal(second.status, 201);
  // The current note is the newest, on both consultations of the resident.
  for (const id of [r.first, r.second]) {
    const shown = (await counsellor.get(`/api/v1/consultations/${id}`)).json.resident_note;
    assert.equal(shown.text, '前回は学校の相談。');
    assert.equal(shown.author.display_name, supervisor.session.user.display_name);
  }
  const versions = (await counsellor.get(notes(r.residentId))).json.items;
  assert.deepEqual(versions.map((v) => v.text), ['前回は学校の相談。', '夜間に連絡が多い。家族の話題は慎重に。']);
  // Sealed at rest: the stored bytes do not contain the text.
  const stored = await s.sql(`SELECT count(*), count(*) FILTER (WHERE position(convert_to('学校', 'UTF8') IN body) > 0
      OR position(convert_to('夜間', 'UTF8') IN body) > 0) FROM resident_note WHERE resident_id = '${r.residentId}'`);
  assert.deepEqual(stored[0], ['2', '0']);
  // Rows are append-only.
  await assert.rejects(s.sql(`UPDATE resident_note SET author_id = gen_random_uuid() WHERE resident_id = '${r.residentId}'`));
  // Audited: two writes, one read of the versions; never the text.
  const audit = await s.sql(`SELECT action, detail::text FROM audit_event WHERE object_id = '${r.residentId}' AND action LIKE 'resident_note.%' ORDER BY audit_id`);
  assert.deepEqual(audit.map((a) => a[0]), ['resident_note.read', 'resident_note.write', 'resident_note.write', 'resident_note.read']);
  assert.ok(audit.every((a) => !a[1].includes('学校')));
  // Refusals: too long, only spaces, malformed.
  assertRefused(await counsellor.post(notes(r.residentId), { text: 'あ'.repeat(1001) }), 422, 'invalid', 'text_length');
  assertRefused(await counsellor.post(notes(r.residentId), { text: '   ' }), 422, 'invalid', 'text_length');
  assertError(await counsellor.post(notes(r.residentId), { note: 'x' }), 400, 'bad_request');
  assertError(await counsellor.post(notes(unknownId), { text: 'x' }), 404, 'not_found');
});
