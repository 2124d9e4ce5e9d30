'use strict';
// Access token, content type and the answers every API call gets (request id, error shape).

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('../test_support/harness');

describe('access token and request shape', () => {
  let fake;
  before(async () => { fake = await h.start_fake(); });
  after(() => fake.close());

  it('answers bot info for a configured token, with a request id', async () => {
    const res = await h.api(fake.url, 'GET', '/v2/bot/info');
    assert.equal(res.status, 200);
    assert.match(res.headers['x-line-request-id'], /^[0-9a-f-]{36}$/);
    assert.match(res.body.userId, /^U[0-9a-f]{32}$/);
    assert.equal(res.body.chatMode, 'bot');
  });

  it('answers 401 with LINE\'s error shape for a missing or unknown token', async () => {
    const missing = await h.request(fake.url, 'GET', '/v2/bot/info');
    assert.equal(missing.status, 401);
    assert.equal(typeof missing.body.message, 'string');
    assert.ok(missing.headers['x-line-request-id']);
    const unknown = await h.request(fake.url, 'POST', '/v2/bot/message/push',
      { json: { to: h.resident_id, messages: [h.text_message('x')] }, headers: { authorization: 'Bearer nope' } });
    assert.equal(unknown.status, 401);
    assert.match(unknown.body.message, /access token/);
    const basic = await h.request(fake.url, 'GET', '/v2/bot/info', { headers: { authorization: `Basic ${h.channel.token}` } });
    assert.equal(basic.status, 401);
  });

  it('records the authorization outcome, never the token itself', async () => {
    const calls = (await h.request(fake.url, 'GET', '/_fake/calls?path=/v2/bot/message/push')).body;
    const last = calls[calls.length - 1];
    assert.equal(last.authorization, 'invalid');
    assert.ok(!JSON.stringify(calls).includes(h.channel.token));
  });

  it('tells channels apart by their token', async () => {
    const res = await h.request(fake.url, 'GET', '/v2/bot/info', { headers: { authorization: `Bearer ${h.other_channel.token}` } });
    assert.equal(res.body.displayName, 'sendai');
  });

  it('wants application/json on POST', async () => {
    const res = await h.request(fake.url, 'POST', '/v2/bot/message/push', {
      body: JSON.stringify({ to: h.resident_id, messages: [h.text_message('x')] }),
      headers: { authorization: `Bearer ${h.channel.token}`, 'content-type': 'text/plain' },
    });
    assert.equal(res.status, 415);
    const broken = await h.request(fake.url, 'POST', '/v2/bot/message/push', {
      body: '{"to":', headers: { authorization: `Bearer ${h.channel.token}`, 'content-type': 'application/json' },
    });
    assert.equal(broken.status, 400);
  });

  it('answers 404 for endpoints it does not implement', async () => {
    const res = await h.api(fake.url, 'GET', '/v2/bot/followers/ids');
    assert.equal(res.status, 404);
    assert.ok(res.headers['x-line-request-id']);
  });

  it('knows a resident\'s profile only while they are a friend', async () => {
    const unknown = await h.api(fake.url, 'GET', `/v2/bot/profile/${h.resident_id}`);
    assert.equal(unknown.status, 404);
    const receiver = await h.start_receiver();
    fake.config.yorisoi = receiver.url;
    await h.request(fake.url, 'POST', '/_fake/webhook',
      { json: { channel: 'yamagata', userId: h.resident_id, event: 'follow', name: '住民A' } });
    const known = await h.api(fake.url, 'GET', `/v2/bot/profile/${h.resident_id}`);
    assert.equal(known.status, 200);
    assert.deepEqual(known.body, { displayName: '住民A', userId: h.resident_id, language: 'ja' });
    await receiver.close();
  });

  it('accepts the loading animation for 5..60 seconds in steps of 5', async () => {
    const ok = await h.api(fake.url, 'POST', '/v2/bot/chat/loading/start', { chatId: h.resident_id, loadingSeconds: 10 });
    assert.equal(ok.status, 202);
    const bad = await h.api(fake.url, 'POST', '/v2/bot/chat/loading/start', { chatId: h.resident_id, loadingSeconds: 7 });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.details[0].property, 'loadingSeconds');
  });
});
