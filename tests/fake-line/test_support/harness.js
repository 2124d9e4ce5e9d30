'use strict';
// Shared by the self-tests: starts the fake in-process with a controllable clock, a stand-in for yorisoi
// that records the webhooks it receives, and a small HTTP client. Kept outside test/ so that
// `node --test tests/fake-line/test/` does not run it as a test file.

const http = require('node:http');
const { start_fake_line } = require('../lib/app');

const channel = { key: 'yamagata', secret: 'test-channel-secret', token: 'test-access-token' };
const other_channel = { key: 'sendai', secret: 'other-secret', token: 'other-token' };
const resident_id = 'U0123456789abcdef0123456789abcdef';

function fake_clock(start = Date.UTC(2023, 1, 27, 10, 0, 0)) {
  let now = start;
  return { now: () => now, advance: (ms) => { now += ms; } };
}

// Starts a fake LINE platform; `options` may set yorisoi, reply_token_ttl_ms, now.
function start_fake(options = {}) {
  return start_fake_line({ channels: [channel, other_channel], ...options });
}

// Sends one request; resolves {status, headers, body (JSON when parseable), text}.
function request(base, method, path, { headers = {}, body, json } = {}) {
  return new Promise((resolve, reject) => {
    const payload = json !== undefined ? JSON.stringify(json) : body;
    const all_headers = { ...(json !== undefined ? { 'content-type': 'application/json' } : {}), ...headers };
    const req = http.request(`${base}${path}`, { method, headers: all_headers, timeout: 10000 }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed, text });
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}

// A Messaging API call with the channel's access token.
function api(base, method, path, json, extra_headers = {}) {
  return request(base, method, path, { json, headers: { authorization: `Bearer ${channel.token}`, ...extra_headers } });
}

// A stand-in for yorisoi: records each request {url, headers, body} and answers `status` (default 200).
function start_receiver({ status = 200 } = {}) {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      received,
      close: () => new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
    }));
  });
}

// A fake and a receiver wired together; sends a message event and returns its reply token.
async function message_event(fake, text = 'こんにちは', user_id = resident_id) {
  const sent = await request(fake.url, 'POST', '/_fake/webhook',
    { json: { channel: channel.key, userId: user_id, event: 'message', text } });
  return sent.body;
}

function text_message(text) {
  return { type: 'text', text };
}

module.exports = { channel, other_channel, resident_id, fake_clock, start_fake, request, api, start_receiver,
  message_event, text_message };
