// Graceful shutdown: SIGTERM under load stops accepting, lets in-flight requests finish
// and exits 0; every request either got a whole answer or was never accepted. Open
// WebSockets are sent 1001 "going away" at once and do not hold the exit for the grace.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import http from 'node:http';
import { getJson, openSocket, startKrilin } from './support.mjs';

function request(port, agent) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/health/ready', agent }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body, complete: res.complete }));
      res.on('error', (e) => resolve({ error: e.code ?? e.message, partial: true }));
    });
    req.on('error', (e) => resolve({ error: e.code ?? e.message }));
  });
}

for (const signal of ['SIGTERM', 'SIGINT']) {
  test(`${signal} under load loses no answered request and exits 0`, async () => {
    const server = await startKrilin({ env: { KRILIN_SHUTDOWN_GRACE_MS: '5000' } });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const results = [];
    let stopSent = false;
    const workers = Array.from({ length: 16 }, async () => {
      for (let i = 0; i < 200; i++) {
        const r = await request(server.port, agent);
        results.push(r);
        if (r.error && stopSent) break;
      }
    });
    await new Promise((r) => setTimeout(r, 300));
    const answeredBefore = results.length;
    stopSent = true;
    const exitP = server.stop(signal);
    await Promise.all(workers);
    const { code } = await exitP;
    agent.destroy();
    server.cleanup();

    assert.equal(code, 0, `exit code ${code}, signal ${(await exitP).signal}`);
    assert.ok(answeredBefore > 0, 'no request was answered before the signal');
    for (const r of results) {
      if (r.error) {
        // Refused or reset before an answer started: the client knows it was not served.
        assert.ok(!r.partial, `an answer was cut in the middle: ${JSON.stringify(r)}`);
        continue;
      }
      assert.ok(r.complete, 'incomplete answer');
      assert.equal(r.status, 200, `status ${r.status}: ${r.body}`);
      assert.equal(JSON.parse(r.body).status, 'ready');
    }
  });
}

test('SIGTERM with WebSockets open sends each 1001 going away and exits well within the grace', async () => {
  const server = await startKrilin({ env: { KRILIN_SHUTDOWN_GRACE_MS: '10000' } });
  const signup = await getJson(`${server.url}/api/v1/auth/signup`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `ws-${randomBytes(5).toString('hex')}@example.com`, password: `correct horse ${randomBytes(4).toString('hex')}`, name: 'Ws' }),
  });
  assert.equal(signup.status, 201);
  const token = signup.body.access_token;
  const sockets = [];
  for (let i = 0; i < 20; i++) sockets.push(await openSocket(server.url, token));
  // Half of them subscribed (a session with a live subscription), half bare.
  for (const s of sockets.slice(0, 10)) s.send({ type: 'subscribe', app_id: 'system', stream_id: 'notifications' });
  for (const s of sockets.slice(0, 10)) await s.next((m) => m.type === 'subscribed');
  const started = Date.now();
  const exitP = server.stop('SIGTERM');
  const closes = await Promise.all(sockets.map((s) => new Promise((resolve) => {
    if (s.closed) return resolve(s.closed);
    s.ws.addEventListener('close', (e) => resolve({ code: e.code, reason: e.reason }), { once: true });
  })));
  const { code } = await exitP;
  const took = Date.now() - started;
  server.cleanup();
  for (const c of closes) assert.deepEqual(c, { code: 1001, reason: 'going away' });
  assert.equal(code, 0);
  assert.ok(took < 3000, `took ${took} ms to stop`);
});
