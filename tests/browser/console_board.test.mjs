// The supervisor's board and whisper, in a real browser: 監督ボード lists a consultation that arrives
// while it is open (live, from the stream) and who is on shift; a supervisor's ささやき appears, marked,
// in the holder's open conversation and never in another counsellor's.
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

test('the board updates live when a consultation arrives', { timeout: 90_000 }, async () => {
  const { page, problems, context } = await open_page(browser);
  const boss = stack.user('yamagata', 'supervisor');
  const api = await stack.loggedIn('yamagata', 'supervisor');
  await log_in(page, stack.baseUrl, boss);
  await page.getByRole('link', { name: '監督ボード' }).click();
  await page.getByRole('heading', { name: '監督ボード' }).waitFor();
  await page.getByRole('heading', { name: 'シフト中の職員' }).waitFor();

  const { id } = await new_consultation(stack, api, '誰かと話したいです');
  const row = page.locator(`.board-table tr[data-id="${id}"]`);
  await row.waitFor();
  await row.getByText('待機中').waitFor();
  // Filtering to 対応中 hides a waiting one; the keyboard reaches the controls.
  await page.locator('#board-state').selectOption('assigned');
  await row.waitFor({ state: 'detached' });
  await page.locator('#board-state').selectOption('');
  await row.waitFor();
  assert.deepEqual(problems.errors, []);
  await context.close();
});

test('a whisper appears only in the holding counsellor\'s conversation', { timeout: 90_000 }, async () => {
  const boss = await stack.loggedIn('yamagata', 'supervisor');
  const holder = await stack.loggedIn('yamagata', 'counsellor');
  const { id } = await new_consultation(stack, boss, '仕事がつらいです');
  assert.equal((await holder.post(`/api/v1/consultations/${id}/claim`)).status, 200);

  const mine = await open_page(browser);
  await log_in(mine.page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${id}`);
  await mine.page.getByRole('heading', { name: /メモ/ }).waitFor();

  const whisper = await boss.post(`/api/v1/consultations/${id}/whisper`, { text: '安全確認を先に' });
  assert.equal(whisper.status, 201, whisper.text);
  // The open conversation reloads on the live event and shows it, marked ささやき.
  await mine.page.locator('.note-list li.whisper').filter({ hasText: '安全確認を先に' }).getByText('ささやき').waitFor();

  const other = await open_page(browser);
  await log_in(other.page, stack.baseUrl, stack.user('yamagata', 'counsellor2'), `#/c/${id}`);
  await other.page.getByRole('heading', { name: /メモ/ }).waitFor();
  await waitFor(async () => (await other.page.locator('.note-list li.whisper').count()) === 0, 5_000);
  assert.equal(await other.page.getByText('安全確認を先に').count(), 0);
  assert.deepEqual(mine.problems.errors, []);
  assert.deepEqual(other.problems.errors, []);
  await mine.context.close();
  await other.context.close();
});
