'use strict';
// Read marks and the loading animation: a message event carries a markAsReadToken; markAsRead and
// loading/start check their bodies like the Messaging API, and the resident's chat shows 既読 up to the
// marked message and the animation while it lasts.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../test_support/harness');

const other_resident = 'Ufedcba9876543210fedcba9876543210';

describe('read marks', () => {
  let fake;
  let receiver;
  before(async () => {
    receiver = await h.start_receiver({ status: 200 });
    fake = await h.start_fake({ yorisoi: receiver.url });
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  it('gives every message event its own markAsReadToken, recorded with the webhook', async () => {
    const first = await h.message_event(fake, 'ひとつめ');
    const second = await h.message_event(fake, 'ふたつめ');
    const sent = receiver.received.slice(-2).map((r) => JSON.parse(r.body).events[0].message);
    assert.equal(typeof sent[0].markAsReadToken, 'string');
    assert.ok(sent[0].markAsReadToken.length > 0);
    assert.notEqual(sent[0].markAsReadToken, sent[1].markAsReadToken);
    const webhooks = (await h.request(fake.url, 'GET', `/_fake/webhooks?userId=${h.resident_id}&event=message`)).body;
    assert.deepEqual(webhooks.slice(-2).map((w) => w.markAsReadToken), sent.map((m) => m.markAsReadToken));
    assert.equal(first.markAsReadToken, sent[0].markAsReadToken);
    assert.equal(second.markAsReadToken, sent[1].markAsReadToken);
  });

  const refused = [
    { name: 'no token', body: {}, property: 'markAsReadToken' },
    { name: 'an empty token', body: { markAsReadToken: '' }, property: 'markAsReadToken' },
    { name: 'a number', body: { markAsReadToken: 42 }, property: 'markAsReadToken' },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} naming the property`, async () => {
      const res = await h.api(fake.url, 'POST', '/v2/bot/chat/markAsRead', c.body);
      assert.equal(res.status, 400, res.text);
      assert.ok(res.body.details.some((d) => d.property === c.property), res.text);
    });
  }

  it('refuses a token it never issued, one of another channel, and a retry key', async () => {
    const unknown = await h.api(fake.url, 'POST', '/v2/bot/chat/markAsRead', { markAsReadToken: 'not-issued' });
    assert.equal(unknown.status, 400);
    assert.equal(typeof unknown.body.message, 'string');
    const sent = await h.message_event(fake, 'べつのチャネルでは使えない');
    const foreign = await h.request(fake.url, 'POST', '/v2/bot/chat/markAsRead',
      { json: { markAsReadToken: sent.markAsReadToken }, headers: { authorization: `Bearer ${h.other_channel.token}` } });
    assert.equal(foreign.status, 400);
    const keyed = await h.api(fake.url, 'POST', '/v2/bot/chat/markAsRead', { markAsReadToken: sent.markAsReadToken },
      { 'x-line-retry-key': '123e4567-e89b-42d3-a456-426614174000' });
    assert.equal(keyed.status, 400);
  });

  it('marks the resident\'s messages read up to the token\'s message, not later ones', async () => {
    await h.request(fake.url, 'POST', '/_fake/reset');
    const first = await h.message_event(fake, '一通目');
    const second = await h.message_event(fake, '二通目');
    const third = await h.message_event(fake, '三通目');
    const res = await h.api(fake.url, 'POST', '/v2/bot/chat/markAsRead', { markAsReadToken: second.markAsReadToken });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, {});
    const conversation = (await h.request(fake.url, 'GET', `/_fake/conversation?userId=${h.resident_id}`)).body;
    const read = Object.fromEntries(conversation.map((e) => [e.text, e.read]));
    assert.deepEqual(read, { 一通目: true, 二通目: true, 三通目: false });
    // An earlier token later on does not take a mark back.
    await h.api(fake.url, 'POST', '/v2/bot/chat/markAsRead', { markAsReadToken: first.markAsReadToken });
    const again = (await h.request(fake.url, 'GET', `/_fake/conversation?userId=${h.resident_id}`)).body;
    assert.deepEqual(again.map((e) => e.read), [true, true, false]);
    const calls = (await h.request(fake.url, 'GET', '/_fake/calls?path=/v2/bot/chat/markAsRead&status=200')).body;
    assert.deepEqual(calls.map((c) => c.body.markAsReadToken), [second.markAsReadToken, first.markAsReadToken]);
    assert.ok(third.markAsReadToken);
  });
});

describe('the loading animation', () => {
  let fake;
  before(async () => { fake = await h.start_fake(); });
  after(() => fake.close());

  const refused = [
    { name: 'no chatId', body: { loadingSeconds: 20 }, property: 'chatId' },
    { name: 'a group (one-to-one chats only)', body: { chatId: 'C0123456789abcdef0123456789abcdef' }, property: 'chatId' },
    { name: 'zero seconds', body: { chatId: h.resident_id, loadingSeconds: 0 }, property: 'loadingSeconds' },
    { name: 'seven seconds', body: { chatId: h.resident_id, loadingSeconds: 7 }, property: 'loadingSeconds' },
    { name: 'sixty-five seconds', body: { chatId: h.resident_id, loadingSeconds: 65 }, property: 'loadingSeconds' },
    { name: 'seconds as a string', body: { chatId: h.resident_id, loadingSeconds: '20' }, property: 'loadingSeconds' },
  ];
  for (const c of refused) {
    it(`refuses ${c.name} naming the property`, async () => {
      const res = await h.api(fake.url, 'POST', '/v2/bot/chat/loading/start', c.body);
      assert.equal(res.status, 400, res.text);
      assert.ok(res.body.details.some((d) => d.property === c.property), res.text);
    });
  }

  it('accepts 202, 20 seconds by default, and shows it in the resident\'s state until it ends', async () => {
    const res = await h.api(fake.url, 'POST', '/v2/bot/chat/loading/start', { chatId: other_resident });
    assert.equal(res.status, 202, res.text);
    const residents = (await h.request(fake.url, 'GET', '/_fake/residents')).body;
    const resident = residents.find((r) => r.userId === other_resident);
    assert.ok(resident, 'the chat is a resident of the channel');
    assert.equal(typeof resident.loadingUntil, 'string');
    const calls = (await h.request(fake.url, 'GET', '/_fake/calls?path=/v2/bot/chat/loading/start&status=202')).body;
    assert.deepEqual(calls.map((c) => c.body), [{ chatId: other_resident }]);
  });
});
