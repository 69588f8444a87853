// Bad input from the outside: unknown routes, wrong methods, garbage, oversized headers
// and bodies, slow clients. Each gets the right 4xx in the envelope (or a closed
// connection for garbage) — never a crash, a hang or a 500.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertEnvelope, getJson, rawExchange, startKrilin } from './support.mjs';

let server;
before(async () => {
  server = await startKrilin({
    env: { KRILIN_READ_TIMEOUT_MS: '600', KRILIN_MAX_BODY_BYTES: '65536', KRILIN_MAX_HEADER_BYTES: '8192' },
  });
});
after(async () => {
  // The server must still be alive after all of it.
  const r = await getJson(`${server.url}/health`);
  assert.equal(r.status, 200);
  const { code } = await server.stop();
  assert.equal(code, 0);
  server.cleanup();
});

function statusOf(raw) {
  const m = raw.match(/^HTTP\/1\.[01] (\d{3})/);
  return m ? Number(m[1]) : null;
}
function bodyOf(raw) {
  return JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
}

test('unknown API route answers 404 in the envelope', async () => {
  const r = await getJson(`${server.url}/api/v1/no-such-thing`);
  assert.equal(r.status, 404);
  assertEnvelope(assert, r.body, 'not_found');
});

test('wrong method answers 405 with Allow', async () => {
  const r = await getJson(`${server.url}/health`, { method: 'DELETE' });
  assert.equal(r.status, 405);
  assertEnvelope(assert, r.body, 'method_not_allowed');
  assert.match(r.headers.get('allow'), /GET/);
});

test('a malformed request line is refused with 400 or a closed connection', async () => {
  for (const garbage of ['GARBAGE\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', '\x00\x01\x02\x03\r\n\r\n',
    'GET /health HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n']) {
    const r = await rawExchange(server.port, [garbage], { timeoutMs: 3000 });
    assert.ok(r.closed, `connection left open for ${JSON.stringify(garbage)}`);
    const status = statusOf(r.data);
    assert.ok(status === null || (status >= 400 && status < 500), `answered ${status} to ${JSON.stringify(garbage)}`);
    if (status) assertEnvelope(assert, bodyOf(r.data));
  }
});

test('oversized headers answer 431', async () => {
  const big = 'x'.repeat(20000);
  const r = await rawExchange(server.port, [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`]);
  assert.equal(statusOf(r.data), 431);
  assertEnvelope(assert, bodyOf(r.data), 'header_too_large');
});

test('an oversized body answers 413 without being read', async () => {
  const r = await rawExchange(server.port, [
    'POST /api/v1/no-such-thing HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{',
  ]);
  assert.equal(statusOf(r.data), 413);
  assertEnvelope(assert, bodyOf(r.data), 'payload_too_large');
});

test('a slow client (slowloris) is cut off at the read deadline', async () => {
  // Half a request, then silence: the server must not wait forever.
  const r = await rawExchange(server.port, ['GET /health HTTP/1.1\r\n', 'Host: x\r\n'], { timeoutMs: 5000, gapMs: 100 });
  assert.ok(r.closed, 'connection still open after 5 s');
  assert.ok(r.ms < 3000, `took ${r.ms} ms to cut a slow client off`);
  const status = statusOf(r.data);
  assert.ok(status === null || status === 408, `answered ${status}`);
});

test('a client dribbling one byte at a time cannot hold a connection past the deadline', async () => {
  const req = 'GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'y'.repeat(200) + '\r\n\r\n';
  const r = await rawExchange(server.port, req.split(''), { timeoutMs: 8000, gapMs: 20 });
  assert.ok(r.closed);
  assert.ok(r.ms < 4000, `took ${r.ms} ms`);
});

test('keep-alive serves many requests on one connection', async () => {
  const one = 'GET /health HTTP/1.1\r\nHost: x\r\n\r\n';
  const r = await rawExchange(server.port, [one.repeat(20) + 'GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n']);
  assert.equal((r.data.match(/HTTP\/1\.1 200/g) ?? []).length, 21);
});

test('hundreds of concurrent requests all succeed', async () => {
  const all = await Promise.all(Array.from({ length: 300 }, () => getJson(`${server.url}/health`)));
  assert.ok(all.every((r) => r.status === 200));
});
