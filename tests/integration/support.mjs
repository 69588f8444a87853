// Helpers for the black-box integration tests: start the real `krilin` binary on a free
// port with a fresh data directory, talk to it over real sockets, stop it with signals.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const KRILIN_BIN = process.env.KRILIN_BIN ?? path.resolve('build/src/server/krilin');
export const PG_URL = process.env.KRILIN_TEST_DATABASE_URL;
export const REDIS_URL = process.env.KRILIN_TEST_REDIS_URL;

export function tempDir(prefix = 'krilin-it-') {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Starts `krilin serve` and resolves once it printed the URL it listens on.
export async function startKrilin({ env = {}, args = [], dataDir, listen = '127.0.0.1:0' } = {}) {
  const dir = dataDir ?? tempDir();
  const proc = spawn(KRILIN_BIN, ['serve', '--listen', listen, '--data-dir', dir, ...args], {
    env: { PATH: process.env.PATH, KRILIN_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`krilin did not start in 20 s:\n${out}\n${err}`)), 20000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve(m[0]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`krilin exited with ${code}:\n${out}\n${err}`)); });
  });
  const server = {
    url,
    port: Number(new URL(url).port),
    dataDir: dir,
    proc,
    exited,
    logs: () => out + err,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    cleanup() { if (!dataDir) rmSync(dir, { recursive: true, force: true }); },
  };
  return server;
}

// Sends raw bytes and collects whatever comes back until the server closes the
// connection or `timeoutMs` passes. Resolves {data, closed, ms}.
export function rawExchange(port, chunks, { timeoutMs = 5000, gapMs = 0 } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ data, closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('data', (d) => { data += d.toString('latin1'); });
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (sock.destroyed) return;
        sock.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

// A port that was free a moment ago (for servers that must know each other's address).
export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export function runCli(args, env = {}) {
  const r = spawnSync(KRILIN_BIN, args, {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function getJson(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, headers: res.headers, body };
}

// Asserts the one error envelope of every non-2xx answer.
export function assertEnvelope(assert, body, code) {
  assert.equal(typeof body, 'object', `not JSON: ${body}`);
  assert.ok(body.error, `no error object: ${JSON.stringify(body)}`);
  assert.match(body.error.code, /^[a-z][a-z0-9_]*$/);
  if (code) assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
  assert.equal(typeof body.error.retryable, 'boolean');
}

// A fresh database on the test cluster owned by a fresh ordinary role (LOGIN, not a
// superuser, NOBYPASSRLS): how production should connect, so that row-level security
// applies to the server itself. Answers {url, psql(sql) → stdout}.
export function pgOrdinaryDatabase() {
  const name = `krilin_app_${randomBytes(5).toString('hex')}`;
  const psqlBin = process.env.KRILIN_TEST_PG_BIN ? `${process.env.KRILIN_TEST_PG_BIN}/psql` : 'psql';
  const psql = (url, sql) => {
    const r = spawnSync(psqlBin, [url, '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql], { encoding: 'utf8', timeout: 30000 });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  psql(PG_URL, `CREATE ROLE ${name} LOGIN NOSUPERUSER NOBYPASSRLS`);
  psql(PG_URL, `CREATE DATABASE ${name} OWNER ${name}`);
  const u = new URL(PG_URL);
  u.username = name;
  u.pathname = `/${name}`;
  return { url: u.toString(), psql: (sql) => psql(u.toString(), sql) };
}

// A WebSocket client for /ws (Node 20: scripts/test runs node with --experimental-websocket).
// Opens with a fresh ticket; `next(pred, ms)` resolves with the first message (parsed) that
// matches, in arrival order, or rejects after `ms`.
export async function openSocket(baseUrl, token, { ticket } = {}) {
  if (!ticket) {
    const t = await getJson(`${baseUrl}/api/v1/ws-ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    if (t.status !== 201) throw new Error(`ws-ticket: ${t.status} ${JSON.stringify(t.body)}`);
    ticket = t.body.ticket;
  }
  const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws?ticket=${encodeURIComponent(ticket)}`);
  const inbox = [];
  const waiters = [];
  let closed = null;
  ws.addEventListener('message', (m) => {
    inbox.push(JSON.parse(m.data));
    for (const w of [...waiters]) w();
  });
  ws.addEventListener('close', (e) => { closed = { code: e.code, reason: e.reason }; for (const w of [...waiters]) w(); });
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error('websocket refused')), { once: true });
  });
  const socket = {
    ws, ticket, inbox,
    get closed() { return closed; },
    send: (msg) => ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg)),
    next(pred = () => true, ms = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const i = inbox.findIndex(pred);
          if (i >= 0) {
            const [m] = inbox.splice(i, 1);
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve(m);
          } else if (closed) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            reject(new Error(`socket closed ${closed.code} ${closed.reason}`));
          }
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`no matching message in ${ms} ms; inbox: ${JSON.stringify(inbox)}`));
        }, ms);
        waiters.push(check);
        check();
      });
    },
    close() { ws.close(); },
  };
  return socket;
}
