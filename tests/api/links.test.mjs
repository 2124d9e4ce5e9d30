// Tracked links of the promotion channels: GET /l/{code} counts a click
// and redirects to the link's channel's add-friend URL, without a session, without setting a cookie and
// without keeping anything about the visitor (address, user agent, referrer) in the database or the log;
// an unknown code is 404 and counts nothing. The clicks appear in the report of the link's tenant only.
// One click per client address and code per minute is counted: a flood from one address is redirected
// every time but counted once. Distinct visitors come from distinct loopback addresses (127.0.0.x).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request as httpRequest } from 'node:http';

import { as, skipUnlessReady, useStack } from './support.mjs';

const stack = useStack();

// The visitor's traces a server could keep: none of them may reach the log or the database.
const visitor = {
  'user-agent': 'links-test-agent/7.1 (visitor fingerprint)',
  referer: 'https://ads.example.test/campaign?who=visitor-7',
  'x-forwarded-for': '203.0.113.77',
  cookie: 'tracking=visitor-cookie-7',
};

// A raw GET (no redirect following, our own headers) from the loopback address `from`: {status, headers}.
function visit(baseUrl, path, headers = visitor, from = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const options = { host: url.hostname, port: url.port, path: url.pathname, headers, agent: false, localAddress: from };
    const req = httpRequest(options, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Yesterday … tomorrow in Asia/Tokyo: a click is counted on the tenant's local day, whatever the UTC date.
function aroundToday() {
  const day = 24 * 3600 * 1000;
  const tokyo = Date.now() + 9 * 3600 * 1000;
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  return `from=${iso(tokyo - day)}&to=${iso(tokyo + day)}`;
}

const yamagataCodes = ['web-ads', 'facebook', 'instagram', 'flyer', 'city-web', 'city-line', 'city-facebook',
  'influencer-1', 'influencer-2', 'influencer-3', 'influencer-4', 'influencer-5', 'influencer-6', 'influencer-7'];

test('GET /l/web-ads: 302 to the channel\'s add-friend URL, counted; /l/unknown 404; no cookie, nothing of the visitor kept', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const logFile = s.instances[0].proc.logFile;
  const { readFileSync } = await import('node:fs');
  const logBefore = readFileSync(logFile, 'utf8').length;

  for (let i = 0; i < 3; ++i) {
    const answer = await visit(s.baseUrl, '/l/web-ads', visitor, `127.0.0.${i + 1}`);
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, 'https://line.me/R/ti/p/@yorisoi-yamagata');
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.equal(answer.headers['referrer-policy'], 'no-referrer');
    assert.equal(answer.headers['set-cookie'], undefined, 'no cookie is set');
  }
  assert.equal((await visit(s.baseUrl, '/l/flyer')).status, 302);
  // Without any header at all (a bare client) it works the same.
  assert.equal((await visit(s.baseUrl, '/l/flyer', {}, '127.0.0.2')).status, 302);
  const tendo = await visit(s.baseUrl, '/l/tendo-web');
  assert.equal(tendo.status, 302);
  assert.equal(tendo.headers.location, 'https://line.me/R/ti/p/@yorisoi-tendo');

  for (const path of ['/l/unknown', '/l/WEB-ADS', '/l/web-ads/extra', '/l/', '/l/web-ads%00']) {
    const answer = await visit(s.baseUrl, path);
    assert.equal(answer.status, 404, path);
    assert.equal(answer.headers['set-cookie'], undefined);
  }

  // Counted in yamagata's report: every configured link in config order, zeros included; tendo's apart.
  const analyst = await as(s, 'yamagata', 'analyst');
  const report = (await analyst.get(`/api/v1/reports/summary?${aroundToday()}`)).json;
  assert.deepEqual(report.link_clicks.map((l) => l.code), yamagataCodes);
  assert.deepEqual(Object.fromEntries(report.link_clicks.map((l) => [l.code, l.clicks])),
    Object.fromEntries(yamagataCodes.map((c) => [c, { 'web-ads': 3, flyer: 2 }[c] ?? 0])));
  assert.equal(report.link_clicks[0].label, 'Web広告');
  const tendoReport = (await (await as(s, 'tendo', 'analyst')).get(`/api/v1/reports/summary?${aroundToday()}`)).json;
  assert.deepEqual(tendoReport.link_clicks, [{ code: 'tendo-web', label: '天童市ウェブ, "特集"', clicks: 1 }]);

  // The database keeps one counter per tenant, code and day, and nothing else.
  const columns = await s.sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'link_click' ORDER BY ordinal_position");
  assert.deepEqual(columns.map((r) => r[0]), ['tenant_id', 'code', 'day', 'clicks']);
  const rows = await s.sql('SELECT tenant_id, code, clicks FROM link_click ORDER BY tenant_id, code');
  assert.deepEqual(rows, [['tendo', 'tendo-web', '1'], ['yamagata', 'flyer', '2'], ['yamagata', 'web-ads', '3']]);

  // The metric counts by code (a configured one: bounded); the log has nothing of the visitor or the code.
  const metrics = await (await fetch(`${s.baseUrl}/metrics`)).text();
  assert.match(metrics, /yorisoi_link_clicks_total\{[^}]*code="web-ads"[^}]*\} 3\b/);
  assert.doesNotMatch(metrics, /code="unknown"/);
  const logged = readFileSync(logFile, 'utf8').slice(logBefore);
  for (const trace of ['203.0.113.77', '127.0.0.1', 'links-test-agent', 'ads.example.test', 'visitor-cookie',
    'web-ads', 'tendo-web', 'unknown']) {
    assert.ok(!logged.includes(trace), `the log mentions ${trace}:\n${logged}`);
  }
});

test('50 hits on one link from one address: every one redirected, one click counted, no write for the rest', async (t) => {
  if (skipUnlessReady(t)) return;
  const s = stack();
  const clicks = async (code) => Number((await s.sql(`SELECT coalesce(sum(clicks), 0) FROM link_click WHERE code = '${code}'`))[0][0]);
  const before = await clicks('instagram');
  for (let i = 0; i < 50; ++i) {
    const answer = await visit(s.baseUrl, '/l/instagram', visitor, '127.0.0.50');
    assert.equal(answer.status, 302, `hit ${i}`);
    assert.equal(answer.headers.location, 'https://line.me/R/ti/p/@yorisoi-yamagata');
  }
  assert.equal(await clicks('instagram'), before + 1, 'one address, one click');
  // Another visitor's click counts; the first address's other links count apart.
  assert.equal((await visit(s.baseUrl, '/l/instagram', visitor, '127.0.0.51')).status, 302);
  assert.equal((await visit(s.baseUrl, '/l/city-web', visitor, '127.0.0.50')).status, 302);
  assert.equal(await clicks('instagram'), before + 2);
  assert.equal(await clicks('city-web'), 1);
  const metrics = await (await fetch(`${s.baseUrl}/metrics`)).text();
  assert.match(metrics, /yorisoi_link_clicks_total\{[^}]*code="instagram"[^}]*\} 2\b/, 'only counted clicks go to the database (the metric counts each write)');
});
