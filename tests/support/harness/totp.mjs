// TOTP codes as an authenticator app computes them (RFC 6238 with node's crypto), for the tests that
// enrol a second factor and log in with it.
import { createHmac } from 'node:crypto';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

// RFC 6238 with node's crypto: HMAC-SHA1, 6 digits, 30 s steps. `stepOffset` moves to a later (or
// earlier) step than the current one: the server accepts one step either side and never the same
// step twice, so consecutive logins in one test use offsets 0, 1 (no waiting for the clock).
export function totpCode(secretBase32, stepOffset = 0, unixSeconds = Math.floor(Date.now() / 1000)) {
  const step = Math.floor(unixSeconds / 30) + stepOffset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(number).padStart(6, '0');
}

