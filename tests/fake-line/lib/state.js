'use strict';
// Everything the fake platform remembers: channels, residents, issued reply tokens, accepted retry keys,
// injected behaviour, and the record of calls, deliveries and webhooks. One instance per server; the
// event loop is single-threaded, so no locking. `changes` emits 'event' for the live page (SSE).

const { EventEmitter } = require('node:events');
const ids = require('./ids');

class fake_state {
  // channels: [{key, secret, token}]; reply_token_ttl_ms: how long a reply token is usable; now: clock (ms).
  constructor({ channels, reply_token_ttl_ms, now }) {
    this.channels = new Map(channels.map((c) => [c.key, { ...c, bot_user_id: ids.bot_user_id(c.key) }]));
    this.reply_token_ttl_ms = reply_token_ttl_ms;
    this.now = now;
    this.changes = new EventEmitter();
    this.changes.setMaxListeners(0);
    this.residents = new Map();
    this.reset();
  }

  // Forgets everything recorded and issued, and every resident; channels stay.
  reset() {
    this.seq = 0;
    this.calls = [];
    this.deliveries = [];
    this.webhooks = [];
    this.reply_tokens = new Map();
    this.read_tokens = new Map();
    this.retry_keys = new Map();
    this.sent_events = new Map();
    this.behaviour = null;
    this.residents.clear();
    this.emit('reset', {});
  }

  next_seq() {
    this.seq += 1;
    return this.seq;
  }

  emit(type, payload) {
    this.changes.emit('event', { type, ...payload });
  }

  channel_by_token(token) {
    for (const channel of this.channels.values()) {
      if (channel.token === token) {
        return channel;
      }
    }
    return null;
  }

  // Returns the resident, creating it (as a friend who has not followed yet) when unknown.
  resident(user_id, channel_key, name) {
    let resident = this.residents.get(user_id);
    if (!resident) {
      resident = { userId: user_id, channel: channel_key, name: name || `住民${this.residents.size + 1}`, friend: false,
        blocked: false, created: new Date(this.now()).toISOString() };
      this.residents.set(user_id, resident);
      this.emit('resident', { resident });
    }
    return resident;
  }

  issue_reply_token(channel_key, user_id, webhook_event_id) {
    const token = ids.reply_token();
    this.reply_tokens.set(token, { channel: channel_key, userId: user_id, webhookEventId: webhook_event_id,
      issued_ms: this.now(), used: false });
    return token;
  }

  // A markAsReadToken for a message event of `user_id`; `seq` (its webhook record's) is set once recorded.
  issue_read_token(channel_key, user_id) {
    const token = ids.read_token();
    this.read_tokens.set(token, { channel: channel_key, userId: user_id, seq: null });
    return token;
  }

  // Marks the resident's messages read up to the one `token` came with; false for a token this
  // channel never issued. An earlier token later on takes no mark back.
  mark_read(token, channel_key) {
    const entry = this.read_tokens.get(token);
    if (!entry || entry.channel !== channel_key || entry.seq === null) {
      return false;
    }
    const resident = this.resident(entry.userId, channel_key);
    resident.readUpTo = Math.max(resident.readUpTo || 0, entry.seq);
    this.emit('read', { userId: entry.userId, channel: channel_key, readUpTo: resident.readUpTo });
    return true;
  }

  // The loading animation in the resident's chat until `seconds` from now or their next delivery.
  start_loading(user_id, channel_key, seconds) {
    const resident = this.resident(user_id, channel_key);
    resident.loadingUntil = new Date(this.now() + seconds * 1000).toISOString();
    this.emit('loading', { channel: channel_key, userId: user_id, seconds, until: resident.loadingUntil });
  }

  // The reply token's entry when it belongs to `channel_key`, is unused and not expired; else null.
  usable_reply_token(token, channel_key) {
    const entry = this.reply_tokens.get(token);
    if (!entry || entry.used || entry.channel !== channel_key) {
      return null;
    }
    if (this.now() - entry.issued_ms > this.reply_token_ttl_ms) {
      return null;
    }
    return entry;
  }

  // Injected behaviour for the next API call to `path`, consuming one of its count; null when none applies.
  take_behaviour(path) {
    const b = this.behaviour;
    if (!b || (b.path && b.path !== path)) {
      return null;
    }
    b.remaining -= 1;
    if (b.remaining <= 0) {
      this.behaviour = null;
    }
    return b;
  }

  record_call(call) {
    const entry = { seq: this.next_seq(), time: new Date(this.now()).toISOString(), ...call };
    this.calls.push(entry);
    this.emit('call', { call: entry });
    return entry;
  }

  record_delivery(delivery) {
    const entry = { seq: this.next_seq(), time: new Date(this.now()).toISOString(), ...delivery };
    // As on LINE, the account's message ends the loading animation.
    const resident = this.residents.get(delivery.to);
    if (resident) {
      resident.loadingUntil = null;
    }
    this.deliveries.push(entry);
    this.emit('delivery', { delivery: entry });
    return entry;
  }

  record_webhook(webhook) {
    const entry = { seq: this.next_seq(), time: new Date(this.now()).toISOString(), ...webhook };
    this.webhooks.push(entry);
    this.emit('webhook', { webhook: entry });
    return entry;
  }

  // One resident's conversation: the webhooks sent for them and what was delivered to them, in order;
  // their messages with `read` (既読: marked read up to there).
  conversation(user_id) {
    const read_up_to = this.residents.get(user_id)?.readUpTo || 0;
    const inbound = this.webhooks.filter((w) => w.userId === user_id).map((w) => ({ direction: 'in', ...w,
      ...(w.event === 'message' ? { read: w.seq <= read_up_to } : {}) }));
    const outbound = this.deliveries.filter((d) => d.to === user_id).map((d) => ({ direction: 'out', ...d }));
    return inbound.concat(outbound).sort((a, b) => a.seq - b.seq);
  }
}

module.exports = { fake_state };
