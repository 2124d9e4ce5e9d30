'use strict';
// Builds webhook requests as the LINE Platform sends them (destination, one event, signature) and
// POSTs them to yorisoi's /webhook/line/{channel}. Issues the reply token a later reply must present.

const crypto = require('node:crypto');
const ids = require('./ids');
const { post } = require('./http_util');

const event_types = ['message', 'follow', 'unfollow', 'postback', 'unsend'];
const webhook_timeout_ms = 10000;

function sign(secret, body) {
  return crypto.createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

// Validates the control request; returns an error text or null.
function check_request(state, r) {
  if (!state.channels.has(r.channel)) {
    return `unknown channel: ${r.channel}`;
  }
  if (!event_types.includes(r.event)) {
    return `event must be one of ${event_types.join(', ')}`;
  }
  if (r.userId !== undefined && !ids.user_id_pattern.test(r.userId)) {
    return 'userId must be "U" followed by 32 lowercase hex digits';
  }
  if (r.event === 'message' && (typeof r.text !== 'string' || r.text.length === 0)) {
    return 'a message event needs a non-empty text';
  }
  if (r.event === 'postback' && typeof r.data !== 'string') {
    return 'a postback event needs data';
  }
  if (r.event === 'unsend' && typeof r.messageId !== 'string') {
    return 'an unsend event needs messageId';
  }
  if (r.timestamp !== undefined && !(Number.isSafeInteger(r.timestamp) && r.timestamp >= 0)) {
    return 'timestamp must be milliseconds since the epoch (a non-negative integer)';
  }
  if (r.mode !== undefined && r.mode !== 'active' && r.mode !== 'standby') {
    return 'mode must be active or standby';
  }
  return null;
}

// A new event object for request `r`; updates the resident's friendship for follow/unfollow. An explicit
// `timestamp` only dates the event (tests replay past moments); its reply token is issued now, as LINE
// would for an event it sends now.
function build_event(state, r, resident) {
  const now = r.timestamp !== undefined ? r.timestamp : state.now();
  const mode = r.mode || 'active';
  const event = { type: r.event, mode, timestamp: now, source: { type: 'user', userId: resident.userId },
    webhookEventId: r.webhookEventId || ids.ulid(now), deliveryContext: { isRedelivery: Boolean(r.redelivery) } };
  // In standby mode another channel owns the chat: LINE gives no reply token.
  const replyable = mode === 'active' && ['message', 'follow', 'postback'].includes(r.event);
  if (replyable) {
    event.replyToken = state.issue_reply_token(r.channel, resident.userId, event.webhookEventId);
  }
  switch (r.event) {
    case 'message':
      event.message = { id: r.messageId || ids.message_id(), type: 'text', text: r.text, quoteToken: ids.quote_token(),
        markAsReadToken: state.issue_read_token(r.channel, resident.userId) };
      break;
    case 'follow':
      event.follow = { isUnblocked: resident.blocked };
      resident.friend = true;
      resident.blocked = false;
      break;
    case 'unfollow':
      resident.blocked = true;
      break;
    case 'postback':
      event.postback = { data: r.data };
      if (r.params && typeof r.params === 'object') {
        event.postback.params = r.params;
      }
      break;
    case 'unsend':
      event.unsend = { messageId: r.messageId };
      break;
  }
  return event;
}

// Sends a webhook for control request `r` ({channel, userId?, event, text?, data?, params?, messageId?, mode?,
// redelivery?, webhookEventId?, timestamp?}); resolves {http_status, body} for the control API's answer.
async function send_event(state, yorisoi, r) {
  const problem = check_request(state, r);
  if (problem) {
    return { http_status: 400, body: { error: problem } };
  }
  const resident = state.resident(r.userId || ids.user_id(), r.channel, r.name);
  // A redelivery of an event sent before repeats it exactly, only flagged as redelivered.
  const earlier = r.redelivery && r.webhookEventId ? state.sent_events.get(r.webhookEventId) : undefined;
  const event = earlier ? { ...earlier, deliveryContext: { isRedelivery: true } } : build_event(state, r, resident);
  state.sent_events.set(event.webhookEventId, event);
  state.emit('resident', { resident });
  const channel = state.channels.get(r.channel);
  const body = JSON.stringify({ destination: channel.bot_user_id, events: [event] });
  const record = state.record_webhook({ channel: r.channel, userId: resident.userId, event: r.event, mode: event.mode,
    text: event.message ? event.message.text : undefined, data: event.postback ? event.postback.data : undefined,
    messageId: event.message ? event.message.id : (event.unsend ? event.unsend.messageId : undefined),
    displayText: r.displayText, webhookEventId: event.webhookEventId, replyToken: event.replyToken,
    markAsReadToken: event.message ? event.message.markAsReadToken : undefined,
    redelivery: event.deliveryContext.isRedelivery, status: null, error: null, pending: true });
  const read_entry = record.markAsReadToken ? state.read_tokens.get(record.markAsReadToken) : undefined;
  if (read_entry && read_entry.seq === null) {
    read_entry.seq = record.seq;
  }
  const outcome = await deliver_body(state, yorisoi, channel, body, null);
  Object.assign(record, { status: outcome.status ?? null, error: outcome.error ?? null, pending: false });
  state.emit('webhook', { webhook: record });
  const answer = { status: record.status, webhookEventId: event.webhookEventId, replyToken: event.replyToken,
    messageId: record.messageId, markAsReadToken: record.markAsReadToken, userId: resident.userId, response: outcome.body, error: record.error };
  return { http_status: outcome.error ? 502 : 200, body: answer };
}

// POSTs a body (string) signed with the channel secret, or with `signature` when given (to test rejection).
async function deliver_body(state, yorisoi, channel, body, signature) {
  if (!yorisoi) {
    return { error: 'no yorisoi URL configured (--yorisoi or POST /_fake/config)' };
  }
  const url = `${yorisoi.replace(/\/+$/, '')}/webhook/line/${encodeURIComponent(channel.key)}`;
  return post(url, body, {
    'content-type': 'application/json; charset=utf-8',
    'x-line-signature': signature || sign(channel.secret, body),
    'user-agent': 'LineBotWebhook/2.0 (fake-line)',
  }, webhook_timeout_ms);
}

// POST /_fake/webhook/raw {channel, body (string or JSON value), signature?}.
async function send_raw(state, yorisoi, r) {
  const channel = state.channels.get(r.channel);
  if (!channel) {
    return { http_status: 400, body: { error: `unknown channel: ${r.channel}` } };
  }
  const body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  const outcome = await deliver_body(state, yorisoi, channel, body, r.signature);
  return { http_status: outcome.error ? 502 : 200,
    body: { status: outcome.status ?? null, response: outcome.body, error: outcome.error ?? null } };
}

module.exports = { send_event, send_raw, sign };
