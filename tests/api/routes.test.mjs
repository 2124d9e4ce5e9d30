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
