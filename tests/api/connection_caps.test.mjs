// The per-address connection cap (its own stack, `max_connections_per_address = 3`): three kept-alive
// connections from one address are served, a fourth is answered 429 with Retry-After and closed; a
// connection to the LINE webhook is never refused by the cap (LINE delivers over many connections).
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { skipUnlessReady, useStack, waitFor } from './support.mjs';

const stack = useStack({ serverExtra: 'max_connections_per_address = 3\n' });

// Opens a connection, sends one request on it and answers {socket, status, headers} once the answer's
// head has arrived; the connection stays open (keep-alive) until the test closes it.
function request(port, lines, body = '') {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0) {
        const [status, ...fields] = text.slice(0, end).split('\r\n');
        const headers = Object.fromEntries(fields.map((f) => {
          const colon = f.indexOf(':');
          return [f.slice(0, colon).toLowerCase(), f.slice(colon + 1).trim()];
        }));
        resolve({ socket, status: Number(status.split(' ')[1]), headers });
      }
    });
    socket.on('error', reject);
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
  });
}

const readyz = (port) => request(port, ['GET /readyz HTTP/1.1', 'Host: 127.0.0.1', 'Connection: keep-alive']);

test('a fourth connection from one address is refused 429; the webhook is not counted', async (t) => {
  if (skipUnlessReady(t)) return;
  const port = Number(new URL(stack().baseUrl).port);
  const held = [];
  try {
    for (let i = 0; i < 3; ++i) {
      const answer = await readyz(port);
      assert.equal(answer.status, 200);
      held.push(answer.socket);
    }
    const fourth = await readyz(port);
    held.push(fourth.socket);
    assert.equal(fourth.status, 429);
    assert.equal(fourth.headers['retry-after'], '1');
    // An unsigned webhook is refused for its signature (401), never for the connection count.
    const body = '{"destination":"U0","events":[]}';
    const webhook = await request(port, ['POST /webhook/line/yamagata HTTP/1.1', 'Host: 127.0.0.1',
      'Content-Type: application/json', `Content-Length: ${body.length}`, 'X-Line-Signature: AAAA'], body);
    held.push(webhook.socket);
    assert.equal(webhook.status, 401);
  } finally {
    for (const socket of held) {
      socket.destroy();
    }
  }
  // Once they are closed (the server notices shortly), the address is served again.
  await waitFor(async () => {
    const again = await readyz(port);
    again.socket.destroy();
    return again.status === 200;
  }, 5000, 50);
});
