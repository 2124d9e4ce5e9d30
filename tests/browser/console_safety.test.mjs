// What residents write is shown as text: markup in a message never becomes elements, runs script or
// opens a dialog; and the console runs under its CSP without a single refusal (no inline script/style).
// The same for a referral's summary, which staff write and officers read: as text in the counsellor's
// 紹介 panel and in the officer's detail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { log_in, new_consultation, open_page, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1 }, (s, b) => {
  stack = s;
  browser = b;
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

test('markup in a referral summary is text for the counsellor and the officer', { timeout: 90_000 }, async () => {
  const hostile = '<script>alert(1)</script><img src=x onerror=alert(1)>';
  // A supervisor's emergency referral reaches the hub at once (no consent round trip needed here).
  const api = await stack.loggedIn('yamagata', 'supervisor');
  const { id } = await new_consultation(stack, api, '相談です。');
  const sent = await api.post(`/api/v1/consultations/${id}/referrals`, {
    summary: hostile, unit_ids: [], reason: '表示の確認',
    categories: [], emergency: { legal_basis: 'appi_27_1_2', reason: '表示の確認' },
  });
  assert.equal(sent.status, 201, sent.text);
  const referral_id = sent.json.referral_id;

  const counsellor = await open_page(browser);
  await log_in(counsellor.page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${id}`);
  const card = counsellor.page.locator(`.referral-card[data-referral-id="${referral_id}"]`);
  await card.locator('.badge', { hasText: '緊急' }).waitFor();
  assert.equal(await card.locator('.referral-summary').textContent(), hostile);
  assert.equal(await counsellor.page.locator('.side-panel img, .side-panel script').count(), 0);

  const officer = await open_page(browser);
  await log_in(officer.page, stack.baseUrl, stack.user('yamagata', 'officer'), `#/r/${referral_id}`);
  const summary = officer.page.locator('.detail-summary');
  await summary.waitFor();
  assert.equal(await summary.textContent(), hostile);
  assert.equal(await officer.page.locator('.referral-detail img, .referral-detail script').count(), 0);
  await officer.page.locator('.emergency-note').waitFor();

  // As above: a bounded moment for an injected image's onerror, which must not come.
  await officer.page.waitForTimeout(500);
  for (const { problems, context } of [counsellor, officer]) {
    assert.deepEqual(problems.dialogs, []);
    assert.deepEqual(problems.errors, []);
    await context.close();
  }
});
