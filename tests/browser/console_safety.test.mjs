// What residents write is shown as text: markup in a message never becomes elements, runs script or
// opens a dialog; and the console runs under its CSP without a single refusal (no inline script/style).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../support/harness/index.mjs';
import { launch_browser, log_in, open_page } from './support.mjs';

let stack;
let browser;

before(async () => {
  stack = await startStack({ instances: 1 });
  browser = await launch_browser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('markup from a resident is rendered as text and runs nothing', { timeout: 60_000 }, async () => {
  const { page, problems, context } = await open_page(browser);
  const hostile = '<img src=x onerror=alert(1)>';
  await stack.residentWrites('yamagata', hostile);

  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'));
  await page.locator('.queue-row').first().click();
  const body = page.locator('.message.theirs .body').first();
  await body.waitFor();
  assert.equal(await body.textContent(), hostile);
  assert.equal(await page.locator('.transcript img').count(), 0);

  // An injected <img src=x> would fail to load and fire onerror within a moment; there is no event to
  // await for something that must not happen, so give it a bounded moment (the image request is loopback).
  await page.waitForTimeout(500);
  assert.deepEqual(problems.dialogs, []);
  assert.deepEqual(problems.errors, []);

  // The security headers the console relies on are there.
  const response = await page.request.get(`${stack.baseUrl}/console/`);
  const csp = response.headers()['content-security-policy'] ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /style-src 'self'/);
  await context.close();
});
