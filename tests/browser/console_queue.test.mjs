// The queue for triage in a real browser: a colleague's consultation offers no 終了 / 解除 / 再開 to a
// counsellor, 終了する asks in the page first; rows show the preview and the unread count, which clears
// once the consultation is opened; with 30 waiting the list shows a page and もっと見る loads the rest;
// live events patch single rows (only GET /queue/{id} and the counts, never the list again); 時間外 only
// where the list mixes staffed and off-hours arrivals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../support/harness/index.mjs';
import { log_in, new_consultation, open_page, use_stack_and_browser } from './support.mjs';

let stack;
let browser;

use_stack_and_browser({ instances: 1 }, (s, b) => {
  stack = s;
  browser = b;
});

const row_of = (page, id) => page.locator(`.queue-row[data-consultation-id="${id}"]`);

// Every API request the page makes, by path and query.
function record_requests(page) {
  const seen = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) {
      seen.push(`${request.method()} ${url.pathname}${url.search}`);
    }
  });
  return seen;
}

test('a colleague\'s consultation offers no 終了・解除・再開; 終了する asks first', { timeout: 90_000 }, async () => {
  const holder = await stack.loggedIn('yamagata', 'counsellor');
  const { id } = await new_consultation(stack, holder, '同僚の相談です');
  assert.equal((await holder.post(`/api/v1/consultations/${id}/claim`, {})).status, 200);

  const { page, problems } = await open_page(browser);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor2'), `#/c/${id}`);
  await page.locator('.chat-sub', { hasText: `担当：${stack.user('yamagata', 'counsellor').name}` }).waitFor();
  const actions = page.locator('.chat-actions');
  for (const name of ['終了する', '担当を外す', '担当する', '再開する']) {
    assert.equal(await actions.getByRole('button', { name }).count(), 0, `no ${name}`);
  }
  // Closed by its holder, it shows as closed, still with no 再開する for the colleague.
  assert.equal((await holder.post(`/api/v1/consultations/${id}/close`, {})).status, 200);
  await page.locator('.state-tag.closed').waitFor();
  assert.equal(await actions.getByRole('button', { name: '再開する' }).count(), 0);

  // An unassigned one: 終了する asks in the page; キャンセル keeps it open, はい closes it.
  const free = await new_consultation(stack, holder, 'まだ誰も担当していません');
  await page.goto(`${stack.baseUrl}/console/#/c/${free.id}`);
  await page.locator('#chat-title').waitFor();
  await actions.getByRole('button', { name: '終了する' }).click();
  await page.getByText('この相談を終了しますか？').waitFor();
  await page.getByRole('button', { name: 'キャンセル' }).click();
  assert.equal((await holder.get(`/api/v1/consultations/${free.id}`)).json.state, 'waiting');
  await actions.getByRole('button', { name: '終了する' }).click();
  await page.getByRole('button', { name: 'はい、終了する' }).click();
  await page.locator('.state-tag.closed').waitFor();
  assert.equal((await holder.get(`/api/v1/consultations/${free.id}`)).json.state, 'closed');

  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await page.context().close();
});

test('a row shows the preview and the unread count, cleared by opening it', { timeout: 90_000 }, async () => {
  // Another counsellor's client: the page's reader is the one whose count clears.
  const api = await stack.loggedIn('yamagata', 'counsellor2');
  const { page, problems } = await open_page(browser);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'));
  const { id, userId } = await new_consultation(stack, api, '最初のメッセージです');
  await stack.residentWrites('yamagata', '眠れない夜が続いています', userId);
  const row = row_of(page, id);
  await row.locator('.preview', { hasText: '眠れない夜が続いています' }).waitFor({ timeout: 10_000 });
  await row.locator('.unread-badge', { hasText: '2' }).waitFor({ timeout: 10_000 });

  await row.click();
  await page.locator('.message.theirs .body', { hasText: '眠れない夜が続いています' }).waitFor();
  await row.locator('.unread-badge').waitFor({ state: 'detached' });
  assert.equal((await api.get(`/api/v1/queue/${id}`)).json.unread_count, 2, 'another reader still has them unread');

  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await page.context().close();
  // Leave the queue to the next test.
  const boss = await stack.loggedIn('yamagata', 'supervisor');
  for (const item of (await boss.get('/api/v1/queue?limit=200')).json.items) {
    assert.equal((await boss.post(`/api/v1/consultations/${item.consultation_id}/close`, {})).status, 200);
  }
});

test('30 waiting: a page, もっと見る, then live rows by delta only', { timeout: 120_000 }, async () => {
  const api = await stack.loggedIn('yamagata', 'counsellor');
  const residents = [];
  for (let i = 0; i < 30; ++i) {
    residents.push((await stack.residentWrites('yamagata', `待っています ${i}`)).userId);
  }
  await waitFor(async () => (await api.get('/api/v1/queue/counts')).json.waiting === 30, 20_000);

  const { page, problems } = await open_page(browser);
  const requests = record_requests(page);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'counsellor'));
  await page.getByRole('tab', { name: /待機中\s*30/ }).waitFor();
  const rows = page.locator('.queue-row');
  await waitFor(async () => (await rows.count()) === 20, 10_000);
  await page.getByRole('button', { name: 'もっと見る' }).click();
  await waitFor(async () => (await rows.count()) === 30, 10_000);
  assert.equal(await page.getByRole('button', { name: 'もっと見る' }).count(), 0, 'the last page');
  const listed = await rows.evaluateAll((links) => links.map((a) => a.dataset.consultationId));
  assert.equal(new Set(listed).size, 30);
  // Every arrival is staffed: 時間外 would distinguish nothing.
  assert.equal(await page.locator('.queue-row .badge', { hasText: '時間外' }).count(), 0);

  // A resident in the list writes again: their row changes by one small request.
  const known = (await api.get('/api/v1/queue?limit=200')).json.items;
  const target = known[5];
  const userId = residents[Number(target.preview.split(' ')[1])];
  const mark = requests.length;
  await stack.residentWrites('yamagata', 'もう一度書きます', userId);
  await row_of(page, target.consultation_id).locator('.preview', { hasText: 'もう一度書きます' }).waitFor({ timeout: 10_000 });
  await row_of(page, target.consultation_id).locator('.unread-badge', { hasText: '2' }).waitFor();

  // A new resident: the row joins the list by the same path.
  const newcomer = await stack.residentWrites('yamagata', '初めて相談します');
  await page.locator('.queue-row .preview', { hasText: '初めて相談します' }).waitFor({ timeout: 10_000 });
  await page.getByRole('tab', { name: /待機中\s*31/ }).waitFor();
  assert.equal(await rows.count(), 31);
  assert.ok(newcomer.userId);

  // An off-hours arrival among staffed ones: now 時間外 tells them apart, on that row only.
  // (The arrival is set once by the routing rules; here by hand, announced as the rules' change would be.)
  await stack.sql(`UPDATE consultation SET arrival = 'off_hours' WHERE consultation_id = '${target.consultation_id}'`);
  await stack.sql(`SELECT console_event_emit('yamagata', 'queue', '${target.consultation_id}'::uuid, NULL)`);
  await row_of(page, target.consultation_id).locator('.badge', { hasText: '時間外' }).waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('.queue-row .badge', { hasText: '時間外' }).count(), 1);

  const after_events = requests.slice(mark);
  const list_reads = after_events.filter((r) => /^GET \/api\/v1\/queue(\?|$)/.test(r));
  assert.deepEqual(list_reads, [], `no list refetch after live events: ${after_events.join(', ')}`);
  assert.ok(after_events.includes(`GET /api/v1/queue/${target.consultation_id}`), after_events.join(', '));
  assert.ok(after_events.includes('GET /api/v1/queue/counts'));

  assert.deepEqual(problems.errors, []);
  assert.deepEqual(problems.dialogs, []);
  await page.context().close();
});
