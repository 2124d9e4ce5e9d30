// The reports page's default range without a browser: the fiscal year starts on April 1 (January–March
// belong to the previous year's), today is Japan's date whatever the machine's zone, and the hash keeps
// a range (a malformed one falls back to the default).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  default_range, fiscal_year_start, is_reports_hash, local_today, range_from_hash, reports_hash,
} from '../../gateway/console/src/report_dates.js';

test('the fiscal year starts on April 1', () => {
  assert.equal(fiscal_year_start('2026-04-01'), '2026-04-01');
  assert.equal(fiscal_year_start('2026-11-25'), '2026-04-01');
  assert.equal(fiscal_year_start('2027-03-31'), '2026-04-01');
  assert.equal(fiscal_year_start('2027-01-01'), '2026-04-01');
});

test("today is Japan's date", () => {
  // 2027-03-31T15:30Z is already April 1 in Tokyo: a new fiscal year.
  const instant = new Date('2027-03-31T15:30:00Z');
  assert.equal(local_today(instant), '2027-04-01');
  assert.deepEqual(default_range(instant), { from: '2027-04-01', to: '2027-04-01' });
  assert.deepEqual(default_range(new Date('2027-03-31T14:59:00Z')), { from: '2026-04-01', to: '2027-03-31' });
});

test('the hash keeps the range', () => {
  const range = { from: '2025-04-01', to: '2026-03-31' };
  const hash = reports_hash(range);
  assert.ok(is_reports_hash(hash));
  assert.ok(is_reports_hash('#/reports'));
  assert.ok(!is_reports_hash('#/reports-x') && !is_reports_hash('#/c/1'));
  assert.deepEqual(range_from_hash(hash), range);
  assert.deepEqual(range_from_hash('#/reports?from=2025-4-1&to=x'), default_range());
  assert.deepEqual(range_from_hash('#/reports'), default_range());
});
