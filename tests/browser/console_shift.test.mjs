// On shift, in a real browser: a new sign-in shows 終了 in the header; choosing 対応可 shows since when;
// choosing 終了 while holding a consultation asks for a handover note (引き継ぎメモ) first, and sending it
// returns the consultation to the queue with the note. Risk levels: a crisis keyword reads as 高 in the
// 危険度 panel; a level recorded with its reason shows in the panel, its history and the queue row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../support/harness/index.mjs';
import { log_in, new_consultation, open_page, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1 }, (s, b) => {
  stack = s;
  browser = b;
});

test('presence in the header; going off while holding a consultation hands it back with a note', { timeout: 90_000 }, async () => {
  const { page, problems, context } = await open_page(browser);
  const counsellor = stack.user('yamagata', 'counsellor');
  const api = await stack.loggedIn('yamagata', 'counsellor');
  const boss = await stack.loggedIn('yamagata', 'supervisor');

  await log_in(page, stack.baseUrl, counsellor);
  const presence = page.getByLabel('対応状況');
  await waitFor(async () => (await presence.inputValue()) === 'off', 10_000);

  await presence.selectOption('available');
  await page.locator('.presence-since').filter({ hasText: /\d\d:\d\dから/ }).waitFor();
  const me = (await boss.get('/api/v1/shift')).json.items.find((i) => i.display_name === counsellor.name);
  assert.equal(me.status, 'available');

  const { id } = await new_consultation(stack, boss, '夜になると不安になります');
  assert.equal((await api.post(`/api/v1/consultations/${id}/claim`)).status, 200);

  await presence.selectOption('off');
  const note = page.getByLabel(/引き継ぎメモ/);
  await note.waitFor();
  assert.equal((await boss.get('/api/v1/shift')).json.items.find((i) => i.user_id === me.user_id).status, 'available',
    'nothing changes before the note is sent');
  await note.fill('眠れない話の途中です。');
  await page.getByRole('button', { name: '引き継いで終了' }).click();
  await note.waitFor({ state: 'detached' });
  assert.equal(await presence.inputValue(), 'off');

  const detail = (await boss.get(`/api/v1/consultations/${id}`)).json;
  assert.equal(detail.state, 'waiting');
  assert.ok(detail.notes.some((n) => n.text === '眠れない話の途中です。'));
  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});

test('risk level: the 危険度 panel records a level with its reason; the queue row shows it; a keyword reads as 高', { timeout: 90_000 }, async () => {
  const { page, problems, context } = await open_page(browser);
  const counsellor = stack.user('yamagata', 'counsellor2');
  const boss = await stack.loggedIn('yamagata', 'supervisor');
  const { id } = await new_consultation(stack, boss, '最近眠れません');
  const crisis = await new_consultation(stack, boss, 'もう死にたい');

  await log_in(page, stack.baseUrl, counsellor, `#/c/${crisis.id}`);
  const panel = page.locator('form.risk');
  await panel.locator('.risk-now[data-risk="high"]').waitFor();
  await panel.getByText(/緊急キーワード/).waitFor();

  await page.evaluate((target) => { location.hash = `#/c/${target}`; }, id);
  await panel.locator('.risk-now[data-risk=""]').waitFor();
  const record = panel.getByRole('button', { name: '危険度を記録' });
  assert.equal(await record.isDisabled(), true, 'no reason, no record');
  await panel.getByLabel('危険度を変える').selectOption('critical');
  await panel.getByLabel(/理由/).fill('具体的な計画の話が出た');
  await record.click();
  await panel.locator('.risk-now[data-risk="critical"]').waitFor();
  await page.locator(`a.queue-row[data-consultation-id="${id}"] .risk-badge`).filter({ hasText: '緊急' }).waitFor();
  await panel.getByText(/変更の履歴（1件）/).waitFor();

  const history = (await boss.get(`/api/v1/consultations/${id}/risk`)).json.items;
  assert.deepEqual(history.map((h) => [h.level, h.reason]), [['critical', '具体的な計画の話が出た']]);
  assert.deepEqual(problems.errors, []);
  await context.close();
});
