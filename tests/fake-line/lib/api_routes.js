'use strict';
// The Messaging API endpoints yorisoi uses, answering like the LINE Platform: access token check,
// request schema, once-only reply tokens, retry keys, injected failures and delays. Every call is recorded.

const ids = require('./ids');
const { read_body, send_json, parse_json } = require('./http_util');
const { check_reply_body, check_push_body, check_loading_body, check_mark_as_read_body } = require('./validate_messages');

const quotable_types = new Set(['text', 'textV2', 'sticker', 'image', 'video']);

const error_texts = {
  400: 'Bad Request',
  401: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
  403: 'Not authorized to use this endpoint',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request entity too large',
  429: 'The API rate limit has been exceeded. Try again later.',
  500: 'Internal server error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

function error(status, message, extra = {}) {
  return { status, body: { message: message || error_texts[status] || `HTTP ${status}`, ...extra } };
}

function schema_error(details) {
  return error(400, `The request body has ${details.length} error(s)`, { details });
}

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Which channel, if any, the Authorization header names: {authorization: 'valid'|'invalid'|'missing', channel}.
function authenticate(state, header) {
  if (!header) {
    return { authorization: 'missing', channel: null };
  }
  const match = /^Bearer (\S+)$/.exec(header);
  const channel = match ? state.channel_by_token(match[1]) : null;
  return { authorization: channel ? 'valid' : 'invalid', channel };
}

// Delivers each message to `to` (unless they blocked the account) and builds the sentMessages answer.
function deliver(state, { channel, to, via, messages, request_id, reply_token, retry_key, notification_disabled }) {
  const resident = state.resident(to, channel.key);
  const sent = messages.map((message, index) => {
    const item = { id: ids.message_id() };
    if (quotable_types.has(message.type)) {
      item.quoteToken = ids.quote_token();
    }
    if (!resident.blocked) {
      state.record_delivery({ channel: channel.key, to, via, index, message, sent_message_id: item.id,
        quote_token: item.quoteToken, request_id, reply_token, retry_key,
        notification_disabled: Boolean(notification_disabled) });
    }
    return item;
  });
  return { sent, delivered: !resident.blocked };
}

function reply(state, ctx) {
  if (ctx.retry_key !== undefined) {
    return error(400, 'The X-Line-Retry-Key header is not supported by this endpoint');
  }
  const details = check_reply_body(ctx.body);
  if (details.length > 0) {
    return schema_error(details);
  }
  const entry = state.usable_reply_token(ctx.body.replyToken, ctx.channel.key);
  if (!entry) {
    return error(400, 'Invalid reply token');
  }
  entry.used = true;
  const { sent, delivered } = deliver(state, { channel: ctx.channel, to: entry.userId, via: 'reply',
    messages: ctx.body.messages, request_id: ctx.request_id, reply_token: ctx.body.replyToken,
    notification_disabled: ctx.body.notificationDisabled });
  return { status: 200, body: { sentMessages: sent }, delivered };
}

function push(state, ctx) {
  const key = ctx.retry_key;
  if (key !== undefined && !ids.uuid_pattern.test(key)) {
    return error(400, 'The value of the X-Line-Retry-Key header must be a UUID');
  }
  const scoped_key = `${ctx.channel.key}/${(key || '').toLowerCase()}`;
  const accepted = key !== undefined ? state.retry_keys.get(scoped_key) : undefined;
  if (accepted) {
    return { ...error(409, 'The retry key is already accepted', { sentMessages: accepted.sent }),
      headers: { 'x-line-accepted-request-id': accepted.request_id } };
  }
  const details = check_push_body(ctx.body);
  if (details.length > 0) {
    return schema_error(details);
  }
  const { sent, delivered } = deliver(state, { channel: ctx.channel, to: ctx.body.to, via: 'push',
    messages: ctx.body.messages, request_id: ctx.request_id, retry_key: key,
    notification_disabled: ctx.body.notificationDisabled });
  if (key !== undefined) {
    state.retry_keys.set(scoped_key, { request_id: ctx.request_id, sent });
  }
  return { status: 200, body: { sentMessages: sent }, delivered };
}

function loading(state, ctx) {
  if (ctx.retry_key !== undefined) {
    return error(400, 'The X-Line-Retry-Key header is not supported by this endpoint');
  }
  const details = check_loading_body(ctx.body);
  if (details.length > 0) {
    return schema_error(details);
  }
  state.start_loading(ctx.body.chatId, ctx.channel.key, ctx.body.loadingSeconds || 20);
  return { status: 202, body: {} };
}

function mark_as_read(state, ctx) {
  if (ctx.retry_key !== undefined) {
    return error(400, 'The X-Line-Retry-Key header is not supported by this endpoint');
  }
  const details = check_mark_as_read_body(ctx.body);
  if (details.length > 0) {
    return schema_error(details);
  }
  if (!state.mark_read(ctx.body.markAsReadToken, ctx.channel.key)) {
    return error(400, 'Invalid markAsReadToken: it must come from a webhook of this channel');
  }
  return { status: 200, body: {} };
}

function profile(state, ctx) {
  const resident = state.residents.get(ctx.params.userId);
  if (!resident || resident.channel !== ctx.channel.key || !resident.friend || resident.blocked) {
    return error(404, 'Not found');
  }
  return { status: 200, body: { displayName: resident.name, userId: resident.userId, language: 'ja' } };
}

function bot_info(state, ctx) {
  const c = ctx.channel;
  return { status: 200, body: { userId: c.bot_user_id, basicId: `@${c.bot_user_id.slice(1, 9)}`, displayName: c.key,
    chatMode: 'bot', markAsReadMode: 'auto' } };
}

const routes = [
  { method: 'POST', pattern: /^\/v2\/bot\/message\/reply$/, handler: reply },
  { method: 'POST', pattern: /^\/v2\/bot\/message\/push$/, handler: push },
  { method: 'POST', pattern: /^\/v2\/bot\/chat\/loading\/start$/, handler: loading },
  { method: 'POST', pattern: /^\/v2\/bot\/chat\/markAsRead$/, handler: mark_as_read },
  { method: 'GET', pattern: /^\/v2\/bot\/profile\/(?<userId>[^/]+)$/, handler: profile },
  { method: 'GET', pattern: /^\/v2\/bot\/info$/, handler: bot_info },
];

// Answers a request under /v2/; `path` is the URL path without the query.
async function handle_api(state, req, res, path) {
  const request_id = ids.request_id();
  const headers = { 'x-line-request-id': request_id };
  const retry_key = req.headers['x-line-retry-key'];
  const auth = authenticate(state, req.headers.authorization);
  const call = { method: req.method, path, request_id, retry_key, authorization: auth.authorization,
    channel: auth.channel ? auth.channel.key : null, content_type: req.headers['content-type'] };
  let text = '';
  let outcome;
  try {
    text = await read_body(req);
    outcome = await answer(state, req, path, { auth, retry_key, request_id, text });
  } catch (err) {
    outcome = error(err.status || 500, err.status ? undefined : 'Internal server error');
  }
  const parsed = parse_json(text);
  state.record_call({ ...call, body: text === '' ? null : (parsed.ok ? parsed.value : text),
    status: outcome.status, response: outcome.body, injected: Boolean(outcome.injected),
    delivered: outcome.delivered });
  send_json(res, outcome.status, outcome.body, { ...headers, ...(outcome.headers || {}) });
}

async function answer(state, req, path, { auth, retry_key, request_id, text }) {
  const route = routes.find((r) => r.pattern.test(path));
  if (!route) {
    return error(404, 'Not found');
  }
  if (route.method !== req.method) {
    return error(405, 'Method not allowed');
  }
  const behaviour = state.take_behaviour(path);
  if (behaviour && behaviour.delay_ms > 0) {
    await delay(behaviour.delay_ms);
  }
  const injected = behaviour && behaviour.status ? injected_error(behaviour) : null;
  if (injected && !behaviour.after_processing) {
    return injected;
  }
  if (auth.authorization === 'missing') {
    return error(401, "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'");
  }
  if (auth.authorization !== 'valid') {
    return error(401);
  }
  let body = {};
  if (req.method === 'POST') {
    const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/json') {
      return error(415, `The content type, '${type}', is not supported`);
    }
    const parsed = parse_json(text);
    if (!parsed.ok || parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
      return error(400, 'The request body could not be parsed as a JSON object');
    }
    body = parsed.value;
  }
  const params = route.pattern.exec(path).groups || {};
  const outcome = route.handler(state, { channel: auth.channel, body, params, retry_key, request_id });
  // "Processed, but the answer was lost": the platform acted, the caller sees a failure.
  return injected ? { ...injected, delivered: outcome.delivered } : outcome;
}

function injected_error(behaviour) {
  const outcome = error(behaviour.status, behaviour.message);
  outcome.injected = true;
  if (behaviour.retry_after !== undefined) {
    outcome.headers = { 'retry-after': String(behaviour.retry_after) };
  }
  return outcome;
}

module.exports = { handle_api };
