// HAProxy (Debian's binary) in front of a stack's yorisoi instances, run with deploy/haproxy/haproxy.cfg
// itself: the addresses are the config's environment variables. Node standard library only.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

import { repoRoot } from '../support/harness/config.mjs';
import { spawnLogged, stopProcess, tail, waitFor } from '../support/harness/processes.mjs';

export const haproxyConfig = join(repoRoot, 'deploy/haproxy/haproxy.cfg');

// The haproxy binary, or null when it is not installed (the test then skips).
export function haproxyBinary() {
  for (const candidate of [process.env.HAPROXY_BIN, '/usr/sbin/haproxy', '/usr/local/sbin/haproxy']) {
    if (candidate && existsSync(candidate)) {
      return candidate;
    }
  }
  try {
    return execFileSync('sh', ['-c', 'command -v haproxy'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

// A port that was free a moment ago (HAProxy cannot report a port it chose itself); start() retries
// when another process took it in between.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// One admin-socket command; answers the text.
function adminCommand(socketPath, command) {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let text = '';
    socket.setTimeout(2000, () => socket.destroy(new Error('admin socket timeout')));
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk) => { text += chunk; });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

export class Haproxy {
  constructor(dir) {
    this.dir = dir;
    this.statsSocket = join(dir, 'haproxy.sock');
    this.proc = null;
    this.port = null;         // the console's frontend
    this.webhookPort = null;  // LINE's webhooks' frontend (/webhook/ only)
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  get webhookBaseUrl() {
    return `http://127.0.0.1:${this.webhookPort}`;
  }

  // Starts HAProxy on two free loopback ports (console, webhooks) in front of `backends` (["127.0.0.1:P0", "127.0.0.1:P1"])
  // and waits until both servers are UP.
  async start(backends) {
    for (let attempt = 1; ; ++attempt) {
      this.port = await freePort();
      this.webhookPort = await freePort();
      const env = {
        ...process.env,
        YORISOI_HAPROXY_BIND: `127.0.0.1:${this.port}`,
        YORISOI_HAPROXY_WEBHOOK_BIND: `127.0.0.1:${this.webhookPort}`,
        YORISOI_BACKEND_0: backends[0],
        YORISOI_BACKEND_1: backends[1],
        YORISOI_HAPROXY_STATS: this.statsSocket,
      };
      // -db: foreground, logs on stderr (into haproxy.log).
      this.proc = spawnLogged(haproxyBinary(), ['-db', '-f', haproxyConfig], { env, logFile: join(this.dir, 'haproxy.log') });
      try {
        await waitFor(async () => {
          if (this.proc.child.exitCode !== null) {
            throw Object.assign(new Error(`haproxy exited: ${tail(this.proc.logFile, 10)}`), { fatal: true });
          }
          const states = await this.serverStates('webhook');
          return states.yorisoi0 === 'UP' && states.yorisoi1 === 'UP';
        }, 10_000);
        return;
      } catch (error) {
        await stopProcess(this.proc);
        if (attempt >= 3) {
          throw error;
        }
      }
    }
  }

  // {server name: status} of one backend (UP, DOWN, "UP 1/2" while changing, MAINT …).
  async serverStates(backend) {
    const csv = await adminCommand(this.statsSocket, 'show stat');
    const lines = csv.split('\n').filter((l) => l.length > 0);
    const header = lines[0].replace(/^# /, '').split(',');
    const pxname = header.indexOf('pxname');
    const svname = header.indexOf('svname');
    const status = header.indexOf('status');
    const states = {};
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      if (cells[pxname] === backend && cells[svname] !== 'BACKEND') {
        states[cells[svname]] = cells[status];
      }
    }
    return states;
  }

  log(lines = 30) {
    return this.proc ? tail(this.proc.logFile, lines) : '(not started)';
  }

  async stop() {
    if (this.proc) {
      await stopProcess(this.proc);
    }
  }
}
