// Helpers of the browser tests: finding chromium, launching it, a page that records what must not
// happen (uncaught errors, CSP refusals, dialogs), and logging in through the console's own form.
import { after, before } from 'node:test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, waitFor } from '../support/harness/index.mjs';

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

// A page at 1280×800 (or `viewport`) that collects page errors, console errors (CSP violations are
// reported there) and dialogs (dismissed at once) into `problems`.
export async function open_page(browser, { viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport, locale: 'ja-JP' });
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

// Logs in through the form and waits for the role's first screen: the queue's tabs, for an officer
// 紹介受付, for an analyst or an admin 集計 (a supervisor asked for '#/reports' lands there too).
// `hash` opens a place directly (e.g. '#/c/<consultation id>').
export async function log_in(page, base_url, user, hash = '') {
  await page.goto(`${base_url}/console/${hash}`);
  await page.getByLabel('ログイン名').fill(user.login);
  await page.getByLabel('パスワード').fill(user.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  const reports = user.role === 'analyst' || user.role === 'admin'
    || (user.role === 'supervisor' && hash.startsWith('#/reports'));
  if (user.role === 'officer') {
    await page.getByRole('heading', { name: '紹介受付' }).waitFor();
  } else if (reports) {
    await page.getByRole('heading', { name: '集計', level: 1 }).waitFor();
  } else {
    await page.getByRole('tab', { name: /待機中/ }).waitFor();
  }
}

// Everything the server tells a page (API answers and WebSocket frames), to assert what a user never
// receives. Returns {texts: [string]}; bodies are read as they arrive.
export function record_traffic(page) {
  const seen = { texts: [] };
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname.startsWith('/api/')) {
      try {
        seen.texts.push(await response.text());
      } catch {
        // A body not kept (e.g. a redirect) says nothing.
      }
    }
  });
  page.on('websocket', (socket) => {
    socket.on('framereceived', (frame) => seen.texts.push(String(frame.payload)));
  });
  return seen;
}

// A resident writes on yamagata's channel and a new consultation opens: answers {id, userId}.
// `api` is a signed-in counsellor's or supervisor's client; the consultation is told apart from earlier
// ones by its id (the queue promises no order between tests).
export async function new_consultation(stack, api, text) {
  const before = new Set((await api.get('/api/v1/queue?view=open&limit=200')).json.items.map((i) => i.consultation_id));
  const { userId } = await stack.residentWrites('yamagata', text);
  const item = await waitFor(async () => (await api.get('/api/v1/queue?view=open&limit=200')).json.items
    .find((i) => !before.has(i.consultation_id)), 10_000);
  return { id: item.consultation_id, userId };
}

// The hooks every browser test file shares: before its tests, one stack (startStack's `options`) and one
// browser, handed to `ready(stack, browser)`; after them, both closed.
export function use_stack_and_browser(options, ready) {
  let stack;
  let browser;
  before(async () => {
    stack = await startStack(options);
    browser = await launch_browser();
    ready(stack, browser);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });
}
