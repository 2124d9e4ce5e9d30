'use strict';
// server.js as a program: options, the {"port":N} line, the port file, the simulator page.

const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const h = require('../test_support/harness');

const server_js = path.join(__dirname, '..', 'server.js');

// Starts server.js; resolves {child, port} after its first stdout line.
function start_program(args, env = process.env) {
  const child = spawn(process.execPath, [server_js, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n');
      if (line.length > 1) {
        resolve({ child, port: JSON.parse(line[0]).port });
      }
    });
    child.once('exit', (code) => reject(new Error(`server.js exited with ${code}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

describe('server.js', () => {
  it('prints its port, writes the port file, serves the API and the page', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-line-test-'));
    const port_file = path.join(dir, 'port');
    const env = { ...process.env, TEST_SECRET: 'env-secret', TEST_TOKEN: 'env-token' };
    const { child, port } = await start_program(['--port', '0', '--port-file', port_file,
      '--channel', 'yamagata:sec:tok:with:colons', '--channels-from-env', 'sendai=TEST_SECRET:TEST_TOKEN'], env);
    try {
      assert.ok(port > 0);
      assert.equal(fs.readFileSync(port_file, 'utf8').trim(), String(port));
      const base = `http://127.0.0.1:${port}`;
      const info = await h.request(base, 'GET', '/v2/bot/info', { headers: { authorization: 'Bearer tok:with:colons' } });
      assert.equal(info.body.displayName, 'yamagata');
      const other = await h.request(base, 'GET', '/v2/bot/info', { headers: { authorization: 'Bearer env-token' } });
      assert.equal(other.body.displayName, 'sendai');
      const page = await h.request(base, 'GET', '/');
      assert.equal(page.status, 200);
      assert.match(page.text, /<script type="module" src="\/app.js">/);
      assert.match(page.headers['content-security-policy'], /default-src 'self'/);
      for (const asset of ['/app.js', '/style.css']) {
        assert.equal((await h.request(base, 'GET', asset)).status, 200);
      }
      assert.equal((await h.request(base, 'GET', '/../server.js')).status, 404);
    } finally {
      await stop(child);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start without a channel or with a missing environment variable', () => {
    const none = spawnSync(process.execPath, [server_js, '--port', '0'], { encoding: 'utf8' });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /--channel/);
    const env = { ...process.env };
    delete env.FAKE_LINE_UNSET_VARIABLE;
    const missing = spawnSync(process.execPath,
      [server_js, '--channels-from-env', 'x=FAKE_LINE_UNSET_VARIABLE:FAKE_LINE_UNSET_VARIABLE'], { encoding: 'utf8', env });
    assert.equal(missing.status, 2);
  });
});
