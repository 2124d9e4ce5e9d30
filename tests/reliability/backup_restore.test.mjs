// Backup and restore as an operator does it (deploy/backup/): a stack with consultations, messages and
// notes is dumped with backup.sh; a fresh PostgreSQL cluster gets it with restore.sh; a new yorisoi
// with the same keys and pepper serves the restored database. Every consultation, message and note
// reads back through the API with the same texts, `yorisoi migrate` has nothing to do, and every
// staff account still signs in.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { client, startStack, waitFor } from '../support/harness/index.mjs';
import { repoRoot } from '../support/harness/config.mjs';
import { sql, withDatabase } from '../support/harness/database.mjs';
import { awaitPortFile, awaitReady, spawnLogged, stopProcess } from '../support/harness/processes.mjs';
import { recordFigures } from './figures.mjs';

const run = promisify(execFile);
const pgCluster = join(repoRoot, 'tests/support/pg-cluster.sh');
const residents = 3;

// libpq's environment variables for a connection string: a postgresql:// URL (a host= parameter, a
// socket folder, wins) or the key=value form.
function libpqEnvironment(url) {
  const names = { host: 'PGHOST', port: 'PGPORT', user: 'PGUSER', dbname: 'PGDATABASE', password: 'PGPASSWORD' };
  const env = {};
  if (!url.includes('://')) {
    for (const [, key, value] of url.matchAll(/(\w+)\s*=\s*(\S+)/g)) {
      if (names[key]) env[names[key]] = value;
    }
    return env;
  }
  const u = new URL(url);
  env.PGHOST = u.hostname;
  env.PGPORT = u.port || '5432';
  env.PGUSER = decodeURIComponent(u.username);
  env.PGDATABASE = decodeURIComponent(u.pathname.slice(1));
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  for (const [key, value] of u.searchParams) {
    if (names[key]) env[names[key]] = value;
  }
  return env;
}

// What the console shows of every open consultation: ids, message texts, notes.
async function snapshot(counsellor) {
  const queue = await counsellor.get('/api/v1/queue?view=open');
  assert.equal(queue.status, 200, queue.text);
  const result = {};
  for (const item of queue.json.items) {
    const detail = await counsellor.get(`/api/v1/consultations/${item.consultation_id}`);
    assert.equal(detail.status, 200, detail.text);
    result[item.consultation_id] = {
      state: detail.json.state,
      messages: detail.json.messages.map((m) => ({ id: m.message_id, direction: m.direction, text: m.text })),
      notes: detail.json.notes.map((n) => ({ id: n.note_id, text: n.text })),
    };
  }
  return result;
}

test('backup.sh → fresh cluster → restore.sh: every consultation, message and note reads back', { timeout: 150_000 }, async () => {
  const stack = await startStack({ users: false });
  const work = mkdtempSync(join(tmpdir(), 'yorisoi-backup-'));
  const clusterDir = mkdtempSync(join(tmpdir(), 'yorisoi-restore-pg-'));
  let cluster = null;
  let restored = null;
  try {
    const user = await stack.addUser({
      tenant: 'yamagata', login: 'backup-counsellor', name: '相談員R', role: 'counsellor',
      password: 'backup-password-1234',
    });
    const counsellor = client(stack.baseUrl);
    await counsellor.loginOk(user.login, user.password);

    // Consultations with residents' messages (one with a crisis word), replies and notes.
    for (let r = 0; r < residents; ++r) {
      const { userId } = await stack.residentWrites('yamagata', `相談したいことがあります ${r}`);
      await stack.residentWrites('yamagata', r === 0 ? '死にたい気持ちになります' : `続きです <b>${r}</b> 🌸`, userId);
    }
    const queue = await waitFor(async () => {
      const answer = await counsellor.get('/api/v1/queue?view=open');
      return answer.json?.items.length === residents ? answer.json.items : null;
    }, 15_000);
    for (const [k, item] of queue.entries()) {
      const path = `/api/v1/consultations/${item.consultation_id}`;
      assert.equal((await counsellor.post(`${path}/claim`)).status, 200);
      assert.equal((await counsellor.post(`${path}/messages`, { text: `お返事です ${k}` })).status, 201);
      assert.equal((await counsellor.post(`${path}/notes`, { text: `メモ ${k}: 家族のこと` })).status, 201);
    }
    // Every resident message is applied (2 per consultation) before the dump.
    const before = await waitFor(async () => {
      const shot = await snapshot(counsellor);
      const inbound = Object.values(shot).reduce((s, c) => s + c.messages.filter((m) => m.direction === 'in').length, 0);
      return inbound === 2 * residents ? shot : null;
    }, 15_000);

    // Backup while the service runs, the database named by libpq's environment only; into a folder
    // that does not exist yet, which it creates for its owner alone.
    const backupDir = join(work, 'nightly');
    const backup = await run(join(repoRoot, 'deploy/backup/backup.sh'), [backupDir],
      { timeout: 60_000, env: { ...process.env, ...libpqEnvironment(stack.database.url) } });
    const dump = backup.stdout.trim().split('\n').pop();
    const manifestFile = dump.replace(/\.dump$/, '.manifest');
    const manifest = readFileSync(manifestFile, 'utf8');
    assert.match(manifest, /^encryption_key_ids_needed=1$/m);
    assert.equal(statSync(backupDir).mode & 0o777, 0o700);
    assert.equal(statSync(dump).mode & 0o777, 0o600);
    assert.equal(statSync(manifestFile).mode & 0o777, 0o600);
    // A URL on the command line (visible in ps) is refused before anything is created.
    await assert.rejects(run(join(repoRoot, 'deploy/backup/backup.sh'), [stack.database.url, join(work, 'url')]));
    assert.equal(existsSync(join(work, 'url')), false);

    // A fresh cluster: the old one is treated as lost.
    const admin = (await run(pgCluster, ['start', clusterDir], { timeout: 90_000 })).stdout.trim();
    cluster = admin;
    await sql(admin, 'CREATE DATABASE yorisoi_restored');
    const target = withDatabase(admin, 'yorisoi_restored');
    // The target database comes from libpq's environment, like backup.sh's; a URL argument is refused.
    const targetEnv = { ...process.env, ...libpqEnvironment(target) };
    await assert.rejects(run(join(repoRoot, 'deploy/backup/restore.sh'), [dump, target], { timeout: 60_000, env: targetEnv }));
    await run(join(repoRoot, 'deploy/backup/restore.sh'), [dump], { timeout: 60_000, env: targetEnv });
    // restore.sh refuses a database that already holds tables.
    await assert.rejects(run(join(repoRoot, 'deploy/backup/restore.sh'), [dump], { timeout: 60_000, env: targetEnv }));

    // yorisoi on the restored database with the same keys and pepper (the stack's environment).
    const config = join(stack.dir, 'restored.toml');
    writeFileSync(config, readFileSync(stack.configFile, 'utf8').replace(/^url = ".*"$/m, `url = "${target}"`));
    const migrationsBefore = await sql(target, 'SELECT version FROM schema_migrations ORDER BY version');
    const migrate = await stack.cli(['migrate', '--config', config]);
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.deepEqual(await sql(target, 'SELECT version FROM schema_migrations ORDER BY version'), migrationsBefore,
      '`yorisoi migrate` applied something after a restore');

    const portFile = join(stack.dir, 'restored.port');
    restored = spawnLogged(stack.bin, ['serve', '--config', config, '--port-file', portFile],
      { env: stack.env, logFile: join(stack.dir, 'restored.log') });
    const port = await awaitPortFile(restored, portFile, 'restored yorisoi');
    await awaitReady(restored, port, 'restored yorisoi');

    const again = client(`http://127.0.0.1:${port}`);
    await again.loginOk(user.login, user.password);
    const after = await snapshot(again);
    assert.deepEqual(after, before);
    const messages = Object.values(after).reduce((s, c) => s + c.messages.length, 0);
    const notes = Object.values(after).reduce((s, c) => s + c.notes.length, 0);
    assert.ok(messages >= 3 * residents && notes === residents, `${messages} messages, ${notes} notes`);

    // The restored service works on: a resident writes to it and the consultation gets the message.
    await stack.fakePost('/_fake/config', { yorisoi: `http://127.0.0.1:${port}` });
    const someone = Object.keys(after)[0];
    const rows = await sql(target, 'SELECT count(*) FROM inbox_event');
    await stack.residentWrites('yamagata', '復元後の新しい相談');
    await waitFor(async () => Number((await sql(target, 'SELECT count(*) FROM inbox_event'))[0][0]) > Number(rows[0][0]), 5000);
    assert.equal((await again.get(`/api/v1/consultations/${someone}`)).status, 200);

    recordFigures({
      test: 'backup_restore',
      faults_injected: 1,
      faults_survived: 1,
      consultations: Object.keys(after).length,
      messages,
      notes,
      lost: 0,
    });
  } finally {
    if (restored) {
      await stopProcess(restored);
    }
    if (cluster) {
      await run(pgCluster, ['stop', clusterDir]).catch(() => {});
    }
    rmSync(clusterDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
    await stack.stop();
  }
});
