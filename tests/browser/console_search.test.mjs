// The search screen in a real browser: 検索 in the counsellor's header, words typed in hiragana find a
// message written in half-width katakana, the snippet marks the match as written, and 開く shows the
// consultation read-only.
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

test('search: words find a consultation in any width and kana; the result opens read-only', { timeout: 90_000 }, async () => {
  const { page, problems, context } = await open_page(browser);
  const counsellor = stack.user('yamagata', 'counsellor');
  const api = await stack.loggedIn('yamagata', 'counsellor');

  const found = await new_consultation(stack, api, 'クラスでｲｼﾞﾒにあっていて、学校に行けません');
  await new_consultation(stack, api, '仕事のことで相談です');
  const path = `/api/v1/consultations/${found.id}`;
  assert.equal((await api.post(`${path}/claim`)).status, 200);
  assert.equal((await api.post(`${path}/notes`, { text: '担任には話していない' })).status, 201);
  // The indexer runs in the background: wait until the API finds it.
  await waitFor(async () => (await api.post('/api/v1/consultations/search', { words: 'いじめ' })).json.items.length > 0, 15_000);

  await log_in(page, stack.baseUrl, counsellor);
  await page.getByRole('navigation').getByRole('link', { name: '検索' }).click();
  await page.getByRole('heading', { name: '検索' }).waitFor();
  const form = page.getByRole('form', { name: '相談の検索' });
  await form.getByLabel('語句').fill('いじめ　学校');
  await form.getByRole('button', { name: '検索' }).click();

  const results = page.getByRole('list', { name: '検索結果' });
  const item = results.getByRole('listitem');
  await item.first().waitFor();
  assert.equal(await item.count(), 1);
  assert.equal(await item.locator('mark').textContent(), 'ｲｼﾞﾒ');
  await item.getByText(/クラスで/).waitFor();
  // The words never go into the address.
  assert.ok(!decodeURIComponent(page.url()).includes('いじめ'));

  await item.getByRole('button', { name: /の相談を開く$/ }).click();
  const dialog = page.getByRole('dialog', { name: '過去の相談（閲覧のみ）' });
  await dialog.getByText('クラスでｲｼﾞﾒにあっていて、学校に行けません').waitFor();
  await dialog.getByText('担任には話していない').waitFor();
  assert.equal(await dialog.locator('textarea, input').count(), 0, 'nothing to write in a search result');
  await dialog.getByRole('button', { name: '閉じる' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // A one-character word is refused with the reason.
  await form.getByLabel('語句').fill('死');
  await form.getByRole('button', { name: '検索' }).click();
  await page.getByRole('alert').getByText('2文字以上').waitFor();

  assert.deepEqual(problems, { errors: [], dialogs: [] });
  await context.close();
});
