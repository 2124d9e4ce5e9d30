'use strict';
// The live stream the simulator page listens to: a push shows up as a delivery event.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const h = require('../test_support/harness');

// Opens /_fake/events; resolves {next(type), close()} where next waits for the first event of that type.
function open_stream(base) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/_fake/events`, (res) => {
      assert.match(res.headers['content-type'], /^text\/event-stream/);
      let buffer = '';
      const events = [];
      const waiters = [];
      const settle = () => {
        for (const waiter of [...waiters]) {
          const found = events.find((e) => e.type === waiter.type);
          if (found) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(found);
          }
        }
      };
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) {
            events.push(JSON.parse(data.slice(6)));
          }
        }
        settle();
      });
      resolve({
        next: (type) => new Promise((done) => { waiters.push({ type, resolve: done }); settle(); }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

describe('server-sent events', () => {
  let fake;
  before(async () => { fake = await h.start_fake(); });
  after(() => fake.close());

  it('streams a push to the page as a delivery', async () => {
    const stream = await open_stream(fake.url);
    const delivered = stream.next('delivery');
    const res = await h.api(fake.url, 'POST', '/v2/bot/message/push', { to: h.resident_id, messages: [h.text_message('届きました')] });
    assert.equal(res.status, 200);
    const event = await delivered;
    assert.equal(event.delivery.to, h.resident_id);
    assert.equal(event.delivery.via, 'push');
    assert.deepEqual(event.delivery.message, { type: 'text', text: '届きました' });
    stream.close();
  });

  it('streams the loading animation and new residents', async () => {
    const stream = await open_stream(fake.url);
    const resident = stream.next('resident');
    const created = await h.request(fake.url, 'POST', '/_fake/residents', { json: { channel: 'sendai', name: '住民B' } });
    assert.match(created.body.userId, /^U[0-9a-f]{32}$/);
    assert.equal((await resident).resident.name, '住民B');
    const loading = stream.next('loading');
    await h.api(fake.url, 'POST', '/v2/bot/chat/loading/start', { chatId: created.body.userId, loadingSeconds: 5 });
    assert.equal((await loading).seconds, 5);
    stream.close();
  });
});

describe('long poll', () => {
  let fake;
  before(async () => { fake = await h.start_fake(); });
  after(() => fake.close());

  it('waits until enough deliveries match, or until wait_ms', async () => {
    const waiting = h.request(fake.url, 'GET', `/_fake/deliveries?to=${h.resident_id}&min_count=2&wait_ms=10000`);
    await h.api(fake.url, 'POST', '/v2/bot/message/push', { to: h.resident_id, messages: [h.text_message('1')] });
    await h.api(fake.url, 'POST', '/v2/bot/message/push', { to: h.resident_id, messages: [h.text_message('2')] });
    const res = await waiting;
    assert.deepEqual(res.body.map((d) => d.message.text), ['1', '2']);
    const timed_out = await h.request(fake.url, 'GET', `/_fake/deliveries?to=${h.resident_id}&min_count=3&wait_ms=50`);
    assert.equal(timed_out.body.length, 2);
  });
});
