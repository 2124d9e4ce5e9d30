'use strict';
// Injected behaviour: a number of failing answers (429/5xx, Retry-After), slow answers, and
// "processed but answered with an error" so that retries must rely on the retry key.

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const h = require('../test_support/harness');

const push_body = { to: h.resident_id, messages: [h.text_message('返信')] };

describe('behaviour injection', () => {
  let fake;
  before(async () => { fake = await h.start_fake(); });
  after(() => fake.close());
  beforeEach(() => h.request(fake.url, 'POST', '/_fake/reset'));

  it('answers 429 for the next N calls with Retry-After, then normally', async () => {
    const set = await h.request(fake.url, 'POST', '/_fake/behaviour', { json: { status: 429, count: 2, retry_after: 1 } });
    assert.equal(set.status, 200);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      const res = await h.api(fake.url, 'POST', '/v2/bot/message/push', push_body);
      statuses.push(res.status);
      if (res.status === 429) {
        assert.equal(res.headers['retry-after'], '1');
        assert.equal(typeof res.body.message, 'string');
        assert.ok(res.headers['x-line-request-id']);
      }
    }
    assert.deepEqual(statuses, [429, 429, 200]);
    const deliveries = (await h.request(fake.url, 'GET', '/_fake/deliveries')).body;
    assert.equal(deliveries.length, 1);
    const calls = (await h.request(fake.url, 'GET', '/_fake/calls')).body;
    assert.deepEqual(calls.map((c) => c.injected), [true, true, false]);
  });

  it('limits injection to one path when asked', async () => {
    await h.request(fake.url, 'POST', '/_fake/behaviour', { json: { status: 500, count: 1, path: '/v2/bot/message/push' } });
    const info = await h.api(fake.url, 'GET', '/v2/bot/info');
    assert.equal(info.status, 200);
    const push = await h.api(fake.url, 'POST', '/v2/bot/message/push', push_body);
    assert.equal(push.status, 500);
  });

  it('answers slowly with delay_ms', async () => {
    await h.request(fake.url, 'POST', '/_fake/behaviour', { json: { delay_ms: 300, count: 1 } });
    const started = process.hrtime.bigint();
    const slow = await h.api(fake.url, 'POST', '/v2/bot/message/push', push_body);
    const elapsed_ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(slow.status, 200);
    assert.ok(elapsed_ms >= 290, `took ${elapsed_ms} ms`);
    assert.equal((await h.request(fake.url, 'GET', '/_fake/behaviour')).body, null);
  });

  it('can process a push and still answer 500, so that the retry meets 409', async () => {
    await h.request(fake.url, 'POST', '/_fake/behaviour', { json: { status: 500, count: 1, after_processing: true } });
    const key = crypto.randomUUID();
    const first = await h.api(fake.url, 'POST', '/v2/bot/message/push', push_body, { 'x-line-retry-key': key });
    assert.equal(first.status, 500);
    const retry = await h.api(fake.url, 'POST', '/v2/bot/message/push', push_body, { 'x-line-retry-key': key });
    assert.equal(retry.status, 409);
    const deliveries = (await h.request(fake.url, 'GET', '/_fake/deliveries')).body;
    assert.equal(deliveries.length, 1);
  });

  it('rejects nonsense and clears with an empty object', async () => {
    const bad = await h.request(fake.url, 'POST', '/_fake/behaviour', { json: { status: 'soon' } });
    assert.equal(bad.status, 400);
    await h.request(fake.url, 'POST', '/_fake/behaviour', { json: { status: 503 } });
    await h.request(fake.url, 'POST', '/_fake/behaviour', { json: {} });
    const res = await h.api(fake.url, 'POST', '/v2/bot/message/push', push_body);
    assert.equal(res.status, 200);
  });
});
