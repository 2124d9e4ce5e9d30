// Night hours in the console (no counsellor is in: the harness's staffed 'never'). A resident who
// writes 「もう死にたい」 receives exactly one automatic message, the crisis contacts (naming when counsellors
// are next in), and the counsellor's console shows the consultation urgent with that one automatic
// answer. A resident's tap on an age-band button (a signed postback through the fake platform) shows in
// the transcript as the resident's action, and the consultation's 年代 shows the band.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../support/harness/index.mjs';
import { log_in, new_consultation, open_page, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1, staffed: 'never' }, (s, b) => {
  stack = s;
  browser = b;
});

const deliveries = (userId) => stack.fakeGet(`/_fake/deliveries?to=${encodeURIComponent(userId)}`);

test('a crisis at night: one message to the resident, urgent in the console with that one answer', { timeout: 90_000 }, async () => {
  const api = await stack.loggedIn('yamagata', 'counsellor');
  const { id, userId } = await new_consultation(stack, api, 'もう死にたい');
  // Every answer to one event leaves in one call: once something arrived, everything did.
  const received = await waitFor(async () => {
    const list = await deliveries(userId);
    return list.length > 0 ? list : null;
  }, 10_000);
  assert.equal(received.length, 1, JSON.stringify(received.map((d) => d.message?.text?.slice(0, 20))));
  const contacts = received[0].message;
  assert.equal(contacts.type, 'text');
  assert.ok(contacts.text.includes('0120-279-338'), 'the crisis contacts');
  assert.ok(!contacts.text.includes('{next_window}'), 'the next window is filled in');
  assert.equal(contacts.quickReply, undefined, 'no age question');

  const { page, problems, context } = await open_page(browser);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${encodeURIComponent(id)}`);
  await page.locator('#chat-title').waitFor();
  await page.locator('.chat-sub .urgent-badge', { hasText: '緊急' }).waitFor();
  await page.locator('.message.theirs .body', { hasText: 'もう死にたい' }).waitFor();
  const automatic = page.locator('.message.ours.automatic');
  await automatic.first().waitFor();
  assert.equal(await automatic.count(), 1);
  assert.match(await automatic.first().locator('.body').innerText(), /0120-279-338/);
  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});

test('an age-band tap shows as the resident\'s action and fills 年代', { timeout: 90_000 }, async () => {
  const api = await stack.loggedIn('yamagata', 'counsellor');
  const { id, userId } = await new_consultation(stack, api, 'はじめて相談します');
  // The age question came with its buttons; the resident taps 20代 (the button's own postback data).
  const question = await waitFor(async () => (await deliveries(userId))
    .find((d) => d.message?.quickReply?.items?.length > 0), 10_000);
  const button = question.message.quickReply.items.find((i) => i.action.label === '20代').action;

  const { page, problems, context } = await open_page(browser);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${encodeURIComponent(id)}`);
  await page.locator('.message.theirs .body', { hasText: 'はじめて相談します' }).waitFor();
  assert.equal(await page.locator('#age-band').inputValue(), '');

  const tapped = await stack.fakePost('/_fake/webhook',
    { channel: 'yamagata', userId, event: 'postback', data: button.data });
  assert.equal(tapped.json?.status, 200, JSON.stringify(tapped.json));

  // Live: the tap appears on the resident's side, marked as a button action, not as typed text.
  const tap = page.locator('.message.theirs.tap');
  await tap.waitFor({ timeout: 10_000 });
  assert.match(await tap.locator('.body').innerText(), /年代: 20代/);
  await tap.locator('.badge', { hasText: 'ボタン操作' }).waitFor();
  assert.equal(await page.locator('.message.theirs:not(.tap) .body', { hasText: '年代: 20代' }).count(), 0);
  await waitFor(async () => (await page.locator('#age-band').inputValue()) === '20代', 10_000);
  assert.equal((await api.get(`/api/v1/consultations/${id}`)).json.age_band, '20代');
  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await context.close();
});
