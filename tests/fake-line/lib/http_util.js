'use strict';
// Small HTTP helpers shared by the API, control and static routes, and an outgoing POST for webhooks.

const http = require('node:http');
const https = require('node:https');

const max_body_bytes = 2 * 1024 * 1024;

// Resolves with the request body as a string; rejects past `max_body_bytes`.
function read_body(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > max_body_bytes) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send_json(res, status, body, headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function parse_json(text) {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error: error.message };
  }
}

// POSTs `body` to `url`; resolves {status, body} or {error} (never rejects), within `timeout_ms`.
function post(url, body, headers, timeout_ms) {
  return new Promise((resolve) => {
    let target;
    try {
      target = new URL(url);
    } catch {
      resolve({ error: `invalid URL: ${url}` });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const req = client.request(target, {
      method: 'POST',
      headers: { 'content-length': Buffer.byteLength(body), ...headers },
      timeout: timeout_ms,
    }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8').slice(0, 2000) }));
      res.on('error', (error) => resolve({ error: error.code || error.message }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (error) => resolve({ error: error.code || error.message }));
    req.end(body);
  });
}

module.exports = { read_body, send_json, parse_json, post };
