'use strict';
// Reply tokens: issued with webhook events, usable once, for a limited time, by their own channel only.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../test_support/harness');

describe('reply tokens', () => {
  let fake;
  let receiver;
  const clock = h.fake_clock();
  before(async () => {
    receiver = await h.start_receiver();
    fake = await h.start_fake({ yorisoi: receiver.url, reply_token_ttl_ms: 60000, now: clock.now });
  });
  after(async () => {
    await fake.close();
    await receiver.close();
  });

  it('delivers a reply to the resident who wrote, once', async () => {
    const { replyToken } = await h.message_event(fake);
    const first = await h.api(fake.url, 'POST', '/v2/bot/message/reply',
      { replyToken, messages: [h.text_message('受け付けました')] });
    assert.equal(first.status, 200, first.text);
    assert.match(first.body.sentMessages[0].id, /^\d+$/);
    const second = await h.api(fake.url, 'POST', '/v2/bot/message/reply', { replyToken, messages: [h.text_message('again')] });
    assert.equal(second.status, 400);
    assert.equal(second.body.message, 'Invalid reply token');
    const deliveries = (await h.request(fake.url, 'GET', `/_fake/deliveries?to=${h.resident_id}`)).body;
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0].via, 'reply');
    assert.equal(deliveries[0].reply_token, replyToken);
  });

  it('expires after the configured time', async () => {
    const { replyToken } = await h.message_event(fake);
    clock.advance(60001);
    const res = await h.api(fake.url, 'POST', '/v2/bot/message/reply', { replyToken, messages: [h.text_message('late')] });
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'Invalid reply token');
  });

  it('is still usable just before expiry, and a schema error does not use it up', async () => {
    const { replyToken } = await h.message_event(fake);
    clock.advance(59000);
    const invalid = await h.api(fake.url, 'POST', '/v2/bot/message/reply', { replyToken, messages: [h.text_message('')] });
    assert.equal(invalid.status, 400);
    assert.ok(invalid.body.details);
    const ok = await h.api(fake.url, 'POST', '/v2/bot/message/reply', { replyToken, messages: [h.text_message('ok')] });
    assert.equal(ok.status, 200);
  });

  it('is refused with another channel\'s token or unknown', async () => {
    const { replyToken } = await h.message_event(fake);
    const other = await h.request(fake.url, 'POST', '/v2/bot/message/reply', {
      json: { replyToken, messages: [h.text_message('x')] }, headers: { authorization: `Bearer ${h.other_channel.token}` } });
    assert.equal(other.status, 400);
    const unknown = await h.api(fake.url, 'POST', '/v2/bot/message/reply',
      { replyToken: 'f'.repeat(32), messages: [h.text_message('x')] });
    assert.equal(unknown.status, 400);
  });

  it('refuses a retry key on reply, as LINE does for endpoints without retry support', async () => {
    const { replyToken } = await h.message_event(fake);
    const res = await h.api(fake.url, 'POST', '/v2/bot/message/reply', { replyToken, messages: [h.text_message('x')] },
      { 'x-line-retry-key': '123e4567-e89b-12d3-a456-426614174000' });
    assert.equal(res.status, 400);
  });

  it('is not issued for standby, unfollow or unsend events', async () => {
    for (const event of [{ event: 'message', text: 'x', mode: 'standby' }, { event: 'unfollow' },
      { event: 'unsend', messageId: '1' }]) {
      const res = await h.request(fake.url, 'POST', '/_fake/webhook',
        { json: { channel: 'yamagata', userId: h.resident_id, ...event } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.replyToken, undefined, JSON.stringify(event));
    }
  });
});
