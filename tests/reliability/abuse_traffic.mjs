// Requests of the abuse scenario (abuse.test.mjs) that the harness does not make: one webhook signed here
// and posted straight to yorisoi (so that the moment of its 200 is seen by the test itself), a console
// WebSocket that records when it opened and closed, and hits on a tracked link from a given client
// address (X-Forwarded-For, believed because the stack trusts 127.0.0.0/8 as a proxy).
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';

import { loadWebSocket } from './console_stream.mjs';

// A LINE-shaped user id: U + 32 hex digits.
export function lineUserId() {
  return `U${randomBytes(16).toString('hex')}`;
}

function post(baseUrl, path, body, headers) {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST', agent: false,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const at = Date.now();
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, at }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// A resident's text message as LINE sends it, signed with the channel secret; answers {status, at}
// (at: when the answer's head arrived, ms since the epoch) and the event's id.
export async function sendSignedMessage({ baseUrl, channel, secret, destination, userId, text, eventId }) {
  const event = {
    type: 'message', mode: 'active', timestamp: Date.now(), webhookEventId: eventId,
    deliveryContext: { isRedelivery: false }, source: { type: 'user', userId },
    replyToken: randomBytes(16).toString('hex'), message: { id: String(Date.now()), type: 'text', text },
  };
  const body = JSON.stringify({ destination, events: [event] });
  const signature = createHmac('sha256', secret).update(body).digest('base64');
  const answer = await post(baseUrl, `/webhook/line/${channel}`, body,
    { 'content-type': 'application/json', 'x-line-signature': signature });
  return { ...answer, eventId };
}

// Opens the console's event stream for signed-in `client`; resolves once open with
// {socket, openedAt, closed: null | {code, at}, closedPromise}. `onChange(+1 | -1)` hears opens and closes.
export function openSocket(client, onChange = () => {}) {
  const WebSocket = loadWebSocket();
  const url = new URL('api/v1/stream', client.baseUrl.href.replace(/^http/, 'ws'));
  const headers = { Origin: client.origin(), Cookie: client.cookieHeader() };
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, handshakeTimeout: 5000 });
    const stream = { socket, openedAt: null, closed: null };
    stream.closedPromise = new Promise((done) => {
      socket.on('close', (code) => {
        stream.closed = { code, at: Date.now() };
        if (stream.openedAt !== null) {
          onChange(-1);
        }
        done(stream.closed);
      });
    });
    socket.on('open', () => {
      stream.openedAt = Date.now();
      onChange(+1);
      resolve(stream);
    });
    socket.on('unexpected-response', (_request, response) => {
      response.resume();
      socket.terminate();
      reject(new Error(`upgrade refused: ${response.statusCode}`));
    });
    socket.on('error', reject);
  });
}

// Whether an open socket still answers a ping (the server reads every frame in order).
export function answersPing(stream) {
  return new Promise((resolve) => {
    if (stream.closed) {
      resolve(false);
      return;
    }
    stream.socket.once('pong', () => resolve(true));
    stream.socket.once('close', () => resolve(false));
    stream.socket.ping();
  });
}

// One GET /l/{code} from client `address`; answers {status, location}.
export function hitLink(agent, baseUrl, code, address) {
  const url = new URL(`/l/${code}`, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, agent, headers: { 'x-forwarded-for': address },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
}
