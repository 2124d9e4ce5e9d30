// A whole yorisoi stack for one test: a scratch database, a temp config with two tenants (yamagata,
// tendo), the fake LINE platform, one or two yorisoi instances and one staff account per role per
// tenant. See README.md. Node standard library only.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

import { client } from './client.mjs';
import { configToml, fakeChannelArgs, generateSecrets, repoRoot } from './config.mjs';
import { adminUrl, createScratchDatabase, dropScratchDatabase, sql } from './database.mjs';
import { awaitPortFile, awaitReady, runCommand, spawnLogged, stopProcess, tail, waitFor } from './processes.mjs';
import { staffPlan } from './staff.mjs';

export { client, waitFor, adminUrl };

// Why a stack cannot start here (null when it can): tests skip with this reason.
export function missingPrerequisite() {
  if (!process.env.YORISOI_BIN) {
    return 'YORISOI_BIN is not set (path of the yorisoi binary)';
  }
  if (!adminUrl()) {
    return 'YORISOI_TEST_PG_URL is not set (admin URL of a PostgreSQL cluster)';
  }
  return null;
}

// Environment of yorisoi processes: the inherited one without YORISOI_* overrides that could point
// them elsewhere, plus the stack's secrets and test overrides.
function yorisoiEnv(secrets, fakeBase, extra) {
  const env = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('YORISOI_') || name === 'YORISOI_BIN') {
      env[name] = value;
    }
  }
  return {
    ...env, ...secrets, YORISOI_LINE_API_BASE: fakeBase, YORISOI_ALLOW_PLAIN_LINE_API: '1', YORISOI_IDLE_CLOSE: 'off',
    ...extra,
  };
}

function postJson(base, path, body) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const url = new URL(path, base);
    const req = httpRequest({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': payload.length },
    }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, json: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// options:
//   instances: 1 (default) or 2 yorisoi processes on the same database
//   staffed: 'always' (default: every hour staffed), 'never' (today is closed: off-hours) or 'example'
//            (the example's own schedule: Mon–Fri 18:00–21:00, holidays and the year end closed)
//   serverExtra: TOML lines appended to [server] (allowed_origins, [server.sessions] …)
//   plainHttp: false serves as behind TLS (Secure __Host- cookie, HSTS); default true (plain HTTP on loopback)
//   acceptStaleEvents: false drops events older than the retention period, as in production; default true
//   alert: {url, on?, consoleBaseUrl?} gives yamagata a [tenant.alert] (key: secrets.YAMAGATA_ALERT_SECRET)
//   env: extra environment for the yorisoi processes
//   users: false to create no staff
export async function startStack(options = {}) {
  const missing = missingPrerequisite();
  if (missing) {
    throw new Error(missing);
  }
  const bin = resolve(process.env.YORISOI_BIN);
  const admin = adminUrl();
  const dir = mkdtempSync(join(tmpdir(), 'yorisoi-api-'));
  const stack = new Stack({ bin, admin, dir });
  try {
    await stack.start(options);
  } catch (error) {
    await stack.stop({ keepDir: Boolean(process.env.YORISOI_KEEP_TMP) });
    throw error;
  }
  return stack;
}

class Stack {
  constructor({ bin, admin, dir }) {
    this.bin = bin;
    this.admin = admin;
    this.dir = dir;
    this.instances = [];   // [{baseUrl, port, proc}]
    this.fake = null;      // {baseUrl, port, proc}
    this.database = null;  // {name, url}
    this.secrets = generateSecrets();
    this.users = {};       // users[tenant][key] = {login, password, name, role, unit}
    this.configFile = join(dir, 'yorisoi.toml');
  }

  // The first instance's base URL (where the fake LINE platform sends webhooks).
  get baseUrl() {
    return this.instances[0].baseUrl;
  }

  async start(options) {
    this.database = await createScratchDatabase(this.admin);
    writeFileSync(this.configFile, configToml({
      databaseUrl: this.database.url, staffed: options.staffed ?? 'always', serverExtra: options.serverExtra ?? '',
      tendoKeys: options.tendoKeys ?? '',
      alert: options.alert ?? null, plainHttp: options.plainHttp ?? true,
      acceptStaleEvents: options.acceptStaleEvents ?? true, readMarks: options.readMarks ?? {},
    }));
    await this.startFake();
    // A webhook spool directory is locked by one process: each instance gets its own in the stack's
    // folder (startInstance); this one serves other processes run with the stack's environment.
    this.spoolGiven = Boolean(options.env?.YORISOI_SPOOL_DIR);
    this.env = yorisoiEnv(this.secrets, this.fake.baseUrl,
      { YORISOI_SPOOL_DIR: join(this.dir, 'spool'), ...(options.env ?? {}) });
    // One after the other: each instance migrates the database at start.
    for (let i = 0; i < (options.instances ?? 1); ++i) {
      this.instances.push(await this.startInstance(i));
    }
    await postJson(this.fake.baseUrl, '/_fake/config', { yorisoi: this.baseUrl });
    if (options.users !== false) {
      await this.addStaff();
    }
  }

  async startFake() {
    const portFile = join(this.dir, 'fake-line.port');
    const proc = spawnLogged(process.execPath, [
      join(repoRoot, 'tests/fake-line/server.js'), '--port', '0', '--port-file', portFile,
      ...fakeChannelArgs(this.secrets),
    ], { env: process.env, logFile: join(this.dir, 'fake-line.log') });
    this.fake = { proc };
    const port = await awaitPortFile(proc, portFile, 'fake LINE platform');
    Object.assign(this.fake, { port, baseUrl: `http://127.0.0.1:${port}` });
  }

  async startInstance(index) {
    const portFile = join(this.dir, `yorisoi-${index}.port`);
    const env = this.spoolGiven ? this.env : { ...this.env, YORISOI_SPOOL_DIR: join(this.dir, `spool-${index}`) };
    const proc = spawnLogged(this.bin, ['serve', '--config', this.configFile, '--port-file', portFile],
      { env, logFile: join(this.dir, `yorisoi-${index}.log`) });
    const name = `yorisoi instance ${index}`;
    const port = await awaitPortFile(proc, portFile, name);
    await awaitReady(proc, port, name);
    return { index, proc, port, baseUrl: `http://127.0.0.1:${port}` };
  }

  // Runs `yorisoi ARGS…` with the stack's environment; answers {code, stdout, stderr}.
  cli(args, { input, env } = {}) {
    return runCommand(this.bin, args, { env: { ...this.env, ...env }, input });
  }

  // Creates a staff account with `yorisoi user add`; answers its description (user id not included:
  // log in to learn it).
  async addUser({ tenant, login, name, role, unit = null, password }) {
    const args = ['user', 'add', '--config', this.configFile, '--tenant', tenant, '--login', login,
      '--name', name, '--role', role];
    if (unit) {
      args.push('--unit', unit);
    }
    const result = await this.cli(args, { input: `${password}\n` });
    if (result.code !== 0) {
      throw new Error(`yorisoi user add ${login} failed (${result.code}): ${result.stderr}${result.stdout}`);
    }
    const user = { tenant, login, name, role, unit, password };
    (this.users[tenant] ??= {});
    return user;
  }

  async addStaff() {
    const password = `pw-${randomBytes(9).toString('base64url')}`;
    const plan = staffPlan(password);
    // Two at a time: argon2id hashing is deliberately slow and the machine is small.
    for (let i = 0; i < plan.length; i += 2) {
      const added = await Promise.all(plan.slice(i, i + 2).map((entry) => this.addUser(entry)));
      plan.slice(i, i + 2).forEach((entry, k) => { this.users[entry.tenant][entry.key] = added[k]; });
    }
  }

  // users[tenant][key]; key: admin, supervisor, counsellor, counsellor2, officer (hub), officer2 (a
  // department), officer3 (a platform group; yamagata only), analyst.
  user(tenant, key) {
    const user = this.users[tenant]?.[key];
    if (!user) {
      throw new Error(`no staff ${tenant}/${key} in this stack`);
    }
    return user;
  }

  // A new client of instance `index` (default 0).
  client(index = 0) {
    return client(this.instances[index].baseUrl);
  }

  // A client already signed in as users[tenant][key].
  async loggedIn(tenant, key, index = 0) {
    const c = this.client(index);
    const user = this.user(tenant, key);
    c.session = await c.loginOk(user.login, user.password);
    return c;
  }

  // A resident writes `text` on LINE channel `channel` (a new resident unless userId is given);
  // `timestamp` (ms since the epoch) replays a past moment: the event's time, which yorisoi records.
  // Answers the fake's answer {status (yorisoi's), userId, messageId, webhookEventId, …}.
  async residentWrites(channel, text, userId, { timestamp } = {}) {
    const body = { channel, event: 'message', text };
    if (userId) {
      body.userId = userId;
    }
    if (timestamp !== undefined) {
      body.timestamp = timestamp;
    }
    const answer = await postJson(this.fake.baseUrl, '/_fake/webhook', body);
    if (answer.status !== 200 || answer.json.status !== 200) {
      throw new Error(`webhook not accepted: fake ${answer.status}, yorisoi ${answer.json?.status} ${answer.json?.error ?? ''}`);
    }
    return answer.json;
  }

  // Other control calls of the fake LINE platform (see tests/fake-line/README.md).
  async fakeGet(path) {
    return new Promise((resolve, reject) => {
      const url = new URL(path, this.fake.baseUrl);
      const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname + url.search, agent: false },
        (res) => {
          let text = '';
          res.on('data', (chunk) => { text += chunk; });
          res.on('end', () => resolve(text ? JSON.parse(text) : null));
        });
      req.on('error', reject);
      req.end();
    });
  }

  fakePost(path, body) {
    return postJson(this.fake.baseUrl, path, body);
  }

  // SQL on the stack's database (rows as arrays of strings).
  sql(statement) {
    return sql(this.database.url, statement);
  }

  // The last lines of an instance's log (for assertion messages).
  log(index = 0, lines = 40) {
    return tail(this.instances[index]?.proc.logFile ?? join(this.dir, `yorisoi-${index}.log`), lines);
  }

  // Stops an instance (e.g. to test that another one carries on).
  async stopInstance(index) {
    await stopProcess(this.instances[index].proc);
  }

  async stop({ keepDir = false } = {}) {
    await Promise.all(this.instances.map((instance) => stopProcess(instance.proc)));
    if (this.fake?.proc) {
      await stopProcess(this.fake.proc);
    }
    if (this.database) {
      await dropScratchDatabase(this.admin, this.database.name);
    }
    if (!keepDir && !process.env.YORISOI_KEEP_TMP) {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
