// The resident simulator: plays residents writing to yorisoi through the fake LINE platform.
// Everything from residents or yorisoi is put into the page as text nodes, never as HTML.

const page = {
  channels: [],
  residents: new Map(),
  selected: null,
  entries: new Map(), // seq -> conversation entry of the selected resident
  typing_timer: null,
};

const $ = (id) => document.getElementById(id);

// Creates an element; `props` sets properties (className, title, onclick…), children are nodes or text.
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({}));
  return { status: response.status, data };
}

function show_banner(text) {
  const banner = $('banner');
  banner.hidden = !text;
  banner.textContent = text || '';
}

function selected_resident() {
  return page.residents.get(page.selected) || null;
}

// ---- sending as the selected resident ----

async function send_event(fields) {
  const resident = selected_resident();
  if (!resident) {
    return;
  }
  const mode = $('standby').checked ? 'standby' : 'active';
  const { status, data } = await call('POST', '/_fake/webhook',
    { channel: resident.channel, userId: resident.userId, mode, ...fields });
  if (status === 502) {
    show_banner(`yorisoi に接続できません（${data.error}）。yorisoi が起動しているか、` +
      'シミュレーターの --yorisoi の URL が正しいかを確かめてください。');
  } else if (status !== 200) {
    show_banner(`送信できませんでした: ${data.error || status}`);
  } else if (data.status < 200 || data.status > 299) {
    show_banner(`yorisoi が HTTP ${data.status} を返しました（Webhook は受け付けられていません）。`);
  } else {
    show_banner('');
  }
}

function run_action(action) {
  switch (action.type) {
    case 'message':
      send_event({ event: 'message', text: action.text });
      break;
    case 'postback':
      send_event({ event: 'postback', data: action.data, displayText: action.displayText || action.text });
      break;
    case 'datetimepicker': {
      const examples = { date: '2024-04-01', time: '18:30', datetime: '2024-04-01T18:30' };
      const value = window.prompt(`日時を入力（${action.mode}、例: ${examples[action.mode]}）`, action.initial || '');
      if (value) {
        send_event({ event: 'postback', data: action.data, params: { [action.mode]: value } });
      }
      break;
    }
    default:
      break;
  }
}

function action_button(action) {
  const label = action.label || action.text || action.type;
  if (action.type === 'uri' && /^https?:/.test(action.uri || '')) {
    return el('a', { className: 'action', href: action.uri, target: '_blank', rel: 'noopener noreferrer' }, label);
  }
  const usable = ['message', 'postback', 'datetimepicker'].includes(action.type);
  return el('button', {
    type: 'button', className: 'action', disabled: !usable,
    title: usable ? '' : `${action.type} はシミュレーターでは使えません`,
    onclick: () => run_action(action),
  }, label);
}

// ---- rendering ----

function render_template(template) {
  const card = el('div', { className: 'template' });
  const columns = template.type === 'carousel' || template.type === 'image_carousel' ? template.columns || [] : [template];
  for (const column of columns) {
    const box = el('div', { className: 'template-column' });
    if (column.title) {
      box.append(el('strong', {}, column.title));
    }
    if (column.text) {
      box.append(el('p', { className: 'text' }, column.text));
    }
    for (const action of column.actions || (column.action ? [column.action] : [])) {
      box.append(action_button(action));
    }
    card.append(box);
  }
  return card;
}

function render_message(message) {
  switch (message.type) {
    case 'text':
    case 'textV2':
      return el('p', { className: 'text' }, message.text);
    case 'sticker':
      return el('p', { className: 'system' }, `［スタンプ ${message.packageId}/${message.stickerId}］`);
    case 'template':
      return el('div', {}, el('p', { className: 'alt' }, `通知文: ${message.altText}`), render_template(message.template));
    default:
      return el('p', { className: 'system' }, `［${message.type} メッセージ］${message.altText || ''}`);
  }
}

const inbound_texts = {
  follow: '（友だち追加しました）',
  unfollow: '（ブロックしました）',
  unsend: '（メッセージの送信を取り消しました）',
};

function webhook_status(entry) {
  if (entry.pending) {
    return el('span', { className: 'status pending' }, '送信中…');
  }
  if (entry.error) {
    return el('span', { className: 'status bad' }, `yorisoi に届きません: ${entry.error}`);
  }
  const ok = entry.status >= 200 && entry.status < 300;
  return el('span', { className: ok ? 'status ok' : 'status bad' }, `yorisoi HTTP ${entry.status}`);
}

function render_entry(entry) {
  const time = new Date(entry.time).toLocaleTimeString('ja-JP', { hour: '2-digit', minute: '2-digit' });
  if (entry.direction === 'in') {
    let body;
    if (entry.event === 'message') {
      body = el('p', { className: 'text' }, entry.text);
    } else if (entry.event === 'postback') {
      body = el('p', { className: entry.displayText ? 'text' : 'system' }, entry.displayText || `（ボタン: ${entry.data}）`);
    } else {
      body = el('p', { className: 'system' }, inbound_texts[entry.event] || entry.event);
    }
    const read = entry.event === 'message' && entry.seq <= (selected_resident()?.readUpTo || 0);
    const meta = el('div', { className: 'meta' }, read ? el('span', { className: 'read' }, '既読') : null,
      read ? ' ' : null, time, ' ', webhook_status(entry),
      entry.mode === 'standby' ? ' standby' : null, entry.redelivery ? ' 再送' : null);
    if (entry.event === 'message' && entry.messageId) {
      meta.append(' ', el('button', { type: 'button', className: 'link', title: 'unsend イベントを送ります',
        onclick: () => send_event({ event: 'unsend', messageId: entry.messageId }) }, '取り消す'));
    }
    return el('li', { className: 'in' }, el('div', { className: 'bubble' }, body), meta);
  }
  const via = entry.via === 'reply' ? '応答' : 'プッシュ';
  return el('li', { className: 'out' }, el('div', { className: 'bubble' }, render_message(entry.message)),
    el('div', { className: 'meta' }, `${time} ${via}`));
}

function render_conversation() {
  const list = $('messages');
  const entries = [...page.entries.values()].sort((a, b) => a.seq - b.seq);
  list.replaceChildren(...entries.map(render_entry));
  list.scrollTop = list.scrollHeight;
  // As in LINE, quick replies belong to the last message and vanish once the resident writes.
  const last = entries[entries.length - 1];
  const items = last && last.direction === 'out' && last.message.quickReply ? last.message.quickReply.items || [] : [];
  $('quick-replies').replaceChildren(...items.map((item) => action_button(item.action || {})));
}

function render_residents() {
  const list = $('residents');
  list.replaceChildren(...[...page.residents.values()].map((r) => {
    const state = r.blocked ? 'ブロック中' : (r.friend ? '友だち' : '未追加');
    return el('li', {}, el('button', {
      type: 'button', className: r.userId === page.selected ? 'resident selected' : 'resident',
      onclick: () => select_resident(r.userId),
    }, el('span', { className: 'name' }, r.name), el('span', { className: 'state' }, `${r.channel}・${state}`),
    el('code', {}, r.userId)));
  }));
  const resident = selected_resident();
  $('chat-title').textContent = resident ? `${resident.name} のトーク（${resident.channel}）` : '住民を選ぶか、追加してください';
  $('follow').disabled = !resident || (resident.friend && !resident.blocked);
  $('block').disabled = !resident || resident.blocked || !resident.friend;
  const can_write = Boolean(resident) && !resident.blocked;
  $('text').disabled = !can_write;
  $('send').disabled = !can_write;
  const note = $('composer-note');
  note.hidden = !resident || (resident.friend && !resident.blocked);
  note.textContent = !resident ? '' : (resident.blocked ? 'ブロック中です。友だち追加すると書けます。'
    : 'まだ友だち追加していません（LINE では先に友だち追加します。このまま書くこともできます）。');
}

// LINE's loading animation (typing dots) until `until` (ISO time) or the account's next message.
function show_typing(until) {
  clearTimeout(page.typing_timer);
  const left = until ? Date.parse(until) - Date.now() : 0;
  $('typing').hidden = !(left > 0);
  if (left > 0) {
    page.typing_timer = setTimeout(() => { $('typing').hidden = true; }, left);
  }
}

async function select_resident(user_id) {
  page.selected = user_id;
  page.entries.clear();
  show_typing(page.residents.get(user_id)?.loadingUntil);
  render_residents();
  const { data } = await call('GET', `/_fake/conversation?userId=${encodeURIComponent(user_id)}`);
  if (page.selected === user_id) {
    for (const entry of data) {
      page.entries.set(entry.seq, entry);
    }
    render_conversation();
  }
}

// ---- live updates ----

function on_change(change) {
  switch (change.type) {
    case 'reset':
      page.residents.clear();
      page.entries.clear();
      page.selected = null;
      render_residents();
      render_conversation();
      break;
    case 'resident':
      page.residents.set(change.resident.userId, change.resident);
      render_residents();
      break;
    case 'webhook':
      if (change.webhook.userId === page.selected) {
        page.entries.set(change.webhook.seq, { direction: 'in', ...change.webhook });
        render_conversation();
      }
      break;
    case 'delivery':
      if (change.delivery.to === page.selected) {
        page.entries.set(change.delivery.seq, { direction: 'out', ...change.delivery });
        show_typing(null);
        render_conversation();
      }
      break;
    case 'loading': {
      const resident = page.residents.get(change.userId);
      if (resident) {
        resident.loadingUntil = change.until;
      }
      if (change.userId === page.selected) {
        show_typing(change.until || new Date(Date.now() + change.seconds * 1000).toISOString());
      }
      break;
    }
    case 'read': {
      const resident = page.residents.get(change.userId);
      if (resident) {
        resident.readUpTo = change.readUpTo;
        if (change.userId === page.selected) {
          render_conversation();
        }
      }
      break;
    }
    default:
      break;
  }
}

function connect_events() {
  const source = new EventSource('/_fake/events');
  for (const type of ['reset', 'resident', 'webhook', 'delivery', 'loading', 'read']) {
    source.addEventListener(type, (event) => on_change(JSON.parse(event.data)));
  }
  source.onopen = () => {
    $('link-status').textContent = 'ライブ更新中';
    if (page.selected) {
      select_resident(page.selected);
    }
  };
  source.onerror = () => {
    $('link-status').textContent = 'シミュレーターとの接続が切れました（再接続します）';
  };
}

async function start() {
  const [channels, config, residents] = await Promise.all([
    call('GET', '/_fake/channels'), call('GET', '/_fake/config'), call('GET', '/_fake/residents')]);
  page.channels = channels.data;
  $('channel').replaceChildren(...page.channels.map((c) => el('option', { value: c.key }, c.key)));
  $('yorisoi-url').textContent = config.data.yorisoi || '（未設定: --yorisoi で指定）';
  for (const r of residents.data) {
    page.residents.set(r.userId, r);
  }
  render_residents();
  $('add-resident').addEventListener('submit', async (event) => {
    event.preventDefault();
    const { data } = await call('POST', '/_fake/residents', { channel: $('channel').value, name: $('resident-name').value });
    $('resident-name').value = '';
    page.residents.set(data.userId, data);
    select_resident(data.userId);
  });
  $('follow').addEventListener('click', () => send_event({ event: 'follow' }));
  $('block').addEventListener('click', () => send_event({ event: 'unfollow' }));
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const text = $('text').value;
    if (text.trim() !== '') {
      $('text').value = '';
      send_event({ event: 'message', text });
    }
  });
  $('text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      $('composer').requestSubmit();
    }
  });
  connect_events();
  if (page.residents.size > 0) {
    select_resident([...page.residents.keys()][0]);
  }
}

start().catch((error) => show_banner(`シミュレーターを開始できませんでした: ${error.message}`));
