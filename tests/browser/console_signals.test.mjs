// LINE's read and typing signals, in two real pages: the resident simulator (the fake LINE platform's
// page) and the console. With yamagata's channel at read_marks = "on_open", opening the conversation
// puts 既読 under the resident's message in the simulator; the holder typing a reply shows the typing
// dots there, which go once the reply arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { log_in, new_consultation, open_page, screenshot_dir, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1, readMarks: { yamagata: 'on_open' } }, (s, b) => {
  stack = s;
  browser = b;
});

test('opening the conversation puts 既読 in the simulator; typing shows the dots', { timeout: 90_000 }, async () => {
  const api = await stack.loggedIn('yamagata', 'counsellor');
  const { id, userId } = await new_consultation(stack, api, '夜になると不安になります');

  // The resident's side: the simulator with this resident's chat open, nothing read yet.
  const resident = await open_page(browser);
  await resident.page.goto(`${stack.fake.baseUrl}/`);
  await resident.page.locator('button.resident', { hasText: userId }).click();
  const bubble = resident.page.locator('.messages li.in', { hasText: '夜になると不安になります' });
  await bubble.waitFor();
  assert.equal(await bubble.locator('.read').count(), 0, 'not read before a counsellor opens it');
  const dots = resident.page.locator('#typing');
  assert.equal(await dots.isVisible(), false);

  // The counsellor opens the conversation: the resident sees 既読.
  const counsellor = await open_page(browser);
  await log_in(counsellor.page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${id}`);
  await counsellor.page.locator('.message.theirs .body', { hasText: '夜になると不安になります' }).waitFor();
  await bubble.locator('.read', { hasText: '既読' }).waitFor();

  // Claims it and starts typing: the typing dots appear in the resident's chat.
  await counsellor.page.getByRole('button', { name: '担当する' }).click();
  const box = counsellor.page.getByLabel('返信の本文');
  await box.waitFor({ state: 'visible' });
  await counsellor.page.waitForFunction(() => !document.getElementById('reply-text').disabled);
  await box.pressSequentially('お話を聞かせて');
  await dots.waitFor({ state: 'visible' });
  assert.equal(await dots.locator('.dot').count(), 3);
  const shot = join(screenshot_dir(), 'simulator-signals.png');
  await resident.page.screenshot({ path: shot });
  console.log(`screenshot: ${shot}`);

  // The reply arrives: the dots go.
  await box.fill('お話を聞かせてください。');
  await counsellor.page.getByRole('button', { name: '送信', exact: true }).click();
  await resident.page.locator('.messages li.out', { hasText: 'お話を聞かせてください。' }).waitFor();
  await dots.waitFor({ state: 'hidden' });

  // One loading animation for all those keystrokes (the console and the server both throttle it).
  const started = await stack.fakeGet('/_fake/calls?path=/v2/bot/chat/loading/start');
  assert.equal(started.filter((c) => c.body.chatId === userId).length, 1);
  assert.deepEqual(counsellor.problems.errors, []);
  assert.deepEqual(counsellor.problems.dialogs, []);
  assert.deepEqual(resident.problems.errors, []);
  await counsellor.context.close();
  await resident.context.close();
});
