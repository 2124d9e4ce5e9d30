// A console's live event stream that behaves like the console page: when its socket closes (the
// instance behind it died) it reconnects with ?after=<last event id>, so the events it missed are
// replayed. Uses the `ws` package pinned by tests/api (npm ci there).
import { createRequire } from 'node:module';

import { repoRoot } from '../support/harness/config.mjs';

const requireFromApi = createRequire(`${repoRoot}tests/api/package.json`);

// The WebSocket class, or null when tests/api/node_modules is missing (the test then skips).
export function loadWebSocket() {
  try {
    return requireFromApi('ws');
  } catch {
    return null;
  }
}

export class ConsoleStream {
  // client: a signed-in ApiClient of the URL to connect to (HAProxy's).
  constructor(client) {
    this.client = client;
    this.WebSocket = loadWebSocket();
    this.events = [];
    this.lastId = null;
    this.connects = 0;
    this.closes = [];
    this.stopped = false;
    this.socket = null;
  }

  // Resolves once the (first) socket is open.
  start() {
    return this.connect();
  }

  connect() {
    const base = this.client.baseUrl.href.replace(/^http/, 'ws');
    const url = new URL(`api/v1/stream${this.lastId === null ? '' : `?after=${this.lastId}`}`, base);
    const headers = { Origin: this.client.origin(), Cookie: this.client.cookieHeader() };
    return new Promise((resolve, reject) => {
      const socket = new this.WebSocket(url, { headers, handshakeTimeout: 5000 });
      this.socket = socket;
      socket.on('open', () => {
        this.connects += 1;
        resolve();
      });
      socket.on('message', (data) => {
        const event = JSON.parse(data.toString());
        this.events.push(event);
        if (Number.isInteger(event.event_id)) {
          this.lastId = event.event_id;
        }
      });
      socket.on('unexpected-response', (_request, response) => {
        response.resume();
        socket.terminate();
        reject(new Error(`upgrade refused: ${response.statusCode}`));
      });
      socket.on('error', (error) => reject(error));
      socket.on('close', (code) => {
        this.closes.push({ code, at: Date.now() });
        if (!this.stopped && this.connects > 0) {
          this.reconnect();
        }
      });
    });
  }

  // Like the console: try again shortly until a socket opens (HAProxy sends it to a live instance).
  async reconnect() {
    for (let attempt = 0; attempt < 50 && !this.stopped; ++attempt) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        await this.connect();
        return;
      } catch {
        // The next attempt.
      }
    }
  }

  reconnects() {
    return Math.max(0, this.connects - 1);
  }

  stop() {
    this.stopped = true;
    this.socket?.close();
  }
}
