// Referrals: who sees what. Officers of another unit get 404 for a referral not sent to
// their unit and 403 for consultations; another tenant's referral is 404; counsellors are refused the
// officers' routes. Emergency referrals: supervisors only, with the legal basis and a reason, sent at
// once without a consent request on LINE, audited. Live events: counsellors get referral events with
// the consultation id, officers only of referrals their unit sees (without it), other tenants nothing.
// The officers' inbox is paged (limit, cursor) and only opening a referral is audited.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  as, assertError, closeStream, consultationReferrals, deliveriesTo, forward, newConsultation, officerPath,
  openStream, proposal, referralAtHub, referralAwaiting, referralPath, referralOf, residentSays, skipUnlessReady, units,
  useStack, waitFor,
} from './support.mjs';
import { assertSchema } from './schema.mjs';

const stack = useStack();
const y = units.yamagata;
const unknownId = '00000000-0000-4000-8000-000000000000';

// After a positive control saw its event, how long a socket that must stay silent is given to show
// that it does (events are fanned out together; this only guards against a late wrong delivery).
const silenceMs = 300;
const referralEvent = (referralId) => (e) => e.kind === 'referral' && e.referral_id === referralId;

test('an officer of another unit gets 404 for a referral not sent to the unit; any officer 403 on consultations', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const hub = await as(s, 'yamagata', 'officer');
  const department = await as(s, 'yamagata', 'officer2');
  const group = await as(s, 'yamagata', 'officer3');
  const { id, rid } = await referralAtHub(s, counsellor, 'yamagata');
  assert.equal((await hub.get(officerPath(rid))).status, 200);
  for (const other of [department, group]) {
    assertError(await other.get(officerPath(rid)), 404, 'not_found');
    assertError(await other.post(officerPath(rid, 'forward'), { unit_ids: [y.department] }), 404, 'not_found');
    assertError(await other.post(officerPath(rid, 'answer'), { text: '対応します' }), 404, 'not_found');
    assertError(await other.post(officerPath(rid, 'return')), 404, 'not_found');
    assert.ok(!(await other.get(officerPath())).json.items.some((r) => r.referral_id === rid));
  }
  // Forwarded to the department only: the platform group still gets 404, the department 200.
  await forward(hub, rid, [y.department]);
  assert.equal((await department.get(officerPath(rid))).status, 200);
  assertError(await group.get(officerPath(rid)), 404, 'not_found');
  assertError(await group.post(officerPath(rid, 'answer'), { text: '対応します' }), 404, 'not_found');
  // Unknown and malformed ids: 404.
  assertError(await hub.get(officerPath(unknownId)), 404, 'not_found');
  assertError(await hub.get(officerPath('not-a-uuid')), 404, 'not_found');
  // Any officer on the consultation and its referrals: 403 (permission before lookup).
  for (const officer of [hub, department, group]) {
    assertError(await officer.get(`/api/v1/consultations/${id}`), 403, 'forbidden');
    assertError(await officer.get(consultationReferrals(id)), 403, 'forbidden');
    assertError(await officer.post(consultationReferrals(id), proposal()), 403, 'forbidden');
    assertError(await officer.post(referralPath(rid, 'close')), 403, 'forbidden');
  }
});

test('the officers\' inbox: newest first by limit and cursor; listing writes no audit row, opening one writes one', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const hub = await as(s, 'yamagata', 'officer');
  const older = await referralAtHub(s, counsellor, 'yamagata');
  const newer = await referralAtHub(s, counsellor, 'yamagata');
  const reads = async () => Number((await s.sql(`SELECT count(*) FROM audit_event WHERE action = 'referral.read' AND actor_id = '${hub.session.user.user_id}'`))[0][0]);
  const before = await reads();

  const first = await hub.get(`${officerPath()}?limit=1`);
  assert.equal(first.status, 200);
  assert.deepEqual(first.json.items.map((r) => r.referral_id), [newer.rid]);
  assert.equal(typeof first.json.next_cursor, 'string');
  const second = await hub.get(`${officerPath()}?limit=1&cursor=${encodeURIComponent(first.json.next_cursor)}`);
  assert.deepEqual(second.json.items.map((r) => r.referral_id), [older.rid]);
  // Walking every page sees each referral once; the last page says so with next_cursor null.
  const seen = [];
  for (let cursor = null, pages = 0; pages < 50; pages += 1) {
    const page = await hub.get(`${officerPath()}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    seen.push(...page.json.items.map((r) => r.referral_id));
    cursor = page.json.next_cursor;
    if (cursor === null) break;
  }
  assert.equal(new Set(seen).size, seen.length, 'no referral twice');
  assert.ok(seen.includes(older.rid) && seen.includes(newer.rid));
  assert.equal(seen.length, (await hub.get(`${officerPath()}?limit=200`)).json.items.length);

  assert.equal(await reads(), before, 'listing the inbox is not a read of each referral');
  assert.equal((await hub.get(officerPath(older.rid))).status, 200);
  assert.equal(await reads(), before + 1, 'opening one is');

  for (const [query, reason] of [['limit=0', 'limit_out_of_range'], ['limit=201', 'limit_out_of_range'],
                                 ['cursor=nope', 'bad_cursor'], [`cursor=${'9'.repeat(20)}-not-a-uuid`, 'bad_cursor']]) {
    const refused = await hub.get(`${officerPath()}?${query}`);
    assertError(refused, 400, 'bad_request');
    assert.equal(refused.json.reason, reason);
  }
});

test('another tenant\'s referral → 404 for its officers and counsellors; counsellors on /officer/* → 403', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const hub = await as(s, 'yamagata', 'officer');
  const { id, rid, messageId } = await referralAtHub(s, counsellor, 'yamagata');
  await forward(hub, rid, [y.department]);
  const tendoHub = await as(s, 'tendo', 'officer');
  const tendoDepartment = await as(s, 'tendo', 'officer2');
  const tendoSupervisor = await as(s, 'tendo', 'supervisor');
  for (const officer of [tendoHub, tendoDepartment]) {
    assertError(await officer.get(officerPath(rid)), 404, 'not_found');
    assertError(await officer.post(officerPath(rid, 'forward'), { unit_ids: [units.tendo.department] }), 404, 'not_found');
    assertError(await officer.post(officerPath(rid, 'answer'), { text: '対応します' }), 404, 'not_found');
    assertError(await officer.post(officerPath(rid, 'return')), 404, 'not_found');
    assert.ok(!(await officer.get(officerPath())).json.items.some((r) => r.referral_id === rid));
  }
  assertError(await tendoSupervisor.get(consultationReferrals(id)), 404, 'not_found');
  assertError(await tendoSupervisor.post(consultationReferrals(id), proposal()), 404, 'not_found');
  assertError(await tendoSupervisor.post(referralPath(rid, 'consent'), { granted: true, message_id: messageId }), 404, 'not_found');
  assertError(await tendoSupervisor.post(referralPath(rid, 'withdraw'), { message_id: messageId }), 404, 'not_found');
  assertError(await tendoSupervisor.post(referralPath(rid, 'emergency'), { legal_basis: 'appi_27_1_2', reason: '命の危険' }), 404, 'not_found');
  assertError(await tendoSupervisor.post(referralPath(rid, 'close')), 404, 'not_found');
  // Counsellors and supervisors have no officer_inbox: 403, before any lookup.
  for (const worker of [counsellor, await as(s, 'yamagata', 'supervisor')]) {
    for (const target of [rid, unknownId]) {
      assertError(await worker.get(officerPath(target)), 403, 'forbidden');
      assertError(await worker.post(officerPath(target, 'forward'), { unit_ids: [y.department] }), 403, 'forbidden');
      assertError(await worker.post(officerPath(target, 'answer'), { text: '対応します' }), 403, 'forbidden');
      assertError(await worker.post(officerPath(target, 'return')), 403, 'forbidden');
    }
    assertError(await worker.get(officerPath()), 403, 'forbidden');
  }
});

test('proposals: 422 for an unknown unit or category, 400 for a malformed body or a summary out of bounds, 409 on a closed consultation', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const { id } = await newConsultation(s, counsellor, 'yamagata');
  assertError(await counsellor.post(consultationReferrals(id), proposal({ unit_ids: ['no-such-unit'] })), 422, 'invalid');
  assertError(await counsellor.post(consultationReferrals(id), proposal({ unit_ids: [units.tendo.department] })), 422, 'invalid');
  assertError(await counsellor.post(consultationReferrals(id), proposal({ categories: ['ない分類'] })), 422, 'invalid');
  // Lengths outside the contract's bounds are malformed bodies (400), as for replies (api.md).
  assertError(await counsellor.post(consultationReferrals(id), proposal({ summary: '' })), 400, 'bad_request');
  assertError(await counsellor.post(consultationReferrals(id), proposal({ summary: 'あ'.repeat(2001) })), 400, 'bad_request');
  assertError(await counsellor.post(consultationReferrals(id), { summary: 'x', unit_ids: 'hub', reason: '', categories: [] }), 400, 'bad_request');
  assertError(await counsellor.post(consultationReferrals(id), proposal(), { raw: '{"summary":', contentType: 'application/json' }), 400, 'bad_request');
  assertError(await counsellor.post(consultationReferrals(id), proposal(), { csrf: false }), 403, 'csrf');
  assertError(await counsellor.post(consultationReferrals(unknownId), proposal()), 404, 'not_found');
  assert.deepEqual((await counsellor.get(consultationReferrals(id))).json.items, [], 'nothing was written');
  assert.equal((await counsellor.post(`/api/v1/consultations/${id}/claim`)).status, 200);
  assert.equal((await counsellor.post(`/api/v1/consultations/${id}/close`)).status, 200);
  assertError(await counsellor.post(consultationReferrals(id), proposal()), 409, 'conflict');
});

test('emergency: a counsellor 403; a supervisor without the basis or a reason 422; with them sent at once, marked, audited, no consent request', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const supervisor = await as(s, 'yamagata', 'supervisor');
  const hub = await as(s, 'yamagata', 'officer');
  const { id, userId } = await newConsultation(s, supervisor, 'yamagata', 'もう死にたい。今から飛び降ります');
  const basis = { legal_basis: 'appi_27_1_2', reason: '自殺の危険が切迫し、本人の同意を得る時間がない' };
  assertError(await counsellor.post(consultationReferrals(id), proposal({ emergency: basis })), 403, 'forbidden');
  for (const emergency of [
    { legal_basis: '', reason: basis.reason },
    { legal_basis: 'consent', reason: basis.reason },
    { legal_basis: 'appi_27_1_2', reason: '' },
  ]) {
    assertError(await supervisor.post(consultationReferrals(id), proposal({ emergency })), 422, 'invalid');
  }
  assert.deepEqual((await supervisor.get(consultationReferrals(id))).json.items, [], 'refusals leave nothing');

  const sent = await supervisor.post(consultationReferrals(id), proposal({ emergency: basis }));
  assert.equal(sent.status, 201, sent.text);
  const rid = sent.json.referral_id;
  assert.equal(sent.json.emergency, true);
  assert.equal(sent.json.legal_basis, 'appi_27_1_2');
  assert.equal(sent.json.stage, 'at_hub');
  assert.notEqual(sent.json.consent.state, 'requested');
  const seen = await hub.get(officerPath(rid));
  assert.equal(seen.status, 200);
  assert.equal(seen.json.emergency, true);
  assert.ok((await hub.get(officerPath())).json.items.find((r) => r.referral_id === rid).emergency);
  const audited = await s.sql(`SELECT count(*) FROM audit_event WHERE object_id = '${rid}' AND action = 'referral.emergency' AND actor_id = '${supervisor.session.user.user_id}'`);
  assert.equal(Number(audited[0][0]), 1, 'who sent it without consent is audited');
  // No consent request reached the resident: a reply sent afterwards arrives, and no template before it.
  assert.equal((await supervisor.post(`/api/v1/consultations/${id}/claim`)).status, 200);
  const text = '担当の窓口に連絡しました。そばにいてください。';
  assert.equal((await supervisor.post(`/api/v1/consultations/${id}/messages`, { text })).status, 201);
  const all = await deliveriesTo(s, userId, (d) => d.message?.type === 'text' && d.message.text === text);
  assert.ok(all.length === 1);
  const everything = await s.fakeGet(`/_fake/deliveries?to=${userId}`);
  assert.ok(!everything.some((d) => d.message?.type === 'template'), 'no consent request was pushed');

  // The emergency route on a referral awaiting consent: counsellor 403, no reason 422, supervisor 200.
  const waiting = await referralAwaiting(s, counsellor, 'yamagata');
  assertError(await counsellor.post(referralPath(waiting.rid, 'emergency'), basis), 403, 'forbidden');
  assertError(await supervisor.post(referralPath(waiting.rid, 'emergency'), { ...basis, reason: '' }), 422, 'invalid');
  assertError(await supervisor.post(referralPath(waiting.rid, 'emergency'), { ...basis, legal_basis: 'other' }), 422, 'invalid');
  const now = await supervisor.post(referralPath(waiting.rid, 'emergency'), basis);
  assert.equal(now.status, 200, now.text);
  assert.equal(now.json.emergency, true);
  assert.equal(now.json.stage, 'at_hub');
  assertError(await supervisor.post(referralPath(waiting.rid, 'emergency'), basis), 409, 'conflict');
});

test('events: counsellors get referral events with the consultation id; the hub without it; another unit and another tenant nothing', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const supervisor = await as(s, 'yamagata', 'supervisor');
  const hub = await as(s, 'yamagata', 'officer');
  const department = await as(s, 'yamagata', 'officer2');
  const tendoCounsellor = await as(s, 'tendo', 'counsellor');
  const tendoHub = await as(s, 'tendo', 'officer');
  const clients = [counsellor, supervisor, hub, department, tendoCounsellor, tendoHub];
  const streams = await Promise.all(clients.map((c) => openStream(c)));
  const [toCounsellor, toSupervisor, toHub, toDepartment, toTendo, toTendoHub] = streams;
  try {
    const { id, rid, userId } = await referralAwaiting(s, counsellor, 'yamagata');
    // The proposal: the consultation's workers hear of it; no officer yet.
    const proposed = await waitFor(() => toCounsellor.events.find(referralEvent(rid)), 10_000);
    assertSchema('Event', proposed);
    assert.equal(proposed.consultation_id, id);
    await waitFor(() => toSupervisor.events.find(referralEvent(rid)), 10_000);
    // Consent: the hub hears of it without the consultation id.
    const yes = await residentSays(s, counsellor, 'yamagata', userId, id, 'はい、お願いします');
    const consented = await counsellor.post(referralPath(rid, 'consent'), { granted: true, message_id: yes });
    assert.equal(consented.status, 200, consented.text);
    assert.equal(consented.json.stage, 'at_hub');
    const atHub = await waitFor(() => toHub.events.find(referralEvent(rid)), 10_000);
    assertSchema('Event', atHub);
    assert.equal(atHub.consultation_id, null);
    await new Promise((resolve) => setTimeout(resolve, silenceMs));
    assert.ok(!toDepartment.events.some(referralEvent(rid)), 'another unit hears nothing of it');
    assert.ok(!toDepartment.events.some((e) => e.consultation_id), 'officers get no consultation events');
    assert.ok(!toHub.events.some((e) => e.consultation_id), 'officers get no consultation events');
    for (const foreign of [toTendo, toTendoHub]) {
      assert.ok(!foreign.events.some(referralEvent(rid)), 'another tenant hears nothing');
      assert.ok(!foreign.events.some((e) => e.consultation_id === id));
    }
    // GET /api/v1/events says the same.
    const listed = async (client) => (await client.get('/api/v1/events')).json.items.filter(referralEvent(rid));
    assert.ok((await listed(counsellor)).every((e) => e.consultation_id === id) && (await listed(counsellor)).length >= 2);
    assert.ok((await listed(hub)).length >= 1 && (await listed(hub)).every((e) => e.consultation_id === null));
    assert.deepEqual(await listed(department), []);
    assert.deepEqual(await listed(tendoCounsellor), []);
    assert.deepEqual(await listed(tendoHub), []);
    // Forwarded to the department: now it hears of it, without the consultation id.
    await forward(hub, rid, [y.department]);
    const heard = await waitFor(() => toDepartment.events.find(referralEvent(rid)), 10_000);
    assert.equal(heard.consultation_id, null);
    await referralOf(counsellor, id, rid, (r) => r.stage === 'forwarded');
    await waitFor(() => toCounsellor.events.filter(referralEvent(rid)).length >= 3, 10_000);
  } finally {
    await Promise.all(streams.map(closeStream));
  }
});
