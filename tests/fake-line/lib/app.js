'use strict';
// Composition: one HTTP server on 127.0.0.1 serving the fake Messaging API (/v2/…), the control API
// (/_fake/…) and the resident simulator page (/). Used by server.js and, in-process, by the self-tests.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { fake_state } = require('./state');
const { handle_api } = require('./api_routes');
const { handle_control } = require('./control_routes');
const { send_json } = require('./http_util');

const public_dir = path.join(__dirname, '..', 'public');
const static_files = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};
// The page loads nothing from elsewhere and runs no inline script.
const page_headers = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

function serve_static(req, res, pathname) {
  const entry = static_files[pathname];
  if (!entry || (req.method !== 'GET' && req.method !== 'HEAD')) {
    send_json(res, 404, { message: 'Not found' });
    return;
  }
  const content = fs.readFileSync(path.join(public_dir, entry[0]));
  res.writeHead(200, { 'content-type': entry[1], 'content-length': content.length, ...page_headers });
  res.end(req.method === 'HEAD' ? undefined : content);
}

// Starts the server. channels: [{key, secret, token}]; yorisoi: base URL webhooks go to (may be empty);
// reply_token_ttl_ms: reply token lifetime; port: 0 for any; now: clock in ms (tests pass a fake one).
// Resolves {port, url, state, config, close()}.
function start_fake_line({ channels, yorisoi = '', reply_token_ttl_ms = 60000, port = 0, now = Date.now }) {
  const state = new fake_state({ channels, reply_token_ttl_ms, now });
  const config = { yorisoi };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let handled;
    if (url.pathname.startsWith('/v2/')) {
      handled = handle_api(state, req, res, url.pathname);
    } else if (url.pathname.startsWith('/_fake/')) {
      handled = handle_control(state, config, req, res, url);
    } else {
      handled = Promise.resolve(serve_static(req, res, url.pathname));
    }
    handled.catch((error) => {
      if (!res.headersSent) {
        send_json(res, error.status || 500, { message: error.message });
      } else {
        res.destroy();
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const bound = server.address().port;
      resolve({
        port: bound,
        url: `http://127.0.0.1:${bound}`,
        state,
        config,
        close: () => new Promise((done) => {
          server.close(() => done());
          server.closeAllConnections();
        }),
      });
    });
  });
}

module.exports = { start_fake_line };
