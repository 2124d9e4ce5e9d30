// A counsellor's evening, in a real browser: log in (after a wrong password), a resident writes through
// the fake LINE platform and appears in the queue without a reload, the counsellor opens it with the
// keyboard, claims it, answers with an edited template (the fake platform receives exactly one push with
// that text), tags two categories and an age band, and closes it. A screenshot of the chat view is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { waitFor } from '../support/harness/index.mjs';
import { log_in, open_page, screenshot_dir, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1 }, (s, b) => {
  stack = s;
  browser = b;
});

test('a counsellor answers a resident from the console', { timeout: 90_000 }, async () => {
  const { page, problems, context } = await open_page(browser);
  const counsellor = stack.user('yamagata', 'counsellor');
  const api = await stack.loggedIn('yamagata', 'counsellor');
  const tenant = (await api.get('/api/v1/tenant')).json;
  const template = tenant.templates[0];

  // A wrong password is refused with the server's sentence, and the form stays usable.
  await page.goto(`${stack.baseUrl}/console/`);
  await page.getByLabel('ログイン名').fill(counsellor.login);
  await page.getByLabel('パスワード').fill('not the password at all');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByTestId('login-error').getByText('ログイン名またはパスワードが違います。').waitFor();

  await log_in(page, stack.baseUrl, counsellor);
  await page.getByText(counsellor.name).waitFor();
  await page.getByText('待っている相談はありません。').waitFor();
  // Marks this document: if the page reloaded, the mark would be gone.
  await page.evaluate(() => { window.yorisoi_test_mark = 'same document'; });

  const text = '夜分にすみません。仕事のことで相談したいです。';
  const { userId } = await stack.residentWrites('yamagata', text);

  // The stream brings it into the queue, without a reload.
  const row = page.locator('.queue-row');
  await row.first().waitFor({ timeout: 10_000 });
  assert.equal(await row.count(), 1);
  assert.equal(await page.evaluate(() => window.yorisoi_test_mark), 'same document');
  await page.getByRole('tab', { name: /待機中\s*1/ }).waitFor();
  await assert.doesNotReject(row.first().getByText(/待ち$/).waitFor());

  // Keyboard: j focuses the first row, Enter opens it.
  await page.locator('body').focus();
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await page.locator('#chat-title').waitFor();
  await page.locator('.message.theirs .body', { hasText: text }).waitFor();

  await page.getByRole('button', { name: '担当する' }).click();
  await page.getByRole('button', { name: '担当を外す' }).waitFor();

  // The template is inserted into the box and edited before sending; Ctrl+Enter sends.
  await page.locator('#template-picker').selectOption({ label: template.title });
  const box = page.locator('#reply-text');
  await waitFor(async () => (await box.inputValue()) === template.text, 5000);
  await box.press('Control+End');
  await box.pressSequentially('（担当：相談員）');
  const answer = `${template.text}（担当：相談員）`;
  assert.equal(await box.inputValue(), answer);
  await box.press('Control+Enter');

  // Our message shows on the right and reaches 送信済み through live delivery events.
  const ours = page.locator('.message.ours').filter({ hasText: '（担当：相談員）' });
  await ours.locator('.delivery.sent').waitFor({ timeout: 15_000 });
  assert.equal(await box.inputValue(), '');

  // 送信済み means the fake platform accepted it; a retried or doubled send would show up here.
  const deliveries = await stack.fakeGet(`/_fake/deliveries?to=${encodeURIComponent(userId)}&via=push`);
  const pushes = deliveries.filter((d) => d.message?.text === answer);
  assert.equal(pushes.length, 1, 'exactly one push with the answer');

  // Two categories and an age band, saved.
  await page.getByRole('checkbox', { name: tenant.categories[0] }).check();
  await page.getByRole('checkbox', { name: tenant.categories[3] }).check();
  await page.getByLabel('年代').selectOption(tenant.age_bands[2]);
  await page.getByRole('button', { name: '保存' }).click();
  await page.getByText('保存しました').waitFor();
  // Claimed, it has left the waiting tab; the open consultation's id is in the URL (#/c/<id>).
  const id = decodeURIComponent(new URL(page.url()).hash.replace('#/c/', ''));
  const saved = (await api.get(`/api/v1/consultations/${id}`)).json;
  // A set: the API does not promise an order.
  assert.deepEqual([...saved.categories].sort(), [tenant.categories[0], tenant.categories[3]].sort());
  assert.equal(saved.age_band, tenant.age_bands[2]);

  // A private note.
  await page.getByLabel('メモ', { exact: true }).fill('仕事の悩み。次回は職場の状況を聞く。');
  await page.getByRole('button', { name: 'メモを追加' }).click();
  await page.locator('.note-text', { hasText: '次回は職場の状況を聞く' }).waitFor();

  const shots = screenshot_dir();
  const shot = join(shots, 'chat-view.png');
  await page.screenshot({ path: shot });
  console.log(`# screenshot of the chat view: ${shot}`);

  await page.getByRole('button', { name: '終了する' }).click();
  await page.getByRole('button', { name: 'はい、終了する' }).click();
  await page.getByRole('button', { name: '再開する' }).waitFor();
  await page.locator('.state-tag.closed').waitFor();
  assert.equal((await api.get(`/api/v1/consultations/${id}`)).json.state, 'closed');

  // Esc goes back to the list; the closed consultation has left the waiting tab.
  await page.locator('#chat-title').focus();
  await page.keyboard.press('Escape');
  await page.getByText('左の一覧から相談を選んでください。').waitFor();
  await page.getByRole('tab', { name: /待機中\s*0/ }).waitFor();

  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});
