'use strict';
// Command-line options of server.js. Returns {options} or {error}; never exits by itself.

const usage = `usage: node tests/fake-line/server.js [options]
  --port N                       port on 127.0.0.1 (default 0: any free port)
  --port-file FILE               write the bound port to FILE (atomically)
  --yorisoi URL                  base URL of yorisoi; webhooks go to URL/webhook/line/<channel>
  --channel KEY:SECRET:TOKEN     a channel: webhook key, channel secret, channel access token (repeatable)
  --channels-from-env KEY=SECRET_ENV:TOKEN_ENV
                                 the same, secret and token read from environment variables (repeatable)
  --reply-token-ttl-ms N         how long a reply token is usable (default 60000)
  --help                         this text`;

function parse_channel(text) {
  const first = text.indexOf(':');
  const second = text.indexOf(':', first + 1);
  if (first <= 0 || second <= first + 1 || second === text.length - 1) {
    return null;
  }
  return { key: text.slice(0, first), secret: text.slice(first + 1, second), token: text.slice(second + 1) };
}

function parse_env_channel(text, env) {
  const match = /^([^=]+)=([^:]+):(.+)$/.exec(text);
  if (!match) {
    return { error: `--channels-from-env wants KEY=SECRET_ENV:TOKEN_ENV, got ${text}` };
  }
  const [, key, secret_env, token_env] = match;
  for (const name of [secret_env, token_env]) {
    if (!env[name]) {
      return { error: `--channels-from-env ${key}: environment variable ${name} is unset or empty` };
    }
  }
  return { channel: { key, secret: env[secret_env], token: env[token_env] } };
}

function parse_args(argv, env) {
  const options = { port: 0, port_file: null, yorisoi: '', channels: [], reply_token_ttl_ms: 60000 };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') {
      return { help: usage };
    }
    const value = argv[i + 1];
    if (value === undefined) {
      return { error: `${flag} needs a value\n${usage}` };
    }
    i += 1;
    switch (flag) {
      case '--port':
      case '--reply-token-ttl-ms': {
        const number = Number(value);
        if (!Number.isInteger(number) || number < 0) {
          return { error: `${flag} wants a non-negative integer, got ${value}` };
        }
        options[flag === '--port' ? 'port' : 'reply_token_ttl_ms'] = number;
        break;
      }
      case '--port-file':
        options.port_file = value;
        break;
      case '--yorisoi':
        options.yorisoi = value;
        break;
      case '--channel': {
        const channel = parse_channel(value);
        if (!channel) {
          return { error: '--channel wants KEY:SECRET:TOKEN' };
        }
        options.channels.push(channel);
        break;
      }
      case '--channels-from-env': {
        const parsed = parse_env_channel(value, env);
        if (parsed.error) {
          return { error: parsed.error };
        }
        options.channels.push(parsed.channel);
        break;
      }
      default:
        return { error: `unknown option ${flag}\n${usage}` };
    }
  }
  if (options.channels.length === 0) {
    return { error: `give at least one --channel or --channels-from-env\n${usage}` };
  }
  const keys = new Set(options.channels.map((c) => c.key));
  if (keys.size !== options.channels.length) {
    return { error: 'channel keys must be unique' };
  }
  return { options };
}

module.exports = { parse_args };
