// The account's own set-up in a real browser: an account an admin made logs in to a single screen, the
// password change, and reaches the queue only once the password is its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/harness/index.mjs';
import { launch_browser, open_page } from './support.mjs';

let stack;
let browser;

before(async () => {
  stack = await startStack({ instances: 1 });
  browser = await launch_browser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('an account made by an admin: login → the forced password change → the console', { timeout: 120_000 }, async () => {
  const admin = await stack.loggedIn('yamagata', 'admin');
  const login = 'yamagata-first-day';
  const chosen = 'chosen-by-the-admin-7';
  const created = await admin.post('/api/v1/staff', { login, display_name: '初日の相談員', role: 'counsellor', password: chosen });
  assert.equal(created.status, 201, created.text);

  const { context, page, problems } = await open_page(browser);
  await page.goto(`${stack.baseUrl}/console/`);
  await page.getByLabel('ログイン名').fill(login);
  await page.getByLabel('パスワード').fill(chosen);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('heading', { name: 'パスワードの変更' }).waitFor();
  assert.equal(await page.getByRole('tab', { name: /待機中/ }).count(), 0, 'no queue before the change');

  await page.getByLabel(/現在のパスワード/).fill(chosen);
  await page.getByLabel(/新しいパスワード（12文字以上）/).fill('short');
  await page.getByLabel(/新しいパスワード（確認）/).fill('short');
  await page.getByRole('button', { name: '変更して始める' }).click();
  await page.getByTestId('password-error').waitFor();

  const own = 'my-very-own-password-1';
  await page.getByLabel(/新しいパスワード（12文字以上）/).fill(own);
  await page.getByLabel(/新しいパスワード（確認）/).fill(own);
  await page.getByRole('button', { name: '変更して始める' }).click();
  await page.getByRole('tab', { name: /待機中/ }).waitFor();
  const relogin = await stack.client().login(login, own);
  assert.equal(relogin.status, 200);
  assert.equal(relogin.json.must_change_password, false);
  assert.deepEqual(problems, { errors: [], dialogs: [] });
  await context.close();
});
