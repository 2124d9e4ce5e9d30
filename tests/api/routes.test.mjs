// `yorisoi routes` (the server's route table) and openapi.json describe the same /api/v1 operations
// with the same permissions.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { skipUnlessReady, useStack } from './support.mjs';
import { openapi } from './schema.mjs';

const stack = useStack({ users: false });

// "/api/v1/staff/{user_id}", "/api/v1/staff/:id" and "/api/v1/staff/<id>" all become "/api/v1/staff/{}".
const normalise = (pattern) => pattern.replace(/\{[^}]*\}|:[A-Za-z_]+|<[^>]*>/g, '{}');
const permissionOf = (value) => (value === null || value === undefined || value === '' ? 'none' : value);

test('the route table and openapi.json list the same /api/v1 operations and permissions', async (t) => {
  if (skipUnlessReady(t)) return;
  const result = await stack().cli(['routes', '--config', stack().configFile]);
  assert.equal(result.code, 0, result.stderr);
  const routes = JSON.parse(result.stdout)
    .filter((r) => r.pattern.startsWith('/api/v1/'))
    .map((r) => [`${r.method.toUpperCase()} ${normalise(r.pattern)}`, permissionOf(r.permission)]);
  const documented = Object.entries(openapi.paths).filter(([path]) => path.startsWith('/api/v1/')).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [`${method.toUpperCase()} ${normalise(path)}`, permissionOf(op['x-permission'])]));
  const sort = (list) => [...list].sort((x, y) => x[0].localeCompare(y[0]));
  assert.deepEqual(sort(routes).map((r) => r[0]), sort(documented).map((r) => r[0]), 'same operations');
  assert.deepEqual(Object.fromEntries(routes), Object.fromEntries(documented), 'same permissions');
});

test('the public tracked link route is documented, without a permission', async (t) => {
  if (skipUnlessReady(t)) return;
  const result = await stack().cli(['routes', '--config', stack().configFile]);
  const link = JSON.parse(result.stdout).find((r) => r.pattern === '/l/{code}');
  assert.deepEqual([link.method, link.permission], ['GET', null]);
  assert.ok(openapi.paths['/l/{code}']?.get, 'openapi.json documents GET /l/{code}');
});

test('x-permissions names, for each permission, exactly the roles the route table grants it to', async (t) => {
  if (skipUnlessReady(t)) return;
  const result = await stack().cli(['routes', '--config', stack().configFile]);
  const routes = JSON.parse(result.stdout).filter((r) => r.permission !== null);
  assert.ok(routes.length > 0);
  for (const route of routes) {
    assert.deepEqual([...openapi['x-permissions'][route.permission]].sort(), [...route.roles].sort(),
      `roles holding ${route.permission} (${route.method} ${route.pattern})`);
  }
});

test('the webhook is documented without a permission or a console security scheme', async (t) => {
  if (skipUnlessReady(t)) return;
  const result = await stack().cli(['routes', '--config', stack().configFile]);
  const webhook = JSON.parse(result.stdout).find((r) => r.pattern === '/webhook/line/{channel_key}');
  assert.deepEqual([webhook.method, webhook.permission], ['POST', null]);
  const op = openapi.paths['/webhook/line/{channel_key}']?.post;
  assert.ok(op, 'openapi.json documents POST /webhook/line/{channel_key}');
  assert.deepEqual(op.security, []);
});

test('an operation without a request body does not list 415', () => {
  for (const [path, item] of Object.entries(openapi.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op.requestBody) {
        assert.ok(!('415' in op.responses), `${method.toUpperCase()} ${path} takes no body yet lists 415`);
      }
    }
  }
});
