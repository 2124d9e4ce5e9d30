// The account's own set-up in a real browser: an account an admin made logs in to a single screen, the
// password change, and reaches the queue only once the password is its own. The second factor: a
// counsellor enrols on アカウント (the secret read as text, a code computed here), sees the recovery
// codes once, logs in again with a code, and disables it with the password and a recovery code; in a
// tenant that requires it, enrolment is the only screen until done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/harness/index.mjs';
import { totpCode } from '../support/harness/totp.mjs';
import { log_in, open_page, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1 }, (s, b) => {
  stack = s;
  browser = b;
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

test('the second factor: enrol on アカウント (secret as text, recovery codes once), log in with a code, disable', { timeout: 120_000 }, async () => {
  const user = stack.user('yamagata', 'counsellor2');
  const { context, page, problems } = await open_page(browser);
  await log_in(page, stack.baseUrl, user);
  await page.getByRole('link', { name: /アカウント|相談員/ }).first().click();
  await page.getByRole('heading', { name: 'アカウント', level: 1 }).waitFor();
  await page.getByRole('button', { name: '設定を始める' }).click();
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await page.getByText('登録用のURI').click();
  assert.match(await page.getByTestId('totp-uri').innerText(), /^otpauth:\/\/totp\//);
  await page.getByLabel('アプリに表示された6桁の確認コード').fill(totpCode(secret));
  await page.getByRole('button', { name: '確認して有効にする' }).click();
  const codes = (await page.getByTestId('recovery-codes').innerText()).split(/\s+/).filter(Boolean);
  assert.equal(codes.length, 10);
  await page.getByRole('button', { name: '控えました' }).click();
  await page.getByRole('button', { name: '解除する' }).waitFor();
  assert.equal(await page.getByTestId('recovery-codes').count(), 0, 'the codes are shown once');
  await page.getByRole('button', { name: 'ログアウト' }).click();

  await page.goto(`${stack.baseUrl}/console/#/`);
  await page.getByLabel('ログイン名').fill(user.login);
  await page.getByLabel('パスワード').fill(user.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByLabel('確認コード').fill(totpCode(secret, 1));
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('tab', { name: /待機中/ }).waitFor();

  await page.goto(`${stack.baseUrl}/console/#/account`);
  await page.getByLabel('パスワード', { exact: true }).fill(user.password);
  await page.getByLabel('確認コード').fill(codes[0]);
  await page.getByRole('button', { name: '解除する' }).click();
  await page.getByRole('button', { name: '設定を始める' }).waitFor();
  assert.equal((await stack.client().login(user.login, user.password)).status, 200, 'the password alone again');
  assert.deepEqual(problems, { errors: [], dialogs: [] });
  await context.close();
});

test('a tenant that requires a factor of counsellors: the enrolment is the only screen until done', { timeout: 120_000 }, async () => {
  const required = await startStack({ instances: 1, tendoKeys: 'console = { second_factor = "required_for_readers" }' });
  try {
    const { context, page, problems } = await open_page(browser);
    const user = required.user('tendo', 'counsellor');
    await page.goto(`${required.baseUrl}/console/`);
    await page.getByLabel('ログイン名').fill(user.login);
    await page.getByLabel('パスワード').fill(user.password);
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('heading', { name: '二要素認証' }).waitFor();
    assert.equal(await page.getByRole('tab', { name: /待機中/ }).count(), 0);
    await page.getByRole('button', { name: '設定を始める' }).click();
    const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
    await page.getByLabel('アプリに表示された6桁の確認コード').fill(totpCode(secret));
    await page.getByRole('button', { name: '確認して有効にする' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    await page.getByRole('button', { name: '控えました' }).click();
    await page.getByRole('tab', { name: /待機中/ }).waitFor();
    assert.deepEqual(problems, { errors: [], dialogs: [] });
    await context.close();
  } finally {
    await required.stop();
  }
});

test('an admin resets a supervisor\'s second factor on 職員, asked in the page', { timeout: 120_000 }, async () => {
  const user = stack.user('yamagata', 'supervisor');
  const api = await stack.loggedIn('yamagata', 'supervisor');
  const begun = await api.post('/api/v1/session/totp', {});
  assert.equal((await api.post('/api/v1/session/totp/confirmation', { code: totpCode(begun.json.secret) })).status, 200);
  assert.equal((await stack.client().login(user.login, user.password)).status, 401, 'a code is needed now');

  const { context, page, problems } = await open_page(browser);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'admin'));
  await page.getByRole('link', { name: '職員' }).click();
  const row = page.locator(`tr[data-login="${user.login}"]`);
  await row.waitFor();
  await row.getByRole('button', { name: '二要素認証をリセット' }).click();
  await row.getByRole('button', { name: 'はい、リセットする' }).click();
  await row.getByText('二要素認証をリセットしました。').waitFor();
  assert.equal((await stack.client().login(user.login, user.password)).status, 200, 'the password alone again');
  assert.deepEqual(problems, { errors: [], dialogs: [] });
  await context.close();
});
