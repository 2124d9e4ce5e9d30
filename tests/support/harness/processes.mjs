// Child processes of a stack: started with their output in a log file, awaited on a port file, stopped
// with SIGTERM (SIGKILL after a grace period).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';

// Children still running. A test process that ends without stopping its stack (a crash, a
// process.exit() in a dependency) must not leave servers behind: they get SIGTERM as it exits.
const running = new Set();
process.on('exit', () => {
  for (const child of running) {
    child.kill('SIGTERM');
  }
});

export function spawnLogged(command, args, { env, logFile, cwd }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  running.add(child);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (error) => {
      running.delete(child);
      resolve({ code: null, signal: null, error });
    });
  });
  return { child, exited, logFile };
}

export function tail(logFile, lines = 40) {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// Polls until fn() answers a truthy value (answered) or the time is up (throws with the last error).
// An error with `fatal: true` ends the wait at once.
export async function waitFor(fn, timeoutMs = 5000, intervalMs = 25) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  for (;;) {
    try {
      const value = await fn();
      if (value) {
        return value;
      }
    } catch (error) {
      if (error.fatal) {
        throw error;
      }
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? `: ${lastError.message}` : '';
      throw new Error(`waitFor: condition not met within ${timeoutMs} ms${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// The port a child wrote into portFile; fails early when the child exits first.
export async function awaitPortFile(proc, portFile, name, timeoutMs = 20_000) {
  let exit = null;
  proc.exited.then((e) => { exit = e; });
  return waitFor(() => {
    if (exit) {
      const why = exit.error ? exit.error.message : `status ${exit.code ?? exit.signal}`;
      throw Object.assign(new Error(`exited (${why}) before listening`), { fatal: true });
    }
    if (!existsSync(portFile)) {
      return null;
    }
    const text = readFileSync(portFile, 'utf8').trim();
    const match = /^\{?"?(?:port"?:)?(\d+)\}?$/.exec(text);
    return match ? Number(match[1]) : null;
  }, timeoutMs).catch((error) => {
    throw new Error(`${name}: ${error.message}\n${tail(proc.logFile)}`);
  });
}

function getStatus(port, path) {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('error', () => resolve(0));
    request.on('timeout', () => request.destroy());
  });
}

export async function awaitReady(proc, port, name, timeoutMs = 20_000) {
  await waitFor(async () => (await getStatus(port, '/readyz')) === 200, timeoutMs).catch((error) => {
    throw new Error(`${name} never became ready: ${error.message}\n${tail(proc.logFile)}`);
  });
}

export async function stopProcess(proc, graceMs = 5000) {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
    return proc.exited;
  }
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), graceMs);
  const result = await proc.exited;
  clearTimeout(timer);
  return result;
}

// Runs a command to completion; answers {code, stdout, stderr}.
export function runCommand(command, args, { env, input = null, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(input ?? '');
  });
}
