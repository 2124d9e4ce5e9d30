'use strict';
// X-Line-Retry-Key on push: the first request is processed, later ones answer 409 and deliver nothing.

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const h = require('../test_support/harness');

describe('retry keys', () => {
  let fake;
  before(async () => { fake = await h.start_fake(); });
  after(() => fake.close());
  beforeEach(() => h.request(fake.url, 'POST', '/_fake/reset'));

  it('processes a key once and answers 409 with the accepted request id afterwards', async () => {
    const key = crypto.randomUUID();
    const body = { to: h.resident_id, messages: [h.text_message('相談員からの返信')] };
    const first = await h.api(fake.url, 'POST', '/v2/bot/message/push', body, { 'x-line-retry-key': key });
    assert.equal(first.status, 200);
    const second = await h.api(fake.url, 'POST', '/v2/bot/message/push', body, { 'x-line-retry-key': key });
    assert.equal(second.status, 409);
    assert.equal(second.headers['x-line-accepted-request-id'], first.headers['x-line-request-id']);
    assert.notEqual(second.headers['x-line-request-id'], first.headers['x-line-request-id']);
    assert.deepEqual(second.body.sentMessages, first.body.sentMessages);
    const deliveries = (await h.request(fake.url, 'GET', `/_fake/deliveries?to=${h.resident_id}`)).body;
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0].retry_key, key);
    const calls = (await h.request(fake.url, 'GET', '/_fake/calls?path=/v2/bot/message/push')).body;
    assert.deepEqual(calls.map((c) => [c.status, c.retry_key]), [[200, key], [409, key]]);
  });

  it('does not remember a key whose request failed validation', async () => {
    const key = crypto.randomUUID();
    const bad = await h.api(fake.url, 'POST', '/v2/bot/message/push', { to: h.resident_id, messages: [] },
      { 'x-line-retry-key': key });
    assert.equal(bad.status, 400);
    const good = await h.api(fake.url, 'POST', '/v2/bot/message/push',
      { to: h.resident_id, messages: [h.text_message('x')] }, { 'x-line-retry-key': key });
    assert.equal(good.status, 200);
  });

  it('refuses a key that is not a UUID', async () => {
    const res = await h.api(fake.url, 'POST', '/v2/bot/message/push',
      { to: h.resident_id, messages: [h.text_message('x')] }, { 'x-line-retry-key': 'outbox-row-7' });
    assert.equal(res.status, 400);
  });

  it('delivers pushes without a key every time', async () => {
    const body = { to: h.resident_id, messages: [h.text_message('x')] };
    await h.api(fake.url, 'POST', '/v2/bot/message/push', body);
    await h.api(fake.url, 'POST', '/v2/bot/message/push', body);
    const deliveries = (await h.request(fake.url, 'GET', `/_fake/deliveries?to=${h.resident_id}`)).body;
    assert.equal(deliveries.length, 2);
  });
});
