// Labels and time formats of the UI, in one place: the one vocabulary of stages, hours and units that
// the counsellors' screens, the officers' area and the 集計 page share (the glossary in gateway/console/GUIDE.md; the CSV,
// routing/src/report_csv.cpp, uses the same words). Times are shown in Japan time whatever the
// browser's zone, because the service and its staffed hours are Japanese. A date carries its year when
// it is not this year's (Japan time).

const time_zone = 'Asia/Tokyo';
const clock = new Intl.DateTimeFormat('ja-JP', { timeZone: time_zone, hour: '2-digit', minute: '2-digit' });
const parts_format = new Intl.DateTimeFormat('en-CA', {
  timeZone: time_zone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const day_key = new Intl.DateTimeFormat('en-CA', { timeZone: time_zone });
const weekday_names = { Sun: '日', Mon: '月', Tue: '火', Wed: '水', Thu: '木', Fri: '金', Sat: '土' };

// {year, month, day, weekday, hour, minute} of an instant in Japan time.
function japan_parts(at) {
  const out = {};
  for (const p of parts_format.formatToParts(at)) {
    out[p.type] = p.value;
  }
  return {
    year: Number(out.year), month: Number(out.month), day: Number(out.day), weekday: weekday_names[out.weekday],
    hour: out.hour, minute: out.minute,
  };
}

// "12/8" this year, "2025/12/8" another year; with `weekday`, "12/8(火)".
function date_text(at, now, weekday = false) {
  const p = japan_parts(at);
  const this_year = japan_parts(new Date(now)).year;
  const day = p.year === this_year ? `${p.month}/${p.day}` : `${p.year}/${p.month}/${p.day}`;
  return weekday ? `${day}(${p.weekday})` : day;
}

function date_and_clock(at, now, weekday = false) {
  const p = japan_parts(at);
  return `${date_text(at, now, weekday)} ${p.hour}:${p.minute}`;
}

export const role_labels = {
  admin: '管理者',
  supervisor: 'スーパーバイザー',
  counsellor: '相談員',
  officer: '紹介先職員',
  analyst: '分析担当',
};

// The kinds of org units a referral goes to; an officer is labelled by the kind of their unit.
export const unit_kind_labels = { hub: 'とりまとめ課', department: '関係課', platform_group: '連携団体' };

// What to call a signed-in user's role: an officer by their unit's kind (units: the tenant's org_units,
// when the screen has them).
export function role_label(user, units) {
  if (user.role === 'officer') {
    const kind = units?.find((u) => u.id === user.org_unit)?.kind;
    return unit_kind_labels[kind] ?? role_labels.officer;
  }
  return role_labels[user.role] ?? user.role;
}

export const state_labels = { waiting: '待機中', assigned: '対応中', closed: '終了' };

export const delivery_labels = {
  pending: '送信待ち',
  sending: '送信中',
  sent: '送信済み',
  failed: '失敗',
  cancelled: '送信中止',
};

// What a message without text is, for the kinds LINE sends.
const kind_labels = {
  sticker: 'スタンプ',
  image: '画像',
  video: '動画',
  audio: '音声',
  file: 'ファイル',
  location: '位置情報',
  postback: 'ボタン操作',
};

export function kind_label(kind) {
  return kind_labels[kind] ?? kind;
}

// "14:05" today, "11/24 14:05" another day, "2025/11/24 14:05" another year.
export function format_time(iso, now = Date.now()) {
  if (!iso) {
    return '';
  }
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) {
    return '';
  }
  const same_day = day_key.format(at) === day_key.format(new Date(now));
  return same_day ? clock.format(at) : date_and_clock(at, now);
}

// The start of the next staffed window: "12/8(火) 18:00" ("2027/1/4(月) 18:00" in another year).
export function format_window_start(iso, now = Date.now()) {
  const at = new Date(iso ?? '');
  return Number.isNaN(at.getTime()) ? '' : date_and_clock(at, now, true);
}

// The hours: 開設時間 is when counsellors answer; the rest is 開設時間外.
export const hours_labels = { staffed: '開設時間', off_hours: '開設時間外' };

// "8分", "1時間5分", "1分未満": how long someone has been waiting.
export function format_duration(from_iso, now) {
  const since = new Date(from_iso).getTime();
  if (Number.isNaN(since)) {
    return '';
  }
  const minutes = Math.max(0, Math.floor((now - since) / 60000));
  if (minutes < 1) {
    return '1分未満';
  }
  if (minutes < 60) {
    return `${minutes}分`;
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return minutes % 60 === 0 ? `${hours}時間` : `${hours}時間${minutes % 60}分`;
  }
  return `${Math.floor(hours / 24)}日`;
}

// Referrals: a referral's stage, the same words for counsellors, officers and the
// city's tables.
export const referral_stage_labels = {
  proposed: '提案中',
  awaiting_consent: '同意確認中',
  at_hub: 'とりまとめ課で受付',
  forwarded: '関係先で対応中',
  answered: '回答そろい',
  returned: '回答返却済み',
  closed: '完了',
  cancelled: '取りやめ',
};

export const consent_labels = {
  none: '未依頼',
  requested: '同意待ち',
  granted: '同意あり',
  declined: '同意なし',
  expired: '期限切れ',
  withdrawn: '撤回',
};

export const cancel_cause_labels = {
  consent_declined: '同意が得られませんでした',
  consent_expired: '同意の期限が切れました',
  consent_withdrawn: '同意が撤回されました',
};

// The one legal basis an emergency referral may rest on, as the API names it and in words.
export const emergency_basis = {
  code: 'appi_27_1_2',
  title: '個人情報保護法第27条第1項第2号',
  words: '人の生命、身体又は財産の保護のために必要がある場合であって、本人の同意を得ることが困難であるとき',
};

// "11/24 14:05" always (a referral's date matters even today); "2025/11/24 14:05" in another year.
export function format_date_time(iso, now = Date.now()) {
  if (!iso) {
    return '';
  }
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : date_and_clock(at, now);
}

// A unit id as its name, from the tenant's org_units (the id itself when unknown).
export function unit_name(units, id) {
  return units?.find((u) => u.id === id)?.name ?? id;
}

// Risk levels (低 / 中 / 高 / 緊急) as the console and the reports name them; '' = none.
export const risk_labels = { low: '低', medium: '中', high: '高', critical: '緊急' };
export const risk_label = (level) => risk_labels[level] ?? '未設定';
