'use strict';
// Identifiers shaped like the LINE Platform's: user ids, ULID webhook event ids, numeric message ids,
// reply and quote tokens, request ids. Random unless a test asks for determinism through its own inputs.

const crypto = require('node:crypto');

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// "U" + 32 lowercase hex digits, the shape of a LINE user id (also of a bot's user id).
function user_id() {
  return 'U' + crypto.randomBytes(16).toString('hex');
}

// A stable bot user id for a channel key, so that `destination` is the same across restarts.
function bot_user_id(channel_key) {
  return 'U' + crypto.createHash('sha256').update('fake-line-bot:' + channel_key).digest('hex').slice(0, 32);
}

// ULID: 48-bit millisecond time then 80 random bits, Crockford base32, 26 characters.
function ulid(time_ms) {
  let time = Math.max(0, Math.floor(time_ms));
  let head = '';
  for (let i = 0; i < 10; i += 1) {
    head = crockford[time % 32] + head;
    time = Math.floor(time / 32);
  }
  const random = crypto.randomBytes(16);
  let tail = '';
  for (let i = 0; i < 16; i += 1) {
    tail += crockford[random[i] % 32];
  }
  return head + tail;
}

// LINE message ids are decimal strings of about 18 digits.
function message_id() {
  const digits = crypto.randomBytes(8).readBigUInt64BE() % 900000000000000000n + 100000000000000000n;
  return digits.toString();
}

function reply_token() {
  return crypto.randomBytes(16).toString('hex');
}

function quote_token() {
  return 'q' + crypto.randomBytes(24).toString('base64url');
}

// Opaque to the bot, like LINE's markAsReadToken.
function read_token() {
  return 'r' + crypto.randomBytes(24).toString('base64url');
}

function request_id() {
  return crypto.randomUUID();
}

const uuid_pattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const user_id_pattern = /^U[0-9a-f]{32}$/;
const chat_id_pattern = /^[UCR][0-9a-f]{32}$/;

module.exports = {
  user_id,
  bot_user_id,
  ulid,
  message_id,
  reply_token,
  quote_token,
  read_token,
  request_id,
  uuid_pattern,
  user_id_pattern,
  chat_id_pattern,
};
