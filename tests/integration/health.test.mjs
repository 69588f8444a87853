// The operational endpoints every deployment relies on: liveness, readiness, metrics and
// the OpenAPI document, on the real binary in embedded mode.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { getJson, startKrilin } from './support.mjs';

let server;
before(async () => { server = await startKrilin(); });
after(async () => { await server.stop(); server.cleanup(); });

test('GET /health answers 200 ok', async () => {
  const r = await getJson(`${server.url}/health`);
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.match(r.headers.get('content-type'), /application\/json/);
});

test('GET /health/ready checks the store', async () => {
  const r = await getJson(`${server.url}/health/ready`);
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ready');
  assert.equal(r.body.checks.store.status, 'ok');
  assert.equal(r.body.checks.store.backend, 'sqlite');
});

test('every answer carries a request id, and a sane incoming one is kept', async () => {
  const a = await fetch(`${server.url}/health`);
  assert.match(a.headers.get('x-request-id'), /^[A-Za-z0-9._-]{8,128}$/);
  const b = await fetch(`${server.url}/health`, { headers: { 'X-Request-Id': 'trace-42.abc' } });
  assert.equal(b.headers.get('x-request-id'), 'trace-42.abc');
  const c = await fetch(`${server.url}/health`, { headers: { 'X-Request-Id': 'bad id "quoted"' } });
  assert.notEqual(c.headers.get('x-request-id'), 'bad id "quoted"');
});

test('GET /metrics is Prometheus text with per-route series and pool gauges', async () => {
  await fetch(`${server.url}/health`);
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain/);
  const text = await res.text();
  assert.match(text, /# TYPE krilin_http_requests_total counter/);
  assert.match(text, /krilin_http_requests_total\{[^}]*route="\/health"[^}]*\} \d+/);
  assert.match(text, /krilin_http_request_duration_seconds_bucket\{[^}]*route="\/health"/);
  assert.match(text, /krilin_db_pool_connections/);
  assert.match(text, /krilin_blocking_pool_pending/);
});

test('GET /api/v1/openapi.json describes every route with schemas', async () => {
  const r = await getJson(`${server.url}/api/v1/openapi.json`);
  assert.equal(r.status, 200);
  assert.equal(r.body.openapi, '3.1.0');
  for (const p of ['/health', '/health/ready', '/metrics', '/api/v1/openapi.json']) {
    assert.ok(r.body.paths[p], `${p} missing from the OpenAPI document`);
  }
  for (const [p, ops] of Object.entries(r.body.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (method === 'parameters') continue;
      assert.ok(op.responses, `${method} ${p} has no responses`);
    }
  }
});
