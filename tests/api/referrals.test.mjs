// Referrals with the resident's consent, end to end through the API and the fake LINE
// platform: the full flow (propose → consent request on LINE → signed postback grants → the hub sees it
// live → forwards to a department and a platform group → both answer → the hub returns → the counsellor
// sees both answers, replies and closes), the declined path, consent recorded by a counsellor, the
// withdrawn paths, and the hub answering a referral itself (seeing the suggested units first). Yamagata answers through its hub (the example's
// [tenant.referrals]).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  as, assertError, consentRequest, consultationReferrals, deliveriesTo, newConsultation, officerPath, openStream,
  closeStream, pastSecondOf, propose, referralAtHub, referralOf, referralPath, residentSays, residentTaps,
  skipUnlessReady, units, useStack, waitFor,
} from './support.mjs';
import { assertSchema } from './schema.mjs';

const stack = useStack();
const y = units.yamagata;

// What an officer's JSON must never carry (OfficerReferral: never the transcript, LINE ids, the reason,
// notes or the consultation id): absent as keys anywhere, and the values nowhere in the text. The
// suggested units are the hub's alone (`hub`: the answer is the hub officer's).
const undisclosedKeys = ['consultation_id', 'reason', 'messages', 'notes', 'transcript', 'resident_label', 'user_id',
  'line_user_id', 'userId', 'suggested_units', 'consent'];

function assertDisclosesOnly(json, secrets, { hub = false } = {}) {
  const walk = (value, where) => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${where}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        const allowed = hub && key === 'suggested_units';
        assert.ok(allowed || !undisclosedKeys.includes(key), `an officer's answer carries ${where}.${key}`);
        walk(inner, `${where}.${key}`);
      }
    }
  };
  walk(json, '$');
  const text = JSON.stringify(json);
  for (const [what, value] of Object.entries(secrets)) {
    assert.ok(!text.includes(value), `an officer's answer contains the ${what}`);
  }
}

const referralEvent = (referralId) => (e) => e.kind === 'referral' && e.referral_id === referralId;
const tokenOf = (data) => data.split(':')[2];

test('full flow: consent by postback, the hub forwards, a department and a platform group answer, the counsellor replies and closes', { timeout: 60_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const hub = await as(s, 'yamagata', 'officer');
  const department = await as(s, 'yamagata', 'officer2');
  const group = await as(s, 'yamagata', 'officer3');
  const tenant = (await counsellor.get('/api/v1/tenant')).json;
  const unitName = (id) => tenant.org_units.find((u) => u.id === id).name;
  const category = tenant.categories[0];
  const streams = await Promise.all([hub, department, group].map((c) => openStream(c)));
  try {
    const transcript = '仕事を失って家賃が払えません。誰にも言えずにいます。';
    const { id, userId } = await newConsultation(s, counsellor, 'yamagata', transcript);
    assert.equal((await counsellor.post(`/api/v1/consultations/${id}/claim`)).status, 200);

    // 1. The proposal: summary, the hub suggested, a category; the resident is asked on LINE.
    const summary = '失業により家賃の支払いが難しい。住居確保給付金の相談を希望。';
    const reason = '本人が市の支援を希望（理由の本文は窓口に見せない）';
    const referral = await propose(counsellor, id, { summary, unit_ids: [y.hub], reason, categories: [category] });
    const rid = referral.referral_id;
    assert.equal(referral.consultation_id, id);
    assert.equal(referral.stage, 'awaiting_consent');
    assert.equal(referral.cause, 'none');
    assert.equal(referral.emergency, false);
    assert.equal(referral.legal_basis, null);
    assert.equal(referral.summary, summary);
    assert.equal(referral.reason, reason);
    assert.deepEqual(referral.suggested_units, [y.hub]);
    assert.deepEqual(referral.categories, [category]);
    assert.deepEqual(referral.recipients, []);
    assert.deepEqual(referral.answers, []);
    assert.equal(referral.consent.state, 'requested');
    assert.ok(referral.consent.requested_at && referral.consent.expires_at);
    assert.match(referral.number, /^\d{4}-\d{4}$/);

    const request = await consentRequest(s, userId);
    assert.ok(request.text, 'a text message goes with the confirm template');
    assert.ok(request.text.includes(summary), 'the consent request says what will be shared, word for word');
    assert.ok(request.text.includes(unitName(y.hub)), 'the consent request names the unit');
    assert.ok(request.text.includes(category), 'the consent request names the shared category');
    assert.ok(!request.text.includes(reason), 'the reason is not shared');
    assert.equal(request.template.type, 'template');
    assert.equal(request.actions.length, 2);
    assert.deepEqual(request.actions.map((a) => a.type), ['postback', 'postback']);
    assert.deepEqual(request.actions.map((a) => a.label), ['同意する', '同意しない']);
    assert.match(request.grant, /^yc1:grant:[A-Za-z0-9_-]{16,64}$/);
    assert.match(request.decline, /^yc1:decline:[A-Za-z0-9_-]{16,64}$/);
    assert.equal(tokenOf(request.grant), tokenOf(request.decline), 'both buttons carry the same consent token');
    assert.ok(!request.grant.includes(rid), 'the postback data carries no referral id');

    // Not consented yet: the hub does not see it.
    assertError(await hub.get(officerPath(rid)), 404, 'not_found');
    assert.ok(!(await hub.get(officerPath())).json.items.some((r) => r.referral_id === rid));

    // 2. The resident taps 同意する: a signed postback webhook.
    await residentTaps(s, 'yamagata', userId, request.grant);
    const granted = await referralOf(counsellor, id, rid, (r) => r.stage === 'at_hub');
    assert.equal(granted.consent.state, 'granted');
    assert.equal(granted.consent.answer_via, 'postback');
    assert.ok(granted.consent.answered_at);
    assert.equal(granted.hub_involved, true);
    // The resident is thanked and offered a withdraw button with the same token.
    await deliveriesTo(s, userId, (d) => d.message?.quickReply?.items?.some(
      (i) => i.action?.data === `yc1:withdraw:${tokenOf(request.grant)}`));

    // 3. The hub's socket hears of it without the consultation id; its inbox lists it, disclosed only.
    const event = await waitFor(() => streams[0].events.find(referralEvent(rid)), 10_000);
    assertSchema('Event', event);
    assert.equal(event.consultation_id, null, 'officers never learn the consultation id');
    assert.equal(event.message_id, null);
    const secrets = { transcript, reason, 'LINE user id': userId, 'consultation id': id };
    const inbox = await hub.get(officerPath());
    assert.equal(inbox.status, 200);
    assert.deepEqual(inbox.json.unit, { id: y.hub, name: unitName(y.hub), kind: 'hub' });
    const listed = inbox.json.items.find((r) => r.referral_id === rid);
    assert.ok(listed, 'the hub\'s inbox lists it');
    assert.equal(listed.stage, 'at_hub');
    assert.equal(listed.summary, summary);
    assert.deepEqual(listed.categories, [category]);
    assert.equal(listed.emergency, false);
    assert.equal(listed.consent_withdrawn, false);
    assert.equal(listed.number, referral.number);
    assert.deepEqual(listed.suggested_units, [y.hub]);
    assertDisclosesOnly(inbox.json, secrets, { hub: true });
    const detail = await hub.get(officerPath(rid));
    assert.equal(detail.status, 200);
    assertDisclosesOnly(detail.json, secrets, { hub: true });
    const reads = await s.sql(`SELECT count(*) FROM audit_event WHERE object_id = '${rid}' AND action = 'referral.read' AND actor_id = '${hub.session.user.user_id}'`);
    assert.ok(Number(reads[0][0]) >= 1, 'the officer\'s read is audited');
    assertError(await department.get(officerPath(rid)), 404, 'not_found');

    // 4. The hub forwards to a department and a platform group; each sees it live and in its inbox.
    const forwarded = await hub.post(officerPath(rid, 'forward'), { unit_ids: [y.department, y.group] });
    assert.equal(forwarded.status, 200, forwarded.text);
    assert.equal(forwarded.json.stage, 'forwarded');
    assert.deepEqual([...forwarded.json.recipients].sort(), [y.department, y.group].sort());
    for (const [client, stream, unit] of [[department, streams[1], y.department], [group, streams[2], y.group]]) {
      const heard = await waitFor(() => stream.events.find(referralEvent(rid)), 10_000);
      assert.equal(heard.consultation_id, null);
      const own = await client.get(officerPath());
      assert.equal(own.json.unit.id, unit);
      const item = own.json.items.find((r) => r.referral_id === rid);
      assert.ok(item, `${unit}'s inbox lists it`);
      assert.equal(item.summary, summary);
      assert.equal(item.answered_by_my_unit, false);
      assertDisclosesOnly(own.json, secrets);
    }

    // 5. Both answer (対応内容); each sees its own answer.
    const answers = {
      [y.department]: '精神保健福祉士が面談します。来週の火曜日に電話します。',
      [y.group]: '居場所の会を紹介できます。',
    };
    for (const [client, unit] of [[department, y.department], [group, y.group]]) {
      const answered = await client.post(officerPath(rid, 'answer'), { text: answers[unit] });
      assert.equal(answered.status, 200, answered.text);
      assert.equal(answered.json.answered_by_my_unit, true);
      assert.ok(answered.json.answers.some((a) => a.unit_id === unit && a.text === answers[unit]));
      assert.ok(answered.json.answers.every((a) => a.unit_id === unit), 'a recipient sees its own answer only');
      assertDisclosesOnly(answered.json, secrets);
    }
    assertError(await department.post(officerPath(rid, 'answer'), { text: 'もう一度' }), 409, 'conflict');

    // 6. Answers go back through the hub: it sees both and returns them.
    const atHub = await hub.get(officerPath(rid));
    assert.equal(atHub.json.stage, 'answered');
    assert.equal(atHub.json.answers.length, 2);
    const returned = await hub.post(officerPath(rid, 'return'));
    assert.equal(returned.status, 200, returned.text);
    assert.equal(returned.json.stage, 'returned');

    // 7. The counsellor sees both answers with the units' names, replies and closes.
    const back = await referralOf(counsellor, id, rid, (r) => r.stage === 'returned');
    assert.equal(back.answers.length, 2);
    for (const unit of [y.department, y.group]) {
      const answer = back.answers.find((a) => a.unit_id === unit);
      assert.ok(answer, `the answer of ${unit}`);
      assert.equal(answer.text, answers[unit]);
      assert.equal(answer.unit_name, unitName(unit));
      assert.ok(answer.answered_at);
    }
    const replyText = '市の窓口から返事がありました。来週火曜日に精神保健の担当の方から電話があります。';
    const reply = await counsellor.post(`/api/v1/consultations/${id}/messages`, { text: replyText });
    assert.equal(reply.status, 201, reply.text);
    await deliveriesTo(s, userId, (d) => d.message?.type === 'text' && d.message.text === replyText);
    const closed = await counsellor.post(referralPath(rid, 'close'));
    assert.equal(closed.status, 200, closed.text);
    assert.equal(closed.json.stage, 'closed');
    assertError(await counsellor.post(referralPath(rid, 'close')), 409, 'conflict');
    const list = await counsellor.get(consultationReferrals(id));
    assert.equal(list.json.items[0].referral_id, rid);
    assert.equal(list.json.items[0].stage, 'closed');
  } finally {
    await Promise.all(streams.map(closeStream));
  }
});

test('declined by postback: cancelled (consent_declined), the hub never sees it, a later grant changes nothing', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const hub = await as(s, 'yamagata', 'officer');
  const hubStream = await openStream(hub);
  try {
    const { id, userId } = await newConsultation(s, counsellor, 'yamagata', '家族のことで相談です');
    const rid = (await propose(counsellor, id)).referral_id;
    const request = await consentRequest(s, userId);
    await residentTaps(s, 'yamagata', userId, request.decline);
    const declined = await referralOf(counsellor, id, rid, (r) => r.stage === 'cancelled');
    assert.equal(declined.cause, 'consent_declined');
    assert.equal(declined.consent.state, 'declined');
    assert.equal(declined.consent.answer_via, 'postback');
    assert.equal(declined.hub_involved, false);
    // The resident is told nothing will be passed on.
    await deliveriesTo(s, userId, (d) => d.message?.type === 'text' && d.message.text.includes('お伝えしません'));
    // A late 同意する changes nothing: the decline is final.
    await residentTaps(s, 'yamagata', userId, request.grant);
    const after = (await counsellor.get(consultationReferrals(id))).json.items.find((r) => r.referral_id === rid);
    assert.equal(after.stage, 'cancelled');
    assert.equal(after.consent.state, 'declined');
    assertError(await hub.get(officerPath(rid)), 404, 'not_found');
    assert.ok(!(await hub.get(officerPath())).json.items.some((r) => r.referral_id === rid));
    assert.ok(!hubStream.events.some(referralEvent(rid)), 'no event about it reached the hub');
    assert.ok(!(await hub.get('/api/v1/events')).json.items.some(referralEvent(rid)));
    const yes = await residentSays(s, counsellor, 'yamagata', userId, id, 'やっぱり伝えてください');
    assertError(await counsellor.post(referralPath(rid, 'consent'), { granted: true, message_id: yes }), 409, 'conflict');
  } finally {
    await closeStream(hubStream);
  }
});

test('consent recorded by a counsellor from the resident\'s own message; 422 for older or foreign messages, 409 twice; audited', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const hub = await as(s, 'yamagata', 'officer');
  const { id, userId } = await newConsultation(s, counsellor, 'yamagata', '相談があります');
  assert.equal((await counsellor.post(`/api/v1/consultations/${id}/claim`)).status, 200);
  const first = (await counsellor.get(`/api/v1/consultations/${id}`)).json.messages.find((m) => m.direction === 'in');
  const mine = await counsellor.post(`/api/v1/consultations/${id}/messages`, { text: '市の窓口に伝えてもよいですか？' });
  assert.equal(mine.status, 201);
  // A margin of one second: the store reads a message's time rounded to the nearest second, not
  // floored (storage/src/referral/referral_ops.cpp resident_message_sql), so a message from the second half of
  // the second before the request would pass as "not older" (reported; not the gateway's).
  await pastSecondOf(first.sent_at, 1);
  await pastSecondOf(mine.json.sent_at);
  const rid = (await propose(counsellor, id)).referral_id;
  await consentRequest(s, userId);

  // Bodies: 400 for wrong types or missing fields.
  assertError(await counsellor.post(referralPath(rid, 'consent'), { granted: 'yes', message_id: first.message_id }), 400, 'bad_request');
  assertError(await counsellor.post(referralPath(rid, 'consent'), { granted: true }), 400, 'bad_request');
  // The resident's message from before the request, the counsellor's own message, an unknown one: 422.
  const older = await counsellor.post(referralPath(rid, 'consent'), { granted: true, message_id: first.message_id });
  assertError(older, 422, 'invalid');
  assertError(await counsellor.post(referralPath(rid, 'consent'), { granted: true, message_id: mine.json.message_id }), 422, 'invalid');
  assertError(await counsellor.post(referralPath(rid, 'consent'), { granted: true, message_id: '00000000-0000-4000-8000-000000000000' }), 422, 'invalid');
  assert.equal((await counsellor.get(consultationReferrals(id))).json.items[0].stage, 'awaiting_consent');

  const yes = await residentSays(s, counsellor, 'yamagata', userId, id, 'はい、市に伝えてください');
  const recorded = await counsellor.post(referralPath(rid, 'consent'), { granted: true, message_id: yes });
  assert.equal(recorded.status, 200, recorded.text);
  assert.equal(recorded.json.stage, 'at_hub');
  assert.equal(recorded.json.consent.state, 'granted');
  assert.equal(recorded.json.consent.answer_via, 'counsellor');
  assertError(await counsellor.post(referralPath(rid, 'consent'), { granted: true, message_id: yes }), 409, 'conflict');
  const audited = await s.sql(`SELECT count(*) FROM audit_event WHERE object_id = '${rid}' AND action = 'referral.consent_record' AND actor_id = '${counsellor.session.user.user_id}'`);
  assert.equal(Number(audited[0][0]), 1, 'the recorded consent is audited');
  assert.equal((await hub.get(officerPath(rid))).status, 200, 'the hub sees it');

  // A "no" recorded the same way cancels another referral.
  const second = (await propose(counsellor, id)).referral_id;
  const no = await residentSays(s, counsellor, 'yamagata', userId, id, 'やっぱり伝えないでください');
  const refused = await counsellor.post(referralPath(second, 'consent'), { granted: false, message_id: no });
  assert.equal(refused.status, 200, refused.text);
  assert.equal(refused.json.stage, 'cancelled');
  assert.equal(refused.json.cause, 'consent_declined');
  assert.equal(refused.json.consent.answer_via, 'counsellor');
});

test('withdrawn after forwarding: cancelled; recipients see only "consent withdrawn" (no summary, categories, answers)', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const hub = await as(s, 'yamagata', 'officer');
  const department = await as(s, 'yamagata', 'officer2');
  const group = await as(s, 'yamagata', 'officer3');
  const category = (await counsellor.get('/api/v1/tenant')).json.categories[0];
  const { id, userId } = await newConsultation(s, counsellor, 'yamagata', '子どものことで悩んでいます');
  const summary = '子育ての悩み。学校との連絡の相談を希望。';
  const rid = (await propose(counsellor, id, { summary, categories: [category] })).referral_id;
  await residentTaps(s, 'yamagata', userId, (await consentRequest(s, userId)).grant);
  await referralOf(counsellor, id, rid, (r) => r.stage === 'at_hub');
  const forwarded = await hub.post(officerPath(rid, 'forward'), { unit_ids: [y.department, y.group] });
  assert.equal(forwarded.status, 200, forwarded.text);
  const answered = await group.post(officerPath(rid, 'answer'), { text: '居場所の会を紹介できます。' });
  assert.equal(answered.status, 200, answered.text);
  assert.equal((await department.get(officerPath(rid))).json.summary, summary);

  const saying = await residentSays(s, counsellor, 'yamagata', userId, id, 'やっぱり市に伝えるのはやめてください');
  const withdrawn = await counsellor.post(referralPath(rid, 'withdraw'), { message_id: saying });
  assert.equal(withdrawn.status, 200, withdrawn.text);
  assert.equal(withdrawn.json.stage, 'cancelled');
  assert.equal(withdrawn.json.cause, 'consent_withdrawn');
  assert.equal(withdrawn.json.consent.state, 'withdrawn');
  assert.ok(withdrawn.json.consent.withdrawn_at);

  for (const [who, client] of [['hub', hub], ['department', department], ['platform group', group]]) {
    const seen = await client.get(officerPath(rid));
    assert.equal(seen.status, 200, `${who}: ${seen.text}`);
    assert.equal(seen.json.consent_withdrawn, true, who);
    assert.equal(seen.json.stage, 'cancelled', who);
    assert.equal(seen.json.summary, '', `${who} no longer sees the summary`);
    assert.deepEqual(seen.json.categories, [], `${who} no longer sees the categories`);
    assert.deepEqual(seen.json.answers, [], `${who} no longer sees the answers`);
    const listed = (await client.get(officerPath())).json.items.find((r) => r.referral_id === rid);
    assert.equal(listed.consent_withdrawn, true, who);
    assert.equal(listed.summary, '', who);
    assert.ok(!JSON.stringify((await client.get(officerPath())).json).includes(summary), `${who}'s inbox keeps no summary`);
  }
  assertError(await department.post(officerPath(rid, 'answer'), { text: '対応します' }), 409, 'conflict');
  assertError(await counsellor.post(referralPath(rid, 'withdraw'), { message_id: saying }), 409, 'conflict');
});

test('withdrawn by the resident\'s postback (the button sent with the thanks) while at the hub', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const hub = await as(s, 'yamagata', 'officer');
  const { id, userId } = await newConsultation(s, counsellor, 'yamagata', '仕事のことで相談です');
  const rid = (await propose(counsellor, id)).referral_id;
  const request = await consentRequest(s, userId);
  await residentTaps(s, 'yamagata', userId, request.grant);
  await referralOf(counsellor, id, rid, (r) => r.stage === 'at_hub');
  const withdraw = `yc1:withdraw:${tokenOf(request.grant)}`;
  await deliveriesTo(s, userId, (d) => d.message?.quickReply?.items?.some((i) => i.action?.data === withdraw));
  await residentTaps(s, 'yamagata', userId, withdraw);
  const cancelled = await referralOf(counsellor, id, rid, (r) => r.stage === 'cancelled');
  assert.equal(cancelled.cause, 'consent_withdrawn');
  assert.equal(cancelled.consent.state, 'withdrawn');
  const seen = await hub.get(officerPath(rid));
  assert.equal(seen.status, 200);
  assert.equal(seen.json.consent_withdrawn, true);
  assert.equal(seen.json.summary, '');
  assertError(await hub.post(officerPath(rid, 'forward'), { unit_ids: [y.department] }), 409, 'conflict');
});

test('a late 同意しない after 同意する withdraws (as the withdraw button) and the resident is answered; both taps in the transcript', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const { id, userId } = await newConsultation(s, counsellor, 'yamagata', '仕事のことで相談です');
  const rid = (await propose(counsellor, id)).referral_id;
  const request = await consentRequest(s, userId);
  await residentTaps(s, 'yamagata', userId, request.grant);
  await referralOf(counsellor, id, rid, (r) => r.stage === 'at_hub');
  await residentTaps(s, 'yamagata', userId, request.decline);
  const cancelled = await referralOf(counsellor, id, rid, (r) => r.stage === 'cancelled');
  assert.equal(cancelled.cause, 'consent_withdrawn');
  assert.equal(cancelled.consent.state, 'withdrawn');
  // The resident gets the withdrawal's answer on LINE.
  await deliveriesTo(s, userId, (d) => d.message?.type === 'text' && d.message.text.startsWith('同意を取り消しました'));
  // Recorded as a withdrawal by the resident, like the button's.
  const withdrawals = await s.sql(`SELECT actor_kind, consent_from FROM referral_event WHERE referral_id = '${rid}' AND consent_to = 'withdrawn' ORDER BY event_seq`);
  assert.deepEqual(withdrawals, [['resident', 'granted']]);
  // The counsellor sees both taps as the resident's actions, then our answers.
  const detail = (await counsellor.get(`/api/v1/consultations/${id}`)).json;
  const taps = detail.messages.filter((m) => m.kind === 'postback').map((m) => [m.direction, m.text]);
  assert.deepEqual(taps, [['in', '同意する'], ['in', '同意しない']]);
  assert.equal(detail.messages.filter((m) => m.kind === 'consent_ack').length, 2);
});

test('the hub sees the suggested units and answers a referral itself: returned at once, the counsellor reads the answer', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const hub = await as(s, 'yamagata', 'officer');
  const department = await as(s, 'yamagata', 'officer2');
  const { id, rid } = await referralAtHub(s, counsellor, 'yamagata', { unit_ids: [y.department, y.group] });

  // The hub reads the counsellor's suggestion; a department never does.
  const seen = await hub.get(officerPath(rid));
  assert.equal(seen.status, 200);
  assertSchema('OfficerReferral', seen.json);
  assert.equal(seen.json.stage, 'at_hub');
  assert.deepEqual(seen.json.suggested_units, [y.department, y.group]);
  assertError(await department.post(officerPath(rid, 'answer'), { text: '対応します' }), 404, 'not_found');
  assertError(await hub.post(officerPath(rid, 'answer'), { text: ' \u3000' }), 422, 'invalid');

  // The hub answers itself: it is the one recipient, the answer goes back at once (no 回答を返す).
  const text = '生活福祉課の窓口で家計の相談を受けます。平日9時から、電話で予約できます。';
  const answered = await hub.post(officerPath(rid, 'answer'), { text });
  assert.equal(answered.status, 200, answered.text);
  assertSchema('OfficerReferral', answered.json);
  assert.equal(answered.json.stage, 'returned');
  assert.deepEqual(answered.json.recipients, [y.hub]);
  assert.equal(answered.json.answered_by_my_unit, true);
  assert.deepEqual(answered.json.answers.map((a) => [a.unit_id, a.text]), [[y.hub, text]]);

  // The counsellor sees the hub's answer under the hub's name, and may close.
  const back = await referralOf(counsellor, id, rid, (r) => r.stage === 'returned');
  assert.deepEqual(back.answers.map((a) => [a.unit_id, a.text]), [[y.hub, text]]);
  const events = await s.sql(`SELECT event, from_stage, to_stage FROM referral_event WHERE referral_id = '${rid}' AND event = 'hub_answer'`);
  assert.deepEqual(events, [['hub_answer', 'at_hub', 'returned']]);

  // Nothing more to do for officers: a second answer, a forward and a return are refused.
  assertError(await hub.post(officerPath(rid, 'answer'), { text: 'もう一度' }), 409, 'conflict');
  assertError(await hub.post(officerPath(rid, 'forward'), { unit_ids: [y.department] }), 409, 'conflict');
  assertError(await hub.post(officerPath(rid, 'return')), 409, 'conflict');
  const closed = await counsellor.post(referralPath(rid, 'close'));
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.json.stage, 'closed');
});
