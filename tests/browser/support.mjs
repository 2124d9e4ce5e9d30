// Helpers of the browser tests: finding chromium, launching it, a page that records what must not
// happen (uncaught errors, CSP refusals, dialogs), and logging in through the console's own form.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function chromium_path() {
  const candidates = [process.env.YORISOI_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path) => path && existsSync(path)) ?? null;
}

export async function launch_browser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromium_path(),
    headless: true,
    // Tests run as root in CI, where chromium refuses its sandbox; the pages are our own, on loopback.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=ja-JP'],
  });
}

// Where screenshots go: YORISOI_SCREENSHOT_DIR, or a fresh temp folder (kept, and printed by the test).
export function screenshot_dir() {
  return process.env.YORISOI_SCREENSHOT_DIR || mkdtempSync(join(tmpdir(), 'yorisoi-browser-'));
}

// A page at 1280×800 that collects page errors, console errors (CSP violations are reported there)
// and dialogs (dismissed at once) into `problems`.
export async function open_page(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP' });
  const page = await context.newPage();
  const problems = { errors: [], dialogs: [] };
  page.on('pageerror', (error) => problems.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Expected 4xx answers (e.g. GET /session before login) are logged as "Failed to load resource":
    // they are not problems; CSP refusals and script errors are.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.errors.push(`console: ${message.text()}`);
    }
  });
  page.on('dialog', async (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });
  return { context, page, problems };
}

export async function log_in(page, base_url, user) {
  await page.goto(`${base_url}/console/`);
  await page.getByLabel('ログイン名').fill(user.login);
  await page.getByLabel('パスワード').fill(user.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('tab', { name: /待機中/ }).waitFor();
}
