// The console's one vocabulary and its dates, without a browser: a date carries its year when it is
// not this year's (Japan time, whatever the machine's zone), the next staffed window reads
// 「12/8(火) 18:00」, an officer is labelled by the kind of their unit, and a referral's stage has the
// same words in the console (format.js) as in the city's CSV (routing/src/report_csv.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  format_date_time, format_time, format_window_start, referral_stage_labels, role_label,
} from '../../gateway/console/src/format.js';

const now = Date.parse('2026-12-07T10:00:00Z');  // Monday 7 December 2026, 19:00 in Japan

test('a date carries its year only when it is not this year', () => {
  assert.equal(format_time('2026-12-07T09:05:00Z', now), '18:05');
  assert.equal(format_time('2026-11-24T05:05:00Z', now), '11/24 14:05');
  assert.equal(format_time('2025-11-24T05:05:00Z', now), '2025/11/24 14:05');
  assert.equal(format_date_time('2026-12-07T09:05:00Z', now), '12/7 18:05');
  assert.equal(format_date_time('2025-12-31T14:59:00Z', now), '2025/12/31 23:59');
  // 2026-12-31T15:30Z is already 2027 in Japan.
  assert.equal(format_date_time('2026-12-31T15:30:00Z', now), '2027/1/1 00:30');
  assert.equal(format_time('', now), '');
  assert.equal(format_date_time('not a date', now), '');
});

test('the next staffed window reads with its weekday', () => {
  assert.equal(format_window_start('2026-12-08T09:00:00Z', now), '12/8(火) 18:00');
  assert.equal(format_window_start('2027-01-04T09:30:00Z', now), '2027/1/4(月) 18:30');
  assert.equal(format_window_start(null, now), '');
});

test('an officer is labelled by the kind of their unit', () => {
  const units = [{ id: 'hub', kind: 'hub' }, { id: 'dept', kind: 'department' }, { id: 'npo', kind: 'platform_group' }];
  assert.equal(role_label({ role: 'officer', org_unit: 'npo' }, units), '連携団体');
  assert.equal(role_label({ role: 'officer', org_unit: 'dept' }, units), '関係課');
  assert.equal(role_label({ role: 'officer', org_unit: 'hub' }, units), 'とりまとめ課');
  assert.equal(role_label({ role: 'officer', org_unit: 'npo' }), '紹介先職員');
  assert.equal(role_label({ role: 'supervisor' }, units), 'スーパーバイザー');
});

test("a referral's stage has the same words in the console and in the CSV", () => {
  const csv = readFileSync(new URL('../../routing/src/report_csv.cpp', import.meta.url), 'utf8');
  const pairs = [...csv.matchAll(/if \(stage == "(\w+)"\) \{\s*return "([^"]+)";/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(Object.fromEntries(pairs), referral_stage_labels);
  assert.equal(Object.keys(referral_stage_labels).length, 8);
});
