// Regenerates jp_holidays.csv from the npm package @holiday-jp/holiday_jp (pinned in
// tests/holidays/package.json):  cd tests/holidays && npm ci && node ../../routing/data/generate-holidays.js > ../../routing/data/jp_holidays.csv
// The package's holiday table is keyed by local date, so no time zone enters the conversion.
'use strict';
const path = require('path');
const base = path.dirname(require.resolve('@holiday-jp/holiday_jp/package.json'));
const holidays = require(path.join(base, 'lib', 'holidays.js'));
const table = holidays.holidays || holidays.default || holidays;
const rows = Object.keys(table)
  .filter((d) => d >= '1970-01-01' && d <= '2050-12-31')
  .sort()
  .map((d) => `${d},${table[d].name},${table[d].name_en}`);
process.stdout.write('date,name,name_en\n' + rows.join('\n') + '\n');
