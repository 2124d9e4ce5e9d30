'use strict';
// The test-facing control API under /_fake/: recorded calls and deliveries, reset, injected behaviour,
// webhooks to yorisoi, residents for the simulator page, and a Server-Sent Events stream of changes.

const ids = require('./ids');
const { read_body, send_json, parse_json } = require('./http_util');
const { send_event, send_raw } = require('./webhook');

const keep_alive_ms = 15000;

const max_wait_ms = 60000;

function filter_by(list, query, keys) {
  return list.filter((item) => keys.every((key) => !query.has(key) || String(item[key]) === query.get(key)));
}

// Answers the filtered list; with ?min_count=N&wait_ms=T it first waits (long poll, no sleeping in the
// caller) until N entries match or T ms have passed, whichever comes first.
function send_list(state, res, query, select, keys) {
  const matching = () => filter_by(select(), query, keys);
  const min_count = Number(query.get('min_count') || 0);
  const wait_ms = Math.min(Number(query.get('wait_ms') || 0), max_wait_ms);
  if (!(min_count > 0 && wait_ms > 0) || matching().length >= min_count) {
    send_json(res, 200, matching());
    return;
  }
  const finish = () => {
    clearTimeout(timer);
    state.changes.off('event', check);
    send_json(res, 200, matching());
  };
  const check = () => {
    if (matching().length >= min_count) {
      finish();
    }
  };
  const timer = setTimeout(finish, wait_ms);
  state.changes.on('event', check);
  res.on('close', () => {
    clearTimeout(timer);
    state.changes.off('event', check);
  });
}

// Validates and stores POST /_fake/behaviour; an empty object clears it.
function set_behaviour(state, b) {
  if (Object.keys(b).length === 0) {
    state.behaviour = null;
    return null;
  }
  if (b.status !== undefined && (!Number.isInteger(b.status) || b.status < 200 || b.status > 599)) {
    return 'status must be an HTTP status code';
  }
  if (b.count !== undefined && (!Number.isInteger(b.count) || b.count < 1)) {
    return 'count must be a positive integer';
  }
  if (b.delay_ms !== undefined && (!Number.isInteger(b.delay_ms) || b.delay_ms < 0 || b.delay_ms > 120000)) {
    return 'delay_ms must be an integer in 0..120000';
  }
  if (b.status === undefined && b.delay_ms === undefined) {
    return 'give status and/or delay_ms';
  }
  state.behaviour = { status: b.status, delay_ms: b.delay_ms || 0, retry_after: b.retry_after, path: b.path,
    message: b.message, after_processing: Boolean(b.after_processing), count: b.count ?? null,
    remaining: b.count ?? Infinity };
  return null;
}

function open_events(state, req, res) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store',
    connection: 'keep-alive' });
  res.write(': fake-line events\n\n');
  const on_event = (event) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  const timer = setInterval(() => res.write(': keep-alive\n\n'), keep_alive_ms);
  state.changes.on('event', on_event);
  req.on('close', () => {
    clearInterval(timer);
    state.changes.off('event', on_event);
  });
}

// Answers a request under /_fake/; `config` holds the mutable yorisoi URL.
async function handle_control(state, config, req, res, url) {
  const path = url.pathname;
  const query = url.searchParams;
  const route = `${req.method} ${path}`;
  if (route === 'GET /_fake/events') {
    open_events(state, req, res);
    return;
  }
  let body = {};
  if (req.method === 'POST') {
    const text = await read_body(req);
    const parsed = text === '' ? { ok: true, value: {} } : parse_json(text);
    if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object') {
      send_json(res, 400, { error: 'body must be a JSON object' });
      return;
    }
    body = parsed.value;
  }
  switch (route) {
    case 'GET /_fake/calls':
      send_list(state, res, query, () => state.calls, ['path', 'channel', 'method', 'status']);
      return;
    case 'GET /_fake/deliveries':
      send_list(state, res, query, () => state.deliveries, ['to', 'via', 'channel', 'retry_key']);
      return;
    case 'GET /_fake/webhooks':
      send_list(state, res, query, () => state.webhooks, ['userId', 'channel', 'event']);
      return;
    case 'POST /_fake/reset':
      state.reset();
      send_json(res, 200, { ok: true });
      return;
    case 'GET /_fake/behaviour':
      send_json(res, 200, state.behaviour);
      return;
    case 'POST /_fake/behaviour': {
      const problem = set_behaviour(state, body);
      send_json(res, problem ? 400 : 200, problem ? { error: problem } : { ok: true, behaviour: state.behaviour });
      return;
    }
    case 'POST /_fake/webhook': {
      const outcome = await send_event(state, config.yorisoi, body);
      send_json(res, outcome.http_status, outcome.body);
      return;
    }
    case 'POST /_fake/webhook/raw': {
      const outcome = await send_raw(state, config.yorisoi, body);
      send_json(res, outcome.http_status, outcome.body);
      return;
    }
    case 'GET /_fake/channels':
      send_json(res, 200, [...state.channels.values()].map((c) => ({ key: c.key, botUserId: c.bot_user_id })));
      return;
    case 'GET /_fake/config':
      send_json(res, 200, { yorisoi: config.yorisoi, replyTokenTtlMs: state.reply_token_ttl_ms });
      return;
    case 'POST /_fake/config':
      if (body.yorisoi !== undefined) {
        config.yorisoi = String(body.yorisoi);
      }
      send_json(res, 200, { yorisoi: config.yorisoi });
      return;
    case 'GET /_fake/residents':
      send_json(res, 200, [...state.residents.values()]);
      return;
    case 'POST /_fake/residents': {
      const channel = body.channel || [...state.channels.keys()][0];
      if (!state.channels.has(channel) || (body.userId !== undefined && !ids.user_id_pattern.test(body.userId))) {
        send_json(res, 400, { error: 'unknown channel or malformed userId' });
        return;
      }
      const name = typeof body.name === 'string' && body.name.trim() !== '' ? body.name.trim().slice(0, 40) : undefined;
      send_json(res, 200, state.resident(body.userId || ids.user_id(), channel, name));
      return;
    }
    case 'GET /_fake/conversation':
      send_json(res, 200, state.conversation(query.get('userId') || ''));
      return;
    default:
      send_json(res, 404, { error: `no control route ${route}` });
  }
}

module.exports = { handle_control };
