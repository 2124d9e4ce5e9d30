// On shift, in a real browser: a new sign-in shows 終了 in the header; choosing 対応可 shows since when;
// choosing 終了 while holding a consultation asks for a handover note (引き継ぎメモ) first, and sending it
// returns the consultation to the queue with the note.
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
