// The console's everyday polish, in a real browser. Drafts: a reply typed in one conversation survives
// switching to another and back and a reload (sessionStorage), a beforeunload handler is registered only
// while a draft exists (counted by a wrapper installed before the page's scripts; the handler is
// detached before the reload so that no dialog appears), and logging out forgets it. Narrow screens: at
// 800×1000 one pane is shown at a time (queue → conversation → side panel, and back). The admins' 職員
// screen: add a counsellor, reset the password, disable — the account can, then cannot, log in; a raise
// asked by another admin shows as 確認待ち (live) and is confirmed or cancelled there. The
// hub's forward form shows the counsellor's suggested units checked, and the hub answers the referral
// itself; the counsellor's 紹介 panel shows that answer. Outside staffed hours (a stack whose schedule
// is never staffed now) the header says 「開設時間外・次回 <date>」; staffed, it says nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, waitFor } from '../support/harness/index.mjs';
import { log_in, new_consultation, open_page, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1 }, (s, b) => {
  stack = s;
  browser = b;
});

// Counts the page's beforeunload listeners (window.yorisoi_unload: the live set) from before its
// scripts run; the console registers its own through window.addEventListener.
async function count_unload_handlers(context) {
  await context.addInitScript(() => {
    const live = new Set();
    window.yorisoi_unload = live;
    const add = window.addEventListener.bind(window);
    const remove = window.removeEventListener.bind(window);
    window.addEventListener = (type, listener, options) => {
      if (type === 'beforeunload') {
        live.add(listener);
      }
      return add(type, listener, options);
    };
    window.removeEventListener = (type, listener, options) => {
      if (type === 'beforeunload') {
        live.delete(listener);
      }
      return remove(type, listener, options);
    };
  });
}

const unload_handlers = (page) => page.evaluate(() => window.yorisoi_unload.size);
const detach_unload_handlers = (page) => page.evaluate(() => {
  for (const listener of [...window.yorisoi_unload]) {
    window.removeEventListener('beforeunload', listener);
  }
});
const draft_keys = (page) => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('yorisoi.draft.')));

// Opens consultation `id` by its hash (as a queue row's link does) and waits for its enabled reply box.
async function open_consultation(page, id) {
  await page.evaluate((hash) => { location.hash = hash; }, `#/c/${encodeURIComponent(id)}`);
  await page.locator(`.queue-row.selected[data-consultation-id="${id}"], .chat-header`).first().waitFor();
  const box = page.locator('#reply-text');
  await waitFor(async () => (await box.isEnabled()) && page.url().endsWith(`#/c/${id}`), 10_000);
  return box;
}

async function box_shows(box, text) {
  await waitFor(async () => (await box.inputValue()) === text, 10_000);
}

test('a draft survives switching conversations and a reload, and is gone after logout', { timeout: 120_000 }, async () => {
  const counsellor_api = await stack.loggedIn('yamagata', 'counsellor');
  const first = await new_consultation(stack, counsellor_api, '最近ずっと眠れません');
  const second = await new_consultation(stack, counsellor_api, '家族のことで相談したいです');
  for (const c of [first, second]) {
    assert.equal((await counsellor_api.post(`/api/v1/consultations/${c.id}/claim`, {})).status, 200);
  }
  const { context, page, problems } = await open_page(browser);
  await count_unload_handlers(context);
  const user = stack.user('yamagata', 'counsellor');
  await log_in(page, stack.baseUrl, user, `#/c/${first.id}`);
  // Staffed at every hour in this stack: no off-hours banner.
  const hours = (await counsellor_api.get('/api/v1/tenant')).json.hours;
  assert.equal(hours.staffed_now, true);
  assert.ok(Date.parse(hours.staffed_until) > Date.now());
  assert.equal(await page.getByTestId('hours-banner').count(), 0);

  let box = await open_consultation(page, first.id);
  assert.equal(await unload_handlers(page), 0, 'no draft, no beforeunload handler');
  const draft = 'お話ししてくださってありがとうございます。眠れない夜は';
  await box.fill(draft);
  assert.equal(await unload_handlers(page), 1, 'a draft registers the handler');

  box = await open_consultation(page, second.id);
  await box_shows(box, '');
  box = await open_consultation(page, first.id);
  await box_shows(box, draft);

  // A reload (without the dialog: the test detaches the handler first) restores it, and re-registers.
  await detach_unload_handlers(page);
  await page.reload();
  box = page.locator('#reply-text');
  await box_shows(box, draft);
  assert.equal(await unload_handlers(page), 1);

  // Emptying the box drops the draft and the handler.
  await box.fill('');
  assert.equal(await unload_handlers(page), 0);
  assert.deepEqual(await draft_keys(page), []);
  await box.fill(draft);
  assert.equal(await unload_handlers(page), 1);

  // Logout forgets every draft of the tab; logging in again shows an empty box.
  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.getByLabel('ログイン名').waitFor();
  assert.deepEqual(await draft_keys(page), []);
  assert.equal(await unload_handlers(page), 0);
  await log_in(page, stack.baseUrl, user, `#/c/${first.id}`);
  box = await open_consultation(page, first.id);
  await box_shows(box, '');
  assert.deepEqual(problems, { errors: [], dialogs: [] });
  await context.close();
});

test('at 800 px one pane at a time: queue, conversation, side panel, and back', { timeout: 90_000 }, async () => {
  const counsellor_api = await stack.loggedIn('yamagata', 'counsellor');
  const waiting = await new_consultation(stack, counsellor_api, '話を聞いてほしいです');
  const { context, page, problems } = await open_page(browser, { viewport: { width: 800, height: 1000 } });
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'));
  const queue = page.locator('.workspace > .queue');
  const chat = page.locator('.chat-layout > .chat');
  const panel = page.locator('.chat-layout > .side-panel');
  assert.ok(await queue.isVisible());
  assert.equal(await page.locator('.workspace > .empty-chat').isVisible(), false, 'no empty second pane');

  const row = page.locator(`.queue-row[data-consultation-id="${waiting.id}"]`);
  await row.click();
  await chat.waitFor();
  assert.equal(await queue.isVisible(), false);
  assert.equal(await panel.isVisible(), false);
  const width = await chat.evaluate((e) => e.getBoundingClientRect().width);
  assert.ok(width > 700, `the conversation takes the width (${width} px)`);

  await page.getByRole('button', { name: '詳細・紹介' }).click();
  await panel.waitFor();
  assert.equal(await chat.isVisible(), false);
  await page.getByRole('button', { name: '会話', exact: true }).click();
  await chat.waitFor();
  assert.equal(await panel.isVisible(), false);

  await page.getByRole('button', { name: '← 一覧' }).click();
  await queue.waitFor();
  assert.equal(await chat.count(), 0);
  assert.ok(await row.isVisible());
  assert.deepEqual(problems, { errors: [], dialogs: [] });
  await context.close();
});

test('an admin adds a counsellor, resets the password and disables the account', { timeout: 120_000 }, async () => {
  const { context, page, problems } = await open_page(browser);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'admin'));
  await page.getByRole('link', { name: '職員' }).click();
  await page.getByRole('heading', { name: '職員', level: 1 }).waitFor();
  await page.locator('tr[data-login="yamagata-counsellor"]').waitFor();
  // One's own role cannot be changed here (nor through the API): the admin's own select is disabled.
  const own = page.locator(`tr[data-login="${stack.user('yamagata', 'admin').login}"] select`).first();
  assert.equal(await own.isDisabled(), true);
  assert.equal(await page.locator('tr[data-login="yamagata-counsellor"] select').first().isDisabled(), false);

  const login = 'yamagata-newcomer';
  const first_password = 'first-password-4567';
  await page.getByLabel('ログイン名', { exact: true }).fill(login);
  await page.getByLabel('表示名', { exact: true }).fill('新人相談員');
  await page.getByLabel('役割', { exact: true }).selectOption('counsellor');
  await page.getByLabel('初期パスワード', { exact: true }).fill(first_password);
  await page.getByRole('button', { name: '追加する' }).click();
  const row = page.locator(`tr[data-login="${login}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /新人相談員/);
  assert.equal((await stack.client().login(login, first_password)).status, 200, 'the new account logs in');

  const second_password = 'second-password-8910';
  await row.getByRole('button', { name: 'パスワード再設定' }).click();
  await row.getByLabel(/新しいパスワード/).fill(second_password);
  await row.getByRole('button', { name: '設定する' }).click();
  await row.getByText('パスワードを再設定しました。').waitFor();
  assert.equal((await stack.client().login(login, first_password)).status, 401, 'the old password no longer works');
  assert.equal((await stack.client().login(login, second_password)).status, 200, 'the new one does');

  await row.getByRole('button', { name: '無効にする' }).click();
  await row.getByText('無効', { exact: true }).waitFor();
  assert.equal((await stack.client().login(login, second_password)).status, 401, 'a disabled account cannot log in');
  assert.deepEqual(problems, { errors: [], dialogs: [] });
  await context.close();
});

test('the hub sees the suggested units checked and answers itself; the counsellor sees the answer', { timeout: 120_000 }, async () => {
  const counsellor_api = await stack.loggedIn('yamagata', 'counsellor');
  const tenant = (await counsellor_api.get('/api/v1/tenant')).json;
  const department = tenant.org_units.find((u) => u.id === stack.user('yamagata', 'officer2').unit);
  const group = tenant.org_units.find((u) => u.id === stack.user('yamagata', 'officer3').unit);
  const { id, userId } = await new_consultation(stack, counsellor_api, '仕事がなくて生活が苦しいです');
  assert.equal((await counsellor_api.post(`/api/v1/consultations/${id}/claim`, {})).status, 200);
  const proposed = await counsellor_api.post(`/api/v1/consultations/${id}/referrals`, {
    summary: '40代。失職して家賃の支払いに困っている。', unit_ids: [department.id, group.id],
    reason: '生活と就労の支援につなぎたい', categories: [],
  });
  assert.equal(proposed.status, 201, proposed.text);
  const referral_id = proposed.json.referral_id;
  // The resident agrees in words after the request (a later second than the request's, as the store
  // compares seconds); the counsellor records it.
  const requested = Date.parse(proposed.json.consent.requested_at);
  await waitFor(() => Date.now() >= Math.floor(requested / 1000) * 1000 + 1000, 3000);
  await stack.residentWrites('yamagata', 'はい、伝えてください', userId);
  const message = await waitFor(async () => (await counsellor_api.get(`/api/v1/consultations/${id}`)).json
    .messages.find((m) => m.direction === 'in' && m.text === 'はい、伝えてください'), 10_000);
  const consent = await counsellor_api.post(`/api/v1/referrals/${referral_id}/consent`,
    { granted: true, message_id: message.message_id });
  assert.equal(consent.status, 200, consent.text);

  const hub = await open_page(browser);
  await log_in(hub.page, stack.baseUrl, stack.user('yamagata', 'officer'));
  await hub.page.locator(`.inbox-row[data-referral-id="${referral_id}"]`).click();
  await hub.page.getByRole('heading', { name: /紹介 No\./ }).waitFor();
  const hint = hub.page.locator('.suggested-units');
  assert.equal(await hint.innerText(), `相談員の提案：${department.name}、${group.name}`);
  for (const unit of tenant.org_units.filter((u) => u.kind !== 'hub')) {
    const box = hub.page.locator(`input[name="forward-unit"][value="${unit.id}"]`);
    assert.equal(await box.isChecked(), unit.id === department.id || unit.id === group.id, unit.id);
  }
  assert.ok(await hub.page.getByRole('button', { name: '転送する' }).isEnabled());

  const answer = '生活福祉課で家計と住まいの相談を受けます。平日9時から、電話で予約できます。';
  const form = hub.page.locator('.answer-form');
  await form.getByRole('heading', { name: 'とりまとめ課で回答' }).waitFor();
  await form.locator('textarea').fill(answer);
  await form.getByRole('button', { name: '回答を送信' }).click();
  await hub.page.locator('.chat-sub .stage-tag', { hasText: '回答返却済み' }).waitFor();
  assert.equal(await hub.page.locator('.forward-form').count(), 0);

  const counsellor = await open_page(browser);
  await log_in(counsellor.page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${id}`);
  const card = counsellor.page.locator('.referral-card').first();
  await card.locator('.stage-tag', { hasText: '回答返却済み' }).waitFor({ timeout: 15_000 });
  await card.getByText(answer).waitFor();
  assert.deepEqual(hub.problems, { errors: [], dialogs: [] });
  assert.deepEqual(counsellor.problems, { errors: [], dialogs: [] });
  await hub.context.close();
  await counsellor.context.close();
});

// "12/9(水) 09:00", with the year when it is not this year's: the start of the window two days from now
// in Japan (the 'never' schedule staffs 09:00–10:00 daily but closes yesterday, today and tomorrow).
function expected_next_window() {
  const tokyo = (ms) => new Date(ms + 9 * 3600 * 1000);
  const now = tokyo(Date.now());
  const day = tokyo(Date.now() + 2 * 24 * 3600 * 1000);
  const weekday = '日月火水木金土'[day.getUTCDay()];
  const date = `${day.getUTCMonth() + 1}/${day.getUTCDate()}`;
  const year = day.getUTCFullYear() === now.getUTCFullYear() ? '' : `${day.getUTCFullYear()}/`;
  return `開設時間外・次回 ${year}${date}(${weekday}) 09:00`;
}

// Runs after the single-admin tests above: it gives yamagata a second admin.
test('a raise asked by one admin shows as 確認待ち, live, and another admin confirms it', { timeout: 120_000 }, async () => {
  const second = await stack.addUser({
    tenant: 'yamagata', login: 'yamagata-admin-b', name: '第二管理者', role: 'admin', password: 'second-admin-password',
  });
  const first = await stack.loggedIn('yamagata', 'admin');
  const made = await first.post('/api/v1/staff', {
    login: 'yamagata-awaiting', display_name: '新しい相談員', role: 'counsellor', password: 'long-enough-password',
  });
  assert.equal(made.json.pending_role, 'counsellor');
  const { context, page, problems } = await open_page(browser);
  await log_in(page, stack.baseUrl, second);
  await page.getByRole('link', { name: '職員' }).click();
  const row = page.locator('tr[data-login="yamagata-awaiting"]');
  await row.getByText('確認待ち: 相談員').waitFor();
  await row.getByRole('button', { name: '確認する' }).click();
  await row.getByText('役割の変更を確認しました。').waitFor();
  assert.equal(await row.getByText(/確認待ち/).count(), 0);
  assert.equal((await stack.client().login('yamagata-awaiting', 'long-enough-password')).status, 200);
  // A raise the other admin asks now appears without a reload (a live staff event); it can be cancelled.
  const analyst = (await first.get('/api/v1/staff')).json.items.find((u) => u.login === 'yamagata-analyst');
  assert.equal((await first.patch(`/api/v1/staff/${analyst.user_id}`, { role: 'supervisor' })).json.pending_role, 'supervisor');
  const raised = page.locator('tr[data-login="yamagata-analyst"]');
  await raised.getByText('確認待ち: スーパーバイザー').waitFor();
  await raised.getByRole('button', { name: '取り消す' }).click();
  await raised.getByText('役割の変更を取り消しました。').waitFor();
  assert.equal((await first.get('/api/v1/staff')).json.items.find((u) => u.login === 'yamagata-analyst').pending_role, null);
  assert.deepEqual(problems, { errors: [], dialogs: [] });
  await context.close();
});

test('outside staffed hours the header says so, with the next window', { timeout: 90_000 }, async () => {
  const closed = await startStack({ instances: 1, staffed: 'never', users: false });
  try {
    const user = await closed.addUser({ tenant: 'yamagata', login: 'yamagata-night', name: '夜間相談員',
      role: 'counsellor', password: 'night-password-1234' });
    const api = closed.client();
    await api.loginOk(user.login, user.password);
    const hours = (await api.get('/api/v1/tenant')).json.hours;
    assert.equal(hours.staffed_now, false);
    assert.equal(hours.staffed_until, null);
    assert.ok(Date.parse(hours.next_window_start) > Date.now());
    const { context, page, problems } = await open_page(browser);
    await log_in(page, closed.baseUrl, user);
    const banner = page.getByTestId('hours-banner');
    await banner.waitFor();
    assert.equal((await banner.innerText()).trim(), expected_next_window());
    assert.deepEqual(problems, { errors: [], dialogs: [] });
    await context.close();
  } finally {
    await closed.stop();
  }
});
