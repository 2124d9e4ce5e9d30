// 集計 in a real browser. A known little history is made through the webhook and the console
// API (three residents; categories, age bands, one answer) and a tracked link is clicked (GET
// /l/web-ads). The analyst lands on 集計 with this fiscal year up to today; the tables show the expected
// figures and exactly what GET /reports/summary answers; each chart is a chart.js instance drawn on its
// canvas with the numbers of its table; the CSV link downloads a file that starts with the UTF-8 BOM;
// a bad range shows the server's sentence. An admin lands there too, a supervisor reaches it from the
// header and goes back, and a counsellor gets no 集計 link (nor the page through its address).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack } from '../support/harness/index.mjs';
import { launch_browser, log_in, new_consultation, open_page, screenshot_dir } from './support.mjs';
import { default_range } from '../../gateway/console/src/report_dates.js';

let stack;
let browser;
let summary;  // the API's answer for the default range, once the history is loaded


const count_text = (n) => new Intl.NumberFormat('ja-JP').format(n);

// A table found by (part of) its caption, as {row header: [cell texts]} over tbody and tfoot.
async function table_rows(page, caption) {
  const table = page.locator('table.report-table').filter({ has: page.locator('caption', { hasText: caption }) });
  return table.evaluate((t) => Object.fromEntries([...t.querySelectorAll('tbody tr, tfoot tr')].map((tr) => [
    tr.querySelector('th').textContent.trim(),
    [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()),
  ])));
}

// What chart.js holds for each canvas of the page, and whether anything is drawn on it.
function charts(page) {
  return page.evaluate(async () => {
    const { Chart } = await import('/console/vendor/chart.module.js');
    return Object.fromEntries([...document.querySelectorAll('canvas[data-chart]')].map((canvas) => {
      const chart = Chart.getChart(canvas);
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = false;
      for (let i = 3; i < pixels.length && !drawn; i += 4) {
        drawn = pixels[i] !== 0;
      }
      return [canvas.dataset.chart, chart
        ? { type: chart.config.type, labels: chart.data.labels, values: chart.data.datasets[0].data, drawn }
        : null];
    }));
  });
}

before(async () => {
  stack = await startStack({ instances: 1 });
  browser = await launch_browser();

  // The history: A (家族関係 + 仕事・就労関係, 20代, answered), B (家族関係, 10代), C (no tags).
  const api = await stack.loggedIn('yamagata', 'counsellor');
  const tags = [
    { categories: ['家族関係', '仕事・就労関係'], age_band: '20代' },
    { categories: ['家族関係'], age_band: '10代' },
    null,
  ];
  for (const [i, tag] of tags.entries()) {
    const { id } = await new_consultation(stack, api, `集計のテスト ${i}`);
    assert.equal((await api.post(`/api/v1/consultations/${id}/claim`, {})).status, 200);
    if (tag) {
      assert.equal((await api.put(`/api/v1/consultations/${id}/tags`, tag)).status, 200);
    }
    if (i === 0) {
      assert.equal((await api.post(`/api/v1/consultations/${id}/messages`, { text: 'お話を聞かせてください。' })).status, 201);
    }
  }

  // A tracked link: counted, then sent on to the channel's add-friend URL.
  const click = await fetch(`${stack.baseUrl}/l/web-ads`, { redirect: 'manual' });
  assert.equal(click.status, 302);
  assert.match(click.headers.get('location') ?? '', /^https:\/\/line\.me\//);

  const analyst = await stack.loggedIn('yamagata', 'analyst');
  const answer = await analyst.get(`/api/v1/reports/summary?${new URLSearchParams(default_range())}`);
  assert.equal(answer.status, 200, answer.text);
  summary = answer.json;
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('the analyst lands on 集計: the tables, the charts and the CSV', { timeout: 90_000 }, async () => {
  // The API's figures are the known history (what the page must show).
  assert.equal(summary.consultations, 3);
  assert.equal(summary.consulters, 3);
  assert.equal(summary.new_consulters, 3);
  const by_label = (rows) => Object.fromEntries(rows.map((r) => [r.label, r.count]));
  assert.equal(by_label(summary.consultations_by_category)['家族関係'], 2);
  assert.equal(by_label(summary.consultations_by_category)['仕事・就労関係'], 1);
  assert.equal(summary.consultations_without_category, 1);
  assert.deepEqual([by_label(summary.consulters_by_age_band)['10代'], by_label(summary.consulters_by_age_band)['20代'],
    by_label(summary.consulters_by_age_band)['']], [1, 1, 1]);
  assert.equal(summary.link_clicks.find((l) => l.code === 'web-ads').clicks, 1);

  const { page, problems } = await open_page(browser);
  await log_in(page, stack.baseUrl, stack.user('yamagata', 'analyst'));
  const range = default_range();
  assert.equal(await page.getByLabel('開始日').inputValue(), range.from);
  assert.equal(await page.getByLabel('終了日').inputValue(), range.to);
  await page.locator('canvas[data-chart="links"]').waitFor();
  assert.equal(await page.getByRole('link', { name: '集計' }).getAttribute('aria-current'), 'page');

  // The tables: the known figures, and every figure of the API's answer.
  const people = await table_rows(page, '相談者数と相談件数');
  assert.deepEqual(people['相談者数（実人数）'], ['3']);
  assert.deepEqual(people['相談件数'], ['3']);
  assert.deepEqual(people['うち新規相談者'], ['3']);
  assert.deepEqual(people['うち継続相談者（期間前にも相談あり）'], ['0']);
  assert.deepEqual(people['緊急（危険あり）の相談'], [count_text(summary.urgent)]);
  const messages = await table_rows(page, 'メッセージ数');
  assert.deepEqual(messages['受信（相談者から）'], [count_text(summary.messages_in)]);
  assert.deepEqual(messages['送信（自動応答を含む）'], [count_text(summary.messages_out)]);
  const arrival = await table_rows(page, '開設時間内・時間外');
  assert.deepEqual([arrival['開設時間内'], arrival['開設時間外'], arrival['区分なし']],
    [[count_text(summary.arrivals_staffed)], [count_text(summary.arrivals_off_hours)], [count_text(summary.arrivals_unknown)]]);

  const ages = await table_rows(page, '年代別相談者数');
  for (const row of summary.consulters_by_age_band) {
    assert.deepEqual(ages[row.label === '' ? '不明' : row.label], [count_text(row.count)], `age band ${row.label}`);
  }
  assert.deepEqual(ages['不明'], ['1']);
  assert.deepEqual(ages['合計'], ['3']);

  const categories = await table_rows(page, '相談内容別件数');
  for (const row of summary.consultations_by_category) {
    assert.deepEqual(categories[row.label], [count_text(row.count)], `category ${row.label}`);
  }
  assert.deepEqual(categories['家族関係'], ['2']);
  assert.deepEqual(categories['分類なし'], ['1']);
  await page.getByText('複数選択のため合計は件数を超えます').waitFor();

  const heat = await table_rows(page, '曜日・時間帯別の相談件数');
  ['日', '月', '火', '水', '木', '金', '土'].forEach((day, d) => {
    assert.deepEqual(heat[day].slice(0, 24), summary.arrivals_by_weekday_hour[d].map(count_text), `weekday ${day}`);
  });
  assert.equal(heat['合計'][24], '3');
  const busiest = await page.locator('table.heatmap td.heat-5').count();
  assert.ok(busiest >= 1, 'the busiest hour is shaded darkest');

  const waiting = await table_rows(page, '応答の有無');
  assert.deepEqual(waiting['応答済み'], [count_text(summary.waiting.answered)]);
  assert.equal(summary.waiting.answered, 1);
  const waits = await table_rows(page, '初回応答までの待ち時間');
  assert.equal(waits['時計時間'].length, 2);

  const consents = await table_rows(page, '本人同意の状況');
  assert.deepEqual(consents['依頼'], [count_text(summary.consents.requested)]);
  const stages = await table_rows(page, '紹介の状況');
  assert.deepEqual(stages['紹介件数'], [count_text(summary.referrals.total)]);

  const links = await table_rows(page, 'リンク別アクセス数');
  for (const link of summary.link_clicks) {
    assert.deepEqual(links[link.label || link.code], [link.code, count_text(link.clicks)], `link ${link.code}`);
  }
  assert.deepEqual(links['Web広告'], ['web-ads', '1']);

  // Accessible tables: a caption each, column and row headers scoped.
  const unscoped = await page.locator('table.report-table th:not([scope])').count();
  assert.equal(unscoped, 0);
  const uncaptioned = await page.locator('table.report-table:not(:has(caption))').count();
  assert.equal(uncaptioned, 0);

  // The charts: chart.js instances, drawn, mirroring their tables.
  const drawn = await charts(page);
  assert.deepEqual(Object.keys(drawn).sort(), ['age_band', 'category', 'hour', 'links']);
  for (const [name, chart] of Object.entries(drawn)) {
    assert.ok(chart, `${name}: a chart.js instance`);
    assert.ok(chart.drawn, `${name}: something is drawn on the canvas`);
  }
  assert.deepEqual(drawn.category.values, summary.consultations_by_category.map((r) => r.count));
  assert.deepEqual(drawn.age_band.labels, summary.consulters_by_age_band.map((r) => (r.label === '' ? '不明' : r.label)));
  assert.deepEqual(drawn.links.values, summary.link_clicks.map((l) => l.clicks));
  assert.deepEqual(drawn.hour.values, Array.from({ length: 24 },
    (_, h) => summary.arrivals_by_weekday_hour.reduce((sum, day) => sum + day[h], 0)));

  // The CSV download: the contract's file name, UTF-8 with a BOM.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'CSVダウンロード' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `yorisoi-yamagata-${range.from}-${range.to}.csv`);
  const bytes = readFileSync(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  assert.ok(bytes.includes(Buffer.from('\r\n')), 'CRLF line ends');

  const shots = screenshot_dir();
  await page.setViewportSize({ width: 1280, height: 2800 });
  await page.screenshot({ path: join(shots, 'reports.png'), fullPage: true });
  console.log(`# screenshot of 集計: ${join(shots, 'reports.png')}`);
  await page.setViewportSize({ width: 1280, height: 800 });

  // A range that ends before it starts: the server's sentence, no stale figures.
  await page.getByLabel('開始日').fill(range.to);
  await page.getByLabel('終了日').fill('2000-01-01');
  await page.getByRole('button', { name: '表示' }).click();
  await page.getByRole('alert').waitFor();
  assert.equal(await page.locator('table.report-table').count(), 0);

  assert.deepEqual(problems, { errors: [], dialogs: [] });
  await page.context().close();
});

test('an admin lands on 集計; a supervisor reaches it from the header; a counsellor has no 集計',
  { timeout: 60_000 }, async () => {
    const admin = await open_page(browser);
    await log_in(admin.page, stack.baseUrl, stack.user('yamagata', 'admin'));
    await admin.page.locator('canvas[data-chart="category"]').waitFor();
    await admin.context.close();

    const boss = await open_page(browser);
    await log_in(boss.page, stack.baseUrl, stack.user('yamagata', 'supervisor'));
    await boss.page.getByRole('link', { name: '集計' }).click();
    await boss.page.getByRole('heading', { name: '集計', level: 1 }).waitFor();
    const people = await table_rows(boss.page, '相談者数と相談件数');
    assert.deepEqual(people['相談件数'], ['3']);
    await boss.page.getByRole('link', { name: '相談一覧' }).click();
    await boss.page.getByRole('tab', { name: /待機中/ }).waitFor();
    assert.deepEqual(boss.problems, { errors: [], dialogs: [] });
    await boss.context.close();

    const counsellor = await open_page(browser);
    await log_in(counsellor.page, stack.baseUrl, stack.user('yamagata', 'counsellor'));
    assert.equal(await counsellor.page.getByRole('link', { name: '集計' }).count(), 0);
    // A counsellor's places: the queue, the search and the account; no 集計.
    assert.deepEqual(await counsellor.page.getByRole('navigation').getByRole('link').allTextContents(), ['相談一覧', '検索', 'アカウント']);
    // Not through its address either: the counsellor stays in the queue.
    await counsellor.page.evaluate(() => { location.hash = '#/reports'; });
    await counsellor.page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    assert.equal(await counsellor.page.getByRole('heading', { name: '集計' }).count(), 0);
    await counsellor.page.getByRole('tab', { name: /待機中/ }).waitFor();
    assert.deepEqual(counsellor.problems, { errors: [], dialogs: [] });
    await counsellor.context.close();
  });
