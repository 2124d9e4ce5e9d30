'use strict';
// Webhooks to yorisoi: shape of the body, signature, status passed back, redelivery, unreachable yorisoi.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const h = require('../test_support/harness');

function signature_of(body, secret = h.channel.secret) {
  return crypto.createHmac('sha256', secret).update(body).digest('base64');
}

describe('webhooks', () => {
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

  it('sends a signed, LINE-shaped message event to /webhook/line/<channel>', async () => {
    const answer = await h.message_event(fake, '相談したいです');
    assert.equal(answer.status, 200);
    const got = receiver.received[receiver.received.length - 1];
    assert.equal(got.url, '/webhook/line/yamagata');
    assert.equal(got.headers['x-line-signature'], signature_of(got.body));
    assert.match(got.headers['content-type'], /^application\/json/);
    const body = JSON.parse(got.body);
    assert.match(body.destination, /^U[0-9a-f]{32}$/);
    assert.equal(body.events.length, 1);
    const event = body.events[0];
    assert.equal(event.type, 'message');
    assert.equal(event.mode, 'active');
    assert.equal(typeof event.timestamp, 'number');
    assert.deepEqual(event.source, { type: 'user', userId: h.resident_id });
    assert.match(event.webhookEventId, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.deepEqual(event.deliveryContext, { isRedelivery: false });
    assert.equal(event.replyToken, answer.replyToken);
    assert.equal(event.message.type, 'text');
    assert.equal(event.message.text, '相談したいです');
    assert.match(event.message.id, /^\d+$/);
    assert.ok(event.message.quoteToken);
    assert.equal(answer.webhookEventId, event.webhookEventId);
  });

  it('dates the event with an explicit timestamp, and its reply token is still fresh', async () => {
    const timestamp = Date.UTC(2023, 1, 18, 1, 0, 0);  // 2023-02-18 10:00 JST
    const answer = await h.request(fake.url, 'POST', '/_fake/webhook',
      { json: { channel: 'yamagata', userId: h.resident_id, event: 'message', text: 'あの日', timestamp } });
    assert.equal(answer.status, 200);
    const event = JSON.parse(receiver.received[receiver.received.length - 1].body).events[0];
    assert.equal(event.timestamp, timestamp);
    const reply = await h.api(fake.url, 'POST', '/v2/bot/message/reply',
      { replyToken: answer.body.replyToken, messages: [h.text_message('受け付けました')] });
    assert.equal(reply.status, 200, reply.text);
  });

  it('refuses a timestamp that is not whole milliseconds', async () => {
    for (const timestamp of ['2023-02-18', -1, 1.5]) {
      const answer = await h.request(fake.url, 'POST', '/_fake/webhook',
        { json: { channel: 'yamagata', event: 'message', text: 'x', timestamp } });
      assert.equal(answer.status, 400, String(timestamp));
      assert.match(answer.body.error, /timestamp/);
    }
  });

  it('builds follow, unfollow, postback and unsend events', async () => {
    const user = 'U' + 'a'.repeat(32);
    const send = (fields) => h.request(fake.url, 'POST', '/_fake/webhook', { json: { channel: 'yamagata', userId: user, ...fields } });
    const last = () => JSON.parse(receiver.received[receiver.received.length - 1].body).events[0];
    await send({ event: 'follow' });
    assert.deepEqual(last().follow, { isUnblocked: false });
    assert.ok(last().replyToken);
    await send({ event: 'unfollow' });
    assert.equal(last().replyToken, undefined);
    await send({ event: 'follow' });
    assert.deepEqual(last().follow, { isUnblocked: true });
    await send({ event: 'postback', data: 'consent=yes', params: { date: '2024-04-01' } });
    assert.deepEqual(last().postback, { data: 'consent=yes', params: { date: '2024-04-01' } });
    await send({ event: 'unsend', messageId: '325708' });
    assert.deepEqual(last().unsend, { messageId: '325708' });
    const bad = await send({ event: 'beacon' });
    assert.equal(bad.status, 400);
  });

  it('repeats an event exactly on redelivery, flagged as such', async () => {
    const first = await h.message_event(fake, 'もう一度');
    const original = JSON.parse(receiver.received[receiver.received.length - 1].body).events[0];
    const again = await h.request(fake.url, 'POST', '/_fake/webhook', { json: { channel: 'yamagata', userId: h.resident_id,
      event: 'message', text: 'もう一度', redelivery: true, webhookEventId: first.webhookEventId } });
    assert.equal(again.body.webhookEventId, first.webhookEventId);
    const redelivered = JSON.parse(receiver.received[receiver.received.length - 1].body).events[0];
    assert.deepEqual(redelivered, { ...original, deliveryContext: { isRedelivery: true } });
  });

  it('sends raw bodies, with a chosen signature to test rejection', async () => {
    const res = await h.request(fake.url, 'POST', '/_fake/webhook/raw',
      { json: { channel: 'yamagata', body: '{"destination":"x","events":[]}', signature: 'bad' } });
    assert.equal(res.body.status, 200);
    const got = receiver.received[receiver.received.length - 1];
    assert.equal(got.body, '{"destination":"x","events":[]}');
    assert.equal(got.headers['x-line-signature'], 'bad');
    await h.request(fake.url, 'POST', '/_fake/webhook/raw', { json: { channel: 'yamagata', body: { events: [] } } });
    const signed = receiver.received[receiver.received.length - 1];
    assert.equal(signed.headers['x-line-signature'], signature_of(signed.body));
  });

  it('passes yorisoi\'s status back and records it', async () => {
    const refusing = await h.start_receiver({ status: 401 });
    fake.config.yorisoi = refusing.url;
    const answer = await h.message_event(fake, 'x');
    assert.equal(answer.status, 401);
    fake.config.yorisoi = receiver.url;
    await refusing.close();
    const webhooks = (await h.request(fake.url, 'GET', `/_fake/webhooks?userId=${h.resident_id}`)).body;
    assert.equal(webhooks[webhooks.length - 1].status, 401);
  });

  it('says so when yorisoi is unreachable', async () => {
    const gone = await h.start_receiver();
    await gone.close();
    await h.request(fake.url, 'POST', '/_fake/config', { json: { yorisoi: gone.url } });
    const res = await h.request(fake.url, 'POST', '/_fake/webhook',
      { json: { channel: 'yamagata', userId: h.resident_id, event: 'message', text: 'x' } });
    assert.equal(res.status, 502);
    assert.equal(res.body.status, null);
    assert.match(res.body.error, /ECONNREFUSED/);
    await h.request(fake.url, 'POST', '/_fake/config', { json: { yorisoi: receiver.url } });
  });
});
