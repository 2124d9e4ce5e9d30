#!/usr/bin/env node
'use strict';
// A fake LINE Platform and resident simulator for yorisoi's tests and local trials. See README.md.
// Prints one JSON line {"port":N} on stdout once listening; stops on SIGINT/SIGTERM.

const fs = require('node:fs');
const path = require('node:path');
const { parse_args } = require('./lib/cli');
const { start_fake_line } = require('./lib/app');

function write_port_file(file, port) {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(temp, `${port}\n`);
  fs.renameSync(temp, file);
}

async function main() {
  const parsed = parse_args(process.argv.slice(2), process.env);
  if (parsed.help) {
    process.stdout.write(`${parsed.help}\n`);
    return;
  }
  if (parsed.error) {
    process.stderr.write(`fake-line: ${parsed.error}\n`);
    process.exitCode = 2;
    return;
  }
  const { options } = parsed;
  const fake = await start_fake_line(options);
  if (options.port_file) {
    write_port_file(options.port_file, fake.port);
  }
  process.stdout.write(`${JSON.stringify({ port: fake.port })}\n`);
  process.stderr.write(`fake-line: listening on ${fake.url}/ (simulator page), channels: ` +
    `${options.channels.map((c) => c.key).join(', ')}; yorisoi: ${options.yorisoi || '(not set)'}\n`);
  const stop = () => {
    fake.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`fake-line: ${error.message}\n`);
  process.exit(1);
});
