// 担当替え in a real browser: a supervisor opens a consultation held by one counsellor and hands it to
// another through the chat view's choice of assignees (GET /api/v1/assignees). The supervisor's view and
// queue show the new holder, and the receiving counsellor's 自分の担当 tab gains it live, without a
// reload. Counsellors get no 担当替え control.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../support/harness/index.mjs';
import { log_in, open_page, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1 }, (s, b) => {
  stack = s;
  browser = b;
});

test('a supervisor transfers a consultation to another counsellor', { timeout: 90_000 }, async () => {
  const first = stack.user('yamagata', 'counsellor');
  const second = stack.user('yamagata', 'counsellor2');
  const supervisor = stack.user('yamagata', 'supervisor');

  // A resident writes; the first counsellor takes it (through the API: not what is tested here).
  const api = await stack.loggedIn('yamagata', 'counsellor');
  await stack.residentWrites('yamagata', '最近だれとも話していません。');
  const item = await waitFor(async () => (await api.get('/api/v1/queue?view=waiting')).json.items[0], 10_000);
  const id = item.consultation_id;
  const claimed = await api.post(`/api/v1/consultations/${id}/claim`, {});
  assert.equal(claimed.status, 200);

  // The receiving counsellor watches 自分の担当, empty for now.
  const receiver = await open_page(browser);
  await log_in(receiver.page, stack.baseUrl, second);
  await receiver.page.getByRole('tab', { name: /自分の担当/ }).click();
  await receiver.page.getByText('担当している相談はありません。').waitFor();
  await receiver.page.evaluate(() => { window.yorisoi_test_mark = 'same document'; });

  // The supervisor opens it from すべて.
  const boss = await open_page(browser);
  await log_in(boss.page, stack.baseUrl, supervisor);
  await boss.page.getByRole('tab', { name: /すべて/ }).click();
  const row = boss.page.locator(`.queue-row[data-consultation-id="${id}"]`);
  await row.locator('.assignee', { hasText: first.name }).waitFor();
  await row.click();
  await boss.page.locator('.chat-sub', { hasText: `担当：${first.name}` }).waitFor();

  // The choice offers the enabled counsellors and supervisors but the current holder, and nobody else.
  const select = boss.page.getByLabel('担当替えの相手');
  await select.waitFor();
  const labels = (await select.locator('option').allTextContents()).slice(1);
  assert.ok(labels.includes(second.name), `choices: ${labels}`);
  assert.ok(labels.some((l) => l.startsWith(supervisor.name)), `choices: ${labels}`);
  assert.ok(!labels.includes(first.name), 'not the current holder');
  for (const key of ['admin', 'officer', 'officer2', 'analyst']) {
    const name = stack.user('yamagata', key).name;
    assert.ok(!labels.some((l) => l.startsWith(name)), `${key} is not offered`);
  }
  const button = boss.page.getByRole('button', { name: '担当替え' });
  assert.equal(await button.isDisabled(), true, 'nothing chosen yet');

  await select.selectOption({ label: second.name });
  await button.click();

  // The supervisor's view and queue show the new holder.
  await boss.page.locator('.chat-sub', { hasText: `担当：${second.name}` }).waitFor();
  await row.locator('.assignee', { hasText: second.name }).waitFor();
  assert.equal(await select.inputValue(), '', 'the choice starts again empty');
  const after_transfer = (await api.get(`/api/v1/consultations/${id}`)).json;
  assert.equal(after_transfer.assigned_to.display_name, second.name);
  assert.equal(after_transfer.state, 'assigned');

  // The receiving counsellor's 自分の担当 gains it live, in the same document.
  const received = receiver.page.locator(`.queue-row[data-consultation-id="${id}"]`);
  await received.waitFor({ timeout: 10_000 });
  await receiver.page.getByRole('tab', { name: /自分の担当\s*1/ }).waitFor();
  assert.equal(await receiver.page.evaluate(() => window.yorisoi_test_mark), 'same document');

  // Now the holder, the counsellor may answer; a counsellor is offered no 担当替え.
  await received.click();
  await receiver.page.getByRole('button', { name: '担当を外す' }).waitFor();
  assert.equal(await receiver.page.getByRole('button', { name: '担当替え' }).count(), 0);
  assert.equal(await receiver.page.locator('#transfer-to').count(), 0);

  for (const { problems } of [boss, receiver]) {
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.dialogs, []);
  }
  await boss.context.close();
  await receiver.context.close();
});
