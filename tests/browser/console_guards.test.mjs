// What the console's shared request code guards against, made to happen on purpose: a slow answer for a
// consultation left meanwhile never replaces the one now open (use_list_detail.js); two clicks on a
// submit button in one go send one request (use_submit.js); a refetch still pending when the
// workspace goes away (logout) is never sent (use_list_detail.js cancels it on unmount).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { log_in, new_consultation, open_page, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1 }, (s, b) => {
  stack = s;
  browser = b;
});

// Installed before the page's scripts: every fetch the page starts (`window.test_fetched`, in order) and
// every API answer whose body the page has read and acted on (`window.test_read`: pushed from a task
// queued when the body was read, so after the promise callbacks and the render that the answer caused;
// a message port, not a timer, so that a paused clock does not hold it).
function record_fetches(page) {
  return page.addInitScript(() => {
    window.test_fetched = [];
    window.test_read = [];
    const tasks = new MessageChannel();
    tasks.port1.onmessage = (message) => window.test_read.push(message.data);
    const fetch = window.fetch;
    window.fetch = (input, init) => {
      window.test_fetched.push(`${init?.method ?? 'GET'} ${new URL(String(input), location.href).pathname}`);
      return fetch(input, init);
    };
    const json = Response.prototype.json;
    Response.prototype.json = function read() {
      const path = new URL(this.url).pathname;
      return json.call(this).then((value) => {
        tasks.port2.postMessage(path);
        return value;
      });
    };
  });
}

test('a slow answer for the consultation left meanwhile does not replace the open one', { timeout: 90_000 },
  async () => {
    const api = await stack.loggedIn('yamagata', 'counsellor2');
    const first = await new_consultation(stack, api, '最初に開いた相談の本文です');
    const second = await new_consultation(stack, api, 'あとから開いた相談の本文です');
    const { page, problems } = await open_page(browser);
    await record_fetches(page);
    await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'));

    // The first consultation's detail is held until the second one is shown.
    const first_path = `/api/v1/consultations/${first.id}`;
    let asked_first;
    const first_asked = new Promise((resolve) => {
      asked_first = resolve;
    });
    let release_first;
    const released = new Promise((resolve) => {
      release_first = resolve;
    });
    await page.route((url) => url.pathname === first_path, async (route) => {
      asked_first();
      await released;
      await route.continue();
    });

    await page.evaluate((id) => {
      location.hash = `#/c/${id}`;
    }, first.id);
    await first_asked;
    await page.evaluate((id) => {
      location.hash = `#/c/${id}`;
    }, second.id);
    const transcript = page.locator('.transcript');
    await transcript.locator('.message.theirs .body', { hasText: 'あとから開いた相談の本文です' }).waitFor();

    release_first();
    await page.waitForFunction((path) => window.test_read.includes(path), first_path, { polling: 50 });
    assert.equal(await transcript.getByText('あとから開いた相談の本文です').count(), 1);
    assert.equal(await transcript.getByText('最初に開いた相談の本文です').count(), 0);
    assert.equal(new URL(page.url()).hash, `#/c/${second.id}`);

    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.dialogs, []);
    await page.context().close();
  });

test('two clicks on メモを追加 in one go send one request', { timeout: 90_000 }, async () => {
  const api = await stack.loggedIn('yamagata', 'counsellor2');
  const { id } = await new_consultation(stack, api, 'メモを一度だけ残します');
  const { page, problems } = await open_page(browser);
  await record_fetches(page);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${id}`);
  await page.locator('#chat-title').waitFor();

  await page.locator('#note-text').fill('一度だけ送るメモ');
  // Both clicks run before the page renders again, so the button is still enabled for the second.
  await page.getByRole('button', { name: 'メモを追加' }).evaluate((button) => {
    button.click();
    button.click();
  });
  await page.locator('.note-list .note-text', { hasText: '一度だけ送るメモ' }).waitFor();

  const posts = await page.evaluate(() => window.test_fetched.filter((f) => f.endsWith('/notes')));
  assert.deepEqual(posts, [`POST /api/v1/consultations/${id}/notes`]);
  const notes = (await api.get(`/api/v1/consultations/${id}`)).json.notes;
  assert.deepEqual(notes.map((n) => n.text), ['一度だけ送るメモ']);

  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await page.context().close();
});

test('a refetch pending at logout is never sent', { timeout: 90_000 }, async () => {
  const api = await stack.loggedIn('yamagata', 'counsellor2');
  const { id } = await new_consultation(stack, api, 'ログアウトの直前に担当します');
  const { page, problems } = await open_page(browser);
  await record_fetches(page);
  // The page's timers are the test's: time runs as usual until it is paused below.
  await page.clock.install();
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'), `#/c/${id}`);
  await page.locator('#chat-title').waitFor();
  await page.locator('.note-list, .notes .empty').first().waitFor();

  await page.clock.pauseAt(Date.now() + 1000);
  // 担当する schedules a refetch of the row and the consultation; its timer cannot fire while paused.
  // The button is enabled again once the action is over, the refetch scheduled.
  const claim = page.locator('.chat-actions').getByRole('button', { name: '担当する' });
  await claim.click();
  await page.waitForFunction((path) => window.test_read.includes(path), `/api/v1/consultations/${id}/claim`,
                          { polling: 50 });
  assert.equal(await claim.isEnabled(), true);

  await page.getByRole('button', { name: 'ログアウト' }).click();
  await page.getByText('ログアウトしました。').waitFor();
  const before = await page.evaluate(() => window.test_fetched.length);
  await page.clock.runFor(5000);
  const after = await page.evaluate((from) => window.test_fetched.slice(from), before);
  assert.deepEqual(after, []);
  await page.getByText('ログアウトしました。').waitFor();

  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await page.context().close();
});
