// The consultation search: words in messages and notes found through the keyed index in every width
// and kana (the snippet shows the match as written), the criteria, paging, the refusals, the audit row
// without the words, the roles that may search, another tenant's consultations never found, and the
// retention purge taking a consultation's grams with its texts.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import {
  as, assertError, assertRefused, newConsultation, propose, skipUnlessReady, useStack, waitFor,
} from './support.mjs';

const stack = useStack();
const search = (client, body) => client.post('/api/v1/consultations/search', body);
// A word no other test writes: the results of a search for it are this test's only.
const token = () => `zq${randomBytes(4).toString('hex').replace(/[0-9]/g, (d) => 'ghijklmnop'[d])}`;

// Searches until `predicate(items)` holds: the indexer runs in the background, every two seconds.
async function searchUntil(client, body, predicate = (items) => items.length > 0) {
  return waitFor(async () => {
    const answer = await search(client, body);
    assert.equal(answer.status, 200, answer.text);
    return predicate(answer.json.items) ? answer.json : null;
  }, 15_000);
}

test('words are found in every width and kana; the snippet shows the match as written', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const tag = token();
  const c = await newConsultation(s, counsellor, 'yamagata', `${tag} クラスでｲｼﾞﾒにあっています。つらいです`);
  assert.equal((await counsellor.post(`/api/v1/consultations/${c.id}/claim`)).status, 200);
  assert.equal((await counsellor.post(`/api/v1/consultations/${c.id}/notes`, { text: `${tag} スマホを取り上げられたとのこと` })).status, 201);
  for (const words of [`${tag} いじめ`, `${tag} イジメ`, `${tag} ｲｼﾞﾒ`, `${tag.toUpperCase()} いじめ`]) {
    const page = await searchUntil(counsellor, { words });
    assert.deepEqual(page.items.map((i) => i.consultation_id), [c.id], words);
  }
  const page = await searchUntil(counsellor, { words: `いじめ ${tag}` });
  const [hit] = page.items;
  assert.equal(hit.resident_id, c.item.resident_id);
  assert.equal(hit.snippet.source, 'message');
  assert.equal(hit.snippet.match, 'ｲｼﾞﾒ');
  assert.ok(hit.snippet.before.endsWith('クラスで'), hit.snippet.before);
  assert.ok(hit.snippet.after.startsWith('にあっています'), hit.snippet.after);
  // Notes are searched too.
  const inNote = await searchUntil(counsellor, { words: `すまほ ${tag}` });
  assert.equal(inNote.items[0].snippet.source, 'note');
  assert.equal(inNote.items[0].snippet.match, 'スマホ');
  // Every word must occur: one that does not empties the result.
  assert.deepEqual((await search(counsellor, { words: `${tag} 宇宙旅行` })).json.items, []);
  // The index holds keyed integers only.
  const grams = await s.sql(`SELECT count(*) FROM search_gram WHERE consultation_id = '${c.id}'`);
  assert.ok(Number(grams[0][0]) > 10);
});

test('criteria: category, age band, state, assignee, urgency, referral stage, resident and dates', { timeout: 40_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const tag = token();
  const a = await newConsultation(s, counsellor, 'yamagata', `${tag} 家のことで相談です`);
  const b = await newConsultation(s, counsellor, 'yamagata', `${tag} 仕事のことで相談です`);
  assert.equal((await counsellor.post(`/api/v1/consultations/${a.id}/claim`)).status, 200);
  assert.equal((await counsellor.put(`/api/v1/consultations/${a.id}/tags`, { categories: ['家族関係'], age_band: '20代' })).status, 200);
  await propose(counsellor, a.id);
  await searchUntil(counsellor, { words: tag }, (items) => items.length === 2);
  const ids = async (criteria) => (await search(counsellor, { words: tag, ...criteria })).json.items.map((i) => i.consultation_id);
  // Newest first: b was opened after a.
  assert.deepEqual(await ids({}), [b.id, a.id]);
  assert.deepEqual(await ids({ category: '家族関係' }), [a.id]);
  assert.deepEqual(await ids({ age_band: '20代' }), [a.id]);
  assert.deepEqual(await ids({ state: 'waiting' }), [b.id]);
  assert.deepEqual(await ids({ state: 'assigned' }), [a.id]);
  assert.deepEqual(await ids({ assignee: counsellor.session.user.user_id }), [a.id]);
  assert.deepEqual(await ids({ assignee: 'none' }), [b.id]);
  assert.deepEqual(await ids({ priority: 'urgent' }), []);
  assert.deepEqual(await ids({ priority: 'normal' }), [b.id, a.id]);
  assert.deepEqual(await ids({ referral_stage: 'awaiting_consent' }), [a.id]);
  assert.deepEqual(await ids({ resident_id: b.item.resident_id }), [b.id]);
  const today = new Date(Date.now() + 9 * 3600 * 1000).toISOString().slice(0, 10);  // the tenant's (JST) day
  const tomorrow = new Date(Date.now() + 33 * 3600 * 1000).toISOString().slice(0, 10);
  assert.deepEqual(await ids({ opened_from: today, opened_to: today }), [b.id, a.id]);
  assert.deepEqual(await ids({ opened_from: tomorrow }), []);
  // Without words: the criteria alone, no snippet.
  const byResident = await search(counsellor, { resident_id: a.item.resident_id });
  assert.deepEqual(byResident.json.items.map((i) => i.consultation_id), [a.id]);
  assert.equal(byResident.json.items[0].snippet, null);
  assert.equal(byResident.json.items[0].referral_stage, 'awaiting_consent');
  assert.deepEqual(byResident.json.items[0].categories, ['家族関係']);
});

test('pages newest first with a cursor', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const tag = token();
  const made = [];
  for (let i = 0; i < 3; i += 1) {
    made.push((await newConsultation(s, counsellor, 'yamagata', `${tag} ${i}回目の相談`)).id);
  }
  await searchUntil(counsellor, { words: tag }, (items) => items.length === 3);
  const seen = [];
  let cursor;
  do {
    const answer = await search(counsellor, { words: tag, limit: 2, ...(cursor ? { cursor } : {}) });
    assert.equal(answer.status, 200, answer.text);
    assert.ok(answer.json.items.length <= 2);
    seen.push(...answer.json.items.map((i) => i.consultation_id));
    cursor = answer.json.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, made.reverse());
});

test('refusals: a one-character word, bad dates and labels, limits and unknown fields', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  assertRefused(await search(counsellor, { words: '死' }), 422, 'invalid', 'word_too_short');
  assertRefused(await search(counsellor, { words: 'ｶﾞ' }), 422, 'invalid', 'word_too_short');
  assertRefused(await search(counsellor, { words: 'a'.repeat(51) }), 422, 'invalid', 'word_too_long');
  assertRefused(await search(counsellor, { words: 'aa bb cc dd ee ff gg hh ii' }), 422, 'invalid', 'too_many_words');
  assertRefused(await search(counsellor, { opened_from: '2026-02-30' }), 422, 'invalid', 'bad_date');
  assertRefused(await search(counsellor, { opened_from: '2026-03-02', opened_to: '2026-03-01' }), 422, 'invalid', 'bad_date');
  assertRefused(await search(counsellor, { category: '宇宙' }), 422, 'invalid', 'unknown_category');
  assertRefused(await search(counsellor, { age_band: '100代' }), 422, 'invalid', 'unknown_age_band');
  assertRefused(await search(counsellor, { state: 'open' }), 422, 'invalid', 'unknown_state');
  assertRefused(await search(counsellor, { priority: 'high' }), 422, 'invalid', 'unknown_priority');
  assertRefused(await search(counsellor, { referral_stage: 'lost' }), 422, 'invalid', 'unknown_stage');
  assertRefused(await search(counsellor, { resident_id: 'R-1234' }), 422, 'invalid', 'bad_id');
  assertRefused(await search(counsellor, { limit: 0 }), 400, 'bad_request', 'search_limit_out_of_range');
  assertRefused(await search(counsellor, { limit: 51 }), 400, 'bad_request', 'search_limit_out_of_range');
  assertRefused(await search(counsellor, { cursor: 'nope' }), 400, 'bad_request', 'bad_cursor');
  assertError(await search(counsellor, { text: 'いじめ' }), 400, 'bad_request');
  assertError(await search(counsellor, { words: 3 }), 400, 'bad_request');
});

test('each search is audited with its criteria and the count of words, never the words', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const tag = token();
  assert.equal((await search(counsellor, { words: `${tag} 学校`, category: '家族関係', state: 'closed' })).status, 200);
  const rows = await s.sql(`SELECT actor_id::text, object_id, detail::text FROM audit_event WHERE action = 'consultation.search' ORDER BY audit_id DESC LIMIT 1`);
  const [actor, object, detail] = rows[0];
  assert.equal(actor, counsellor.session.user.user_id);
  assert.equal(object, 'yamagata');
  const d = JSON.parse(detail);
  assert.equal(d.words, 2);
  assert.equal(d.category, '家族関係');
  assert.equal(d.state, 'closed');
  assert.ok(!detail.includes(tag) && !detail.includes('学校'), detail);
});

test('officers, admins and analysts may not search; another tenant\'s consultations are never found', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const tag = token();
  const c = await newConsultation(s, counsellor, 'yamagata', `${tag} 誰にも言えない話`);
  await searchUntil(counsellor, { words: tag });
  for (const role of ['officer', 'admin', 'analyst']) {
    assertError(await search(await as(s, 'yamagata', role), { words: tag }), 403, 'forbidden');
  }
  const tendo = await as(s, 'tendo', 'counsellor');
  assert.deepEqual((await search(tendo, { words: tag })).json.items, []);
  assert.deepEqual((await search(tendo, { resident_id: c.item.resident_id })).json.items, []);
  const tendoSupervisor = await as(s, 'tendo', 'supervisor');
  assert.deepEqual((await search(tendoSupervisor, { words: `${tag} 誰にも` })).json.items, []);
});

test('the retention purge removes a consultation\'s grams with its texts', { timeout: 30_000 }, async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const counsellor = await as(s, 'yamagata', 'counsellor');
  const tag = token();
  const c = await newConsultation(s, counsellor, 'yamagata', `${tag} 消えるはずの相談`);
  await searchUntil(counsellor, { words: tag });
  assert.equal((await counsellor.post(`/api/v1/consultations/${c.id}/claim`)).status, 200);
  assert.equal((await counsellor.post(`/api/v1/consultations/${c.id}/close`)).status, 200);
  const later = new Date(Date.now() + 6 * 366 * 24 * 3600 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const run = await s.cli(['retention', 'run', '--config', s.configFile, '--now', later]);
  assert.equal(run.code, 0, run.stderr);
  const grams = await s.sql(`SELECT count(*) FROM search_gram WHERE consultation_id = '${c.id}'`);
  assert.equal(Number(grams[0][0]), 0);
  assert.deepEqual((await search(counsellor, { words: tag })).json.items, []);
  // Found by its criteria still, as purged (dates and tallies only).
  const [purged] = (await search(counsellor, { resident_id: c.item.resident_id })).json.items;
  assert.equal(purged.purged, true);
});
