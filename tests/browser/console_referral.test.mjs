// The officers' part of a referral, in a real browser. Set up through the API: a resident
// writes, a counsellor claims the consultation and proposes a referral to the hub; the resident taps
// 同意する on the consent request (a signed postback through the fake LINE platform). Then in browsers:
// the hub officer, already on 紹介受付, sees it arrive without a reload, opens it and forwards it to a
// department and a platform group; the department's officer answers in a second browser; the platform
// group answers through the API; the hub officer, live again, returns the answers; the counsellor's 紹介
// panel shows both answers with the units' names. The officers' pages never receive the resident's
// words. Screenshots of 紹介受付 and of the counsellor's panel are kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { waitFor } from '../support/harness/index.mjs';
import { log_in, new_consultation, open_page, record_traffic, screenshot_dir, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1 }, (s, b) => {
  stack = s;
  browser = b;
});

// The consent request's 同意する postback data, once the fake platform has delivered it to the resident.
async function grant_data(user_id) {
  return waitFor(async () => {
    const deliveries = await stack.fakeGet(`/_fake/deliveries?to=${encodeURIComponent(user_id)}`);
    const text = JSON.stringify(deliveries);
    return /yc1:decline:/.test(text) && /yc1:grant:[A-Za-z0-9_-]+/.exec(text)?.[0];
  }, 15_000);
}

test('a referral goes through the hub to a department and a platform group and back', { timeout: 150_000 }, async () => {
  const shots = screenshot_dir();
  const resident_text = '夜になると不安で眠れません。仕事も見つからなくて、誰にも言えずにいます。';
  const summary = '30代。失職後、生活費と就労に不安がある。日中の連絡は携帯電話で可。';
  const counsellor_api = await stack.loggedIn('yamagata', 'counsellor');
  const tenant = (await counsellor_api.get('/api/v1/tenant')).json;
  const hub = tenant.org_units.find((u) => u.kind === 'hub');
  const officer2 = stack.user('yamagata', 'officer2');
  const department = tenant.org_units.find((u) => u.id === officer2.unit);
  const platform_officer = stack.user('yamagata', 'officer3');
  const platform = tenant.org_units.find((u) => u.id === platform_officer.unit);
  assert.ok(hub && department && platform, 'the test tenant has a hub, a department and a platform group');

  // The hub officer waits on 紹介受付, empty for now.
  const hub_page = await open_page(browser);
  const hub_traffic = record_traffic(hub_page.page);
  await log_in(hub_page.page, stack.baseUrl, stack.user('yamagata', 'officer'));
  await hub_page.page.getByText('届いている紹介はありません。').waitFor();
  await hub_page.page.locator('.inbox-unit', { hasText: hub.name }).waitFor();
  await hub_page.page.evaluate(() => { window.yorisoi_test_mark = 'same document'; });

  // Through the API: the resident writes, the counsellor claims and proposes (hub = the default).
  const { id, userId } = await new_consultation(stack, counsellor_api, resident_text);
  assert.equal((await counsellor_api.post(`/api/v1/consultations/${id}/claim`, {})).status, 200);
  const proposed = await counsellor_api.post(`/api/v1/consultations/${id}/referrals`, {
    summary, unit_ids: [], reason: '生活と就労の両面で市の支援につなぎたい', categories: [tenant.categories[1]],
  });
  assert.equal(proposed.status, 201, proposed.text);
  const referral_id = proposed.json.referral_id;
  assert.equal(proposed.json.stage, 'awaiting_consent');

  // Not before consent: the hub sees nothing yet.
  assert.equal(await hub_page.page.locator('.inbox-row').count(), 0);

  // The resident taps 同意する: a signed postback through the fake platform.
  const data = await grant_data(userId);
  const tapped = await stack.fakePost('/_fake/webhook', { channel: 'yamagata', userId, event: 'postback', data });
  assert.equal(tapped.json.status, 200);

  // It appears live in 紹介受付, with no reload.
  const row = hub_page.page.locator(`.inbox-row[data-referral-id="${referral_id}"]`);
  await row.waitFor({ timeout: 15_000 });
  assert.equal(await hub_page.page.evaluate(() => window.yorisoi_test_mark), 'same document');
  await row.locator('.stage-tag', { hasText: 'とりまとめ課で受付' }).waitFor();
  await row.click();
  await hub_page.page.locator('#referral-title', { hasText: proposed.json.number }).waitFor();
  assert.equal(await hub_page.page.locator('.detail-summary').textContent(), summary);
  await hub_page.page.locator('.detail-chips .chip', { hasText: tenant.categories[1] }).waitFor();
  await hub_page.page.screenshot({ path: join(shots, 'officer-inbox.png') });
  console.log(`# screenshot of 紹介受付: ${join(shots, 'officer-inbox.png')}`);

  // The hub is not offered as a target of its own forward.
  const forward = hub_page.page.getByRole('button', { name: '転送する' });
  assert.equal(await forward.isDisabled(), true, 'nothing chosen yet');
  assert.equal(await hub_page.page.getByRole('checkbox', { name: hub.name }).count(), 0);
  await hub_page.page.getByRole('checkbox', { name: department.name }).check();
  await hub_page.page.getByRole('checkbox', { name: platform.name }).check();
  await forward.click();
  await hub_page.page.locator('.chat-sub .stage-tag', { hasText: '関係先で対応中' }).waitFor();
  await hub_page.page.locator('.recipient-list li', { hasText: department.name }).waitFor();
  await hub_page.page.locator('.recipient-list li', { hasText: platform.name }).waitFor();

  // The department's officer answers in the browser.
  const department_page = await open_page(browser);
  const department_traffic = record_traffic(department_page.page);
  await log_in(department_page.page, stack.baseUrl, officer2);
  const department_row = department_page.page.locator(`.inbox-row[data-referral-id="${referral_id}"]`);
  await department_row.click();
  await department_page.page.locator('.detail-summary', { hasText: summary }).waitFor();
  const department_answer = '保健師が電話でお話を伺います（平日9時〜17時）。';
  await department_page.page.getByLabel('対応内容', { exact: true }).fill(department_answer);
  await department_page.page.getByRole('button', { name: '回答を送信' }).click();
  await department_row.locator('.answered-badge').waitFor();
  await department_page.page.locator('.answer-text', { hasText: department_answer }).waitFor();
  assert.equal(await department_page.page.getByLabel('対応内容', { exact: true }).count(), 0, 'answered once');

  // The platform group answers through the API.
  const platform_api = stack.client();
  await platform_api.loginOk(platform_officer.login, platform_officer.password);
  const platform_answer = '就労準備の相談会（毎週水曜）をご案内できます。';
  const answered = await platform_api.post(`/api/v1/officer/referrals/${referral_id}/answer`, { text: platform_answer });
  assert.equal(answered.status, 200, answered.text);

  // The counsellor has the consultation open while the hub returns the answers.
  const counsellor_page = await open_page(browser);
  await log_in(counsellor_page.page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${id}`);
  const card = counsellor_page.page.locator(`.referral-card[data-referral-id="${referral_id}"]`);
  await card.waitFor();

  // The hub sees both answers live, and returns them.
  await hub_page.page.locator('.answer-text', { hasText: platform_answer }).waitFor({ timeout: 15_000 });
  await hub_page.page.locator('.answer-text', { hasText: department_answer }).waitFor();
  await hub_page.page.getByRole('button', { name: '回答を返す' }).click();
  await hub_page.page.locator('.chat-sub .stage-tag', { hasText: '回答返却済み' }).waitFor();
  assert.equal(await hub_page.page.evaluate(() => window.yorisoi_test_mark), 'same document');

  // The counsellor's 紹介 panel shows both answers with the units' names, live.
  await card.locator('.stage-tag', { hasText: '回答返却済み' }).waitFor({ timeout: 15_000 });
  await card.locator('.consent-tag', { hasText: '同意あり' }).waitFor();
  for (const [unit, text] of [[department, department_answer], [platform, platform_answer]]) {
    const answer = card.locator('.answer-list li', { hasText: unit.name });
    await answer.waitFor();
    assert.equal(await answer.locator('.answer-text').textContent(), text);
  }
  await counsellor_page.page.getByRole('button', { name: '紹介を終了' }).waitFor();
  await counsellor_page.page.screenshot({ path: join(shots, 'referral-panel.png') });
  console.log(`# screenshot of the 紹介 panel: ${join(shots, 'referral-panel.png')}`);

  // The officers never received the resident's words (nor the consultation's id).
  for (const [name, { page }, traffic] of [['hub', hub_page, hub_traffic], ['department', department_page, department_traffic]]) {
    assert.equal((await page.content()).includes(resident_text), false, `${name} page shows the resident's text`);
    assert.ok(traffic.texts.length > 0, `${name} traffic recorded`);
    assert.equal(traffic.texts.some((t) => t.includes(resident_text)), false, `${name} received the resident's text`);
    assert.equal(traffic.texts.some((t) => t.includes(id)), false, `${name} received the consultation id`);
  }

  for (const { problems, context } of [hub_page, department_page, counsellor_page]) {
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.dialogs, []);
    await context.close();
  }
});

test('a counsellor proposes from the 紹介 panel and records consent given in words', { timeout: 90_000 }, async () => {
  const api = await stack.loggedIn('yamagata', 'counsellor');
  const tenant = (await api.get('/api/v1/tenant')).json;
  const hub = tenant.org_units.find((u) => u.kind === 'hub');
  const { id, userId } = await new_consultation(stack, api, '子どものことで市に相談したいです。');
  assert.equal((await api.post(`/api/v1/consultations/${id}/claim`, {})).status, 200);

  const { page, problems, context } = await open_page(browser);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${id}`);
  await page.getByText('この相談の紹介はまだありません。').waitFor();
  await page.getByRole('button', { name: '紹介を作成…' }).click();
  await page.getByText('共有する内容は最小限に').waitFor();
  const summary = '小学生の子の不登校について、保護者が学校以外の相談先を知りたい。';
  await page.getByLabel('共有する内容').fill(summary);
  assert.equal(await page.getByRole('checkbox', { name: hub.name }).isChecked(), true, 'the hub is pre-selected');
  await page.locator('.referral-form').getByRole('checkbox', { name: tenant.categories[5] }).check();
  await page.getByLabel('紹介する理由').fill('学校教育課の支援につなぐため');
  assert.equal(await page.getByText('同意を得ずに緊急送信する').count(), 0, 'counsellors get no 緊急送信');
  await page.getByRole('button', { name: '同意を依頼して作成' }).click();

  const card = page.locator('.referral-card').first();
  await card.locator('.consent-tag', { hasText: '同意待ち' }).waitFor();
  assert.equal(await card.locator('.referral-summary').textContent(), summary);
  await card.locator('.referral-units', { hasText: hub.name }).waitFor();

  // The resident agrees in words; the counsellor records it, pointing at that message.
  const words = 'はい、市に伝えてもらって大丈夫です。';
  await stack.residentWrites('yamagata', words, userId);
  await page.locator('.message.theirs .body', { hasText: words }).waitFor({ timeout: 10_000 });
  await card.getByRole('button', { name: '同意を記録…' }).click();
  await card.getByLabel('同意', { exact: true }).check();
  const choice = card.getByLabel('根拠となる相談者のメッセージ');
  const option = (await choice.locator('option').allTextContents()).find((t) => t.includes(words.slice(0, 10)));
  assert.ok(option, 'the resident\'s message is offered');
  await choice.selectOption({ label: option });
  await card.getByRole('button', { name: '同意を記録', exact: true }).click();
  await card.locator('.consent-tag', { hasText: '同意あり' }).waitFor();
  await card.locator('.stage-tag', { hasText: 'とりまとめ課で受付' }).waitFor();
  const [listed] = (await api.get(`/api/v1/consultations/${id}/referrals`)).json.items;
  assert.equal(listed.consent.answer_via, 'counsellor');
  assert.deepEqual(listed.categories, [tenant.categories[5]]);

  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});
