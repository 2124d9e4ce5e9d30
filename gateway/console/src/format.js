// Labels and time formats of the UI, in one place. Times are shown in Japan time whatever the
// browser's zone, because the service and its staffed hours are Japanese.

const time_zone = 'Asia/Tokyo';
const clock = new Intl.DateTimeFormat('ja-JP', { timeZone: time_zone, hour: '2-digit', minute: '2-digit' });
const day_and_clock = new Intl.DateTimeFormat('ja-JP', {
  timeZone: time_zone, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit',
});
const day_key = new Intl.DateTimeFormat('en-CA', { timeZone: time_zone });

export const role_labels = {
  admin: '管理者',
  supervisor: 'スーパーバイザー',
  counsellor: '相談員',
  officer: '担当課',
  analyst: '分析担当',
};

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

// "14:05" today, "11/24 14:05" another day.
export function format_time(iso, now = Date.now()) {
  if (!iso) {
    return '';
  }
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) {
    return '';
  }
  const same_day = day_key.format(at) === day_key.format(new Date(now));
  return same_day ? clock.format(at) : day_and_clock.format(at);
}

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

// Referrals (referral_api.md). The counsellors' words for a referral's stage.
export const referral_stage_labels = {
  proposed: '作成済み',
  awaiting_consent: '同意確認中',
  at_hub: '受付（とりまとめ課）',
  forwarded: '関係課で対応中',
  answered: '回答そろい',
  returned: '回答あり',
  closed: '終了',
  cancelled: '取り消し',
};

// The same stages as an officer reads them in the inbox.
export const officer_stage_labels = {
  at_hub: '新着（未転送）',
  forwarded: '回答待ち',
  answered: '回答そろい',
  returned: '返却済み',
  closed: '完了',
  cancelled: '取り消し',
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

export const unit_kind_labels = { hub: 'とりまとめ課', department: '関係課', platform_group: 'プラットフォーム' };

// The one legal basis an emergency referral may rest on, as the API names it and in words.
export const emergency_basis = {
  code: 'appi_27_1_2',
  title: '個人情報保護法第27条第1項第2号',
  words: '人の生命、身体又は財産の保護のために必要がある場合であって、本人の同意を得ることが困難であるとき',
};

// "11/24 14:05" always (a referral's date matters even today).
export function format_date_time(iso) {
  if (!iso) {
    return '';
  }
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : day_and_clock.format(at);
}

// A unit id as its name, from the tenant's org_units (the id itself when unknown).
export function unit_name(units, id) {
  return units?.find((u) => u.id === id)?.name ?? id;
}
