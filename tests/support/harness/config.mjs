// The test configuration: the Yamagata example's tenant plus a small second tenant "tendo", with test
// server settings and generated secrets. By default every hour of every day is staffed, so a resident's
// message queues as 'staffed' whatever the clock says.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const exampleConfig = `${repoRoot}config/examples/yamagata.toml`;

const allDays = '["sun", "mon", "tue", "wed", "thu", "fri", "sat"]';

// Secrets for one stack; the names are the environment variables the config points at.
export function generateSecrets() {
  return {
    YAMAGATA_LINE_CHANNEL_SECRET: randomBytes(16).toString('hex'),
    YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN: randomBytes(36).toString('base64'),
    TENDO_LINE_CHANNEL_SECRET: randomBytes(16).toString('hex'),
    TENDO_LINE_CHANNEL_ACCESS_TOKEN: randomBytes(36).toString('base64'),
    APITEST_ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}`,
    APITEST_PSEUDONYM_PEPPER: randomBytes(32).toString('base64'),
    YAMAGATA_ALERT_SECRET: randomBytes(24).toString('hex'),
  };
}

// The channels as the fake LINE platform's --channel arguments want them.
export function fakeChannelArgs(secrets) {
  return [
    '--channel', `yamagata:${secrets.YAMAGATA_LINE_CHANNEL_SECRET}:${secrets.YAMAGATA_LINE_CHANNEL_ACCESS_TOKEN}`,
    '--channel', `tendo:${secrets.TENDO_LINE_CHANNEL_SECRET}:${secrets.TENDO_LINE_CHANNEL_ACCESS_TOKEN}`,
  ];
}

// Local dates (Asia/Tokyo) of yesterday, today and tomorrow: closing them makes "now" off-hours
// whatever the UTC date of the machine.
function closedAroundNow() {
  const day = 24 * 3600 * 1000;
  const tokyoNow = Date.now() + 9 * 3600 * 1000;
  return [-1, 0, 1].map((k) => `"${new Date(tokyoNow + k * day).toISOString().slice(0, 10)}"`).join(', ');
}

// Replaces the [tenant.schedule] table's body with the test's schedule ('example' keeps Yamagata's own
// and staffs tendo always).
function scheduleToml(staffed) {
  if (staffed === 'never') {
    return `windows = [{ days = ${allDays}, start = "09:00", end = "10:00" }]\n` +
      `national_holidays = false\nclosed_every_year = []\nclosed_dates = [${closedAroundNow()}]\n`;
  }
  return `windows = [{ days = ${allDays}, start = "00:00", end = "24:00" }]\n` +
    'national_holidays = false\nclosed_every_year = []\nclosed_dates = []\n';
}

// yamagata's [tenant.alert] for the `alert` option ({url, on?}); the key is YAMAGATA_ALERT_SECRET.
function alertToml(alert) {
  if (!alert) {
    return '';
  }
  return `
[tenant.alert]
url = "${alert.url}"
secret_env = "YAMAGATA_ALERT_SECRET"
on = "${alert.on ?? 'urgent'}"
console_base_url = "${alert.consoleBaseUrl ?? 'http://127.0.0.1:8080'}"
`;
}

// A channel's read_marks line for the `readMarks` option ({yamagata?, tendo?}: "on_open" | "never").
function readMarksToml(readMarks, channel) {
  return readMarks[channel] ? `read_marks = "${readMarks[channel]}"\n` : '';
}

function yamagataTenant(staffed, readMarks = {}) {
  const example = readFileSync(exampleConfig, 'utf8');
  const start = example.indexOf('\n[[tenant]]');
  if (start < 0) {
    throw new Error(`no [[tenant]] in ${exampleConfig}`);
  }
  const friend = 'add_friend_url = "https://line.me/R/ti/p/@yorisoi-yamagata"\n';
  const tenant = example.slice(start + 1).replace(friend, friend + readMarksToml(readMarks, 'yamagata'));
  if (staffed === 'example') {
    return tenant;
  }
  // The schedule table runs from its header to the next table header.
  const replaced = tenant.replace(/\[tenant\.schedule\]\n[\s\S]*?(?=\n\[)/,
    `[tenant.schedule]\n${scheduleToml(staffed)}`);
  if (replaced === tenant) {
    throw new Error(`no [tenant.schedule] in ${exampleConfig}`);
  }
  return replaced;
}

function tendoTenant(staffed, tendoKeys = '', readMarks = {}) {
  return `
[[tenant]]
id = "tendo"
name = "天童市"
time_zone = "Asia/Tokyo"
categories = ["家族関係", "仕事・就労関係", "孤独・孤立"]
age_bands = ["10代", "20代", "30代以上"]
risk_keywords = ["死にたい"]
${tendoKeys}
[[tenant.channel]]
key = "tendo"
name = "てんどう相談チャット"
secret_env = "TENDO_LINE_CHANNEL_SECRET"
access_token_env = "TENDO_LINE_CHANNEL_ACCESS_TOKEN"
add_friend_url = "https://line.me/R/ti/p/@yorisoi-tendo"
${readMarksToml(readMarks, 'tendo')}
[tenant.schedule]
${scheduleToml(staffed)}
[tenant.messages]
greeting = "友だち追加ありがとうございます。"
off_hours = "ただいま時間外です。{next_window}からお返事します。"
out_of_service = "いまは受け付けていません。{other_contacts}"
crisis = "いますぐ話したいときは 0120-279-338 へ。"
age_question = "よろしければ年代を教えてください。"
other_contacts = "天童市役所"

[[tenant.template]]
id = "hello"
title = "あいさつ"
text = "こんにちは。天童市の相談員です。"

[[tenant.org_unit]]
id = "fukushi"
name = "健康福祉部"
kind = "hub"

[[tenant.org_unit]]
id = "kodomo"
name = "こども課"
kind = "department"

# A label with a comma and quotes (the CSV test checks its quoting).
[[tenant.link]]
code = "tendo-web"
label = '天童市ウェブ, "特集"'
channel = "tendo"
`;
}

// The whole file. `serverExtra` is TOML appended to [server] (e.g. allowed_origins, [server.sessions]
// lines are given by the caller as full text after the [server] keys); `tendoKeys` are keys of the
// tendo [[tenant]] itself (e.g. "queue_preview = false"); `alert` ({url, on?, consoleBaseUrl?}) gives
// yamagata an on-call alert. `plainHttp` (default true) serves plain HTTP on loopback: cookies without
// Secure and no HSTS, as the tests talk to the server without TLS. `acceptStaleEvents` (default true)
// stores events older than the retention period: the tests replay recorded 2023 events. `readMarks`
// ({yamagata?, tendo?}) sets the channels' read_marks.
export function configToml({ databaseUrl, staffed = 'always', serverExtra = '', tendoKeys = '', alert = null,
  plainHttp = true, acceptStaleEvents = true, readMarks = {} }) {
  return `[server]
listen = "127.0.0.1:0"
plain_http_loopback = ${plainHttp ? 'true' : 'false'}
accept_stale_events_for_replay = ${acceptStaleEvents ? 'true' : 'false'}
threads = 2
header_timeout_ms = 5000
body_timeout_ms = 5000
idle_timeout_ms = 10000
shutdown_grace_ms = 3000
${serverExtra}
[database]
url = "${databaseUrl}"
pool_size = 4
ingest_workers = 1

[crypto]
keys_env = "APITEST_ENCRYPTION_KEYS"
pepper_env = "APITEST_PSEUDONYM_PEPPER"

${yamagataTenant(staffed, readMarks)}${alertToml(alert)}
${tendoTenant(staffed, tendoKeys, readMarks)}`;
}
