// A returning resident, in a real browser: their earlier consultation (closed, tagged, with a note) is
// listed under これまでの相談 in the new one and opens read-only with its transcript and note; the
// resident note (申し送り) written in one consultation shows on the other, with its author.
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

test('a returning resident\'s history opens read-only; the resident note follows them', { timeout: 90_000 }, async () => {
  const { page, problems, context } = await open_page(browser);
  const counsellor = stack.user('yamagata', 'counsellor');
  const api = await stack.loggedIn('yamagata', 'counsellor');

  // Last week: a consultation, tagged, with a private note, closed.
  const first = await new_consultation(stack, api, '先週、学校のことで相談しました');
  const path = `/api/v1/consultations/${first.id}`;
  assert.equal((await api.post(`${path}/claim`)).status, 200);
  assert.equal((await api.put(`${path}/tags`, { categories: ['家族関係'], age_band: '20代' })).status, 200);
  assert.equal((await api.post(`${path}/notes`, { text: '担任の先生の話が中心' })).status, 201);
  assert.equal((await api.post(`${path}/close`)).status, 200);
  const residentId = (await api.get(path)).json.resident_id;
  // Today they write again: a new consultation of the same resident.
  await stack.residentWrites('yamagata', 'また話を聞いてください', first.userId);
  const second = await waitFor(async () => (await api.get('/api/v1/queue?view=open&limit=200')).json.items
    .find((i) => i.resident_id === residentId && i.consultation_id !== first.id), 10_000);

  await log_in(page, stack.baseUrl, counsellor, `#/c/${second.consultation_id}`);
  await page.locator('.message.theirs .body', { hasText: 'また話を聞いてください' }).waitFor();

  // The history lists the earlier one with its tallies; 開く shows it read-only.
  const history = page.locator('section.history');
  await history.getByText('1件').waitFor();
  await history.getByText('家族関係').waitFor();
  await history.getByText(/20代/).waitFor();
  await history.getByRole('button', { name: /の相談を開く$/ }).click();
  const dialog = page.getByRole('dialog', { name: '過去の相談（閲覧のみ）' });
  await dialog.getByText('先週、学校のことで相談しました').waitFor();
  await dialog.getByText('担任の先生の話が中心').waitFor();
  assert.equal(await dialog.locator('textarea, input').count(), 0, 'nothing to write in a past consultation');
  await dialog.getByRole('button', { name: '閉じる' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The resident note, written here, is shown on the earlier consultation too.
  const note = page.locator('section.resident-note');
  await note.getByText('申し送りはまだありません。').waitFor();
  await note.getByRole('button', { name: '書く' }).click();
  await note.getByLabel('申し送り').fill('夜遅くに連絡が来やすい。学校の話題から入ると話しやすい。');
  await note.getByRole('button', { name: '保存' }).click();
  await note.getByText('夜遅くに連絡が来やすい。学校の話題から入ると話しやすい。').waitFor();
  await note.locator('.note-meta', { hasText: `${counsellor.name}・` }).waitFor();
  await page.evaluate((id) => { location.hash = `#/c/${id}`; }, first.id);
  await page.locator('.message.theirs .body', { hasText: '先週、学校のことで相談しました' }).waitFor();
  await page.locator('section.resident-note').getByText('夜遅くに連絡が来やすい。学校の話題から入ると話しやすい。').waitFor();

  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});
