// GET/PUT /api/v1/me/desktop: the web desktop's per-user document (dashboards and widget
// places) — schema-checked, size-bounded, optimistic concurrency with If-Match/ETag (409 on a
// stale version), one user's never another's, deleted with the account. On SQLite and, when
// the test cluster is there, on PostgreSQL (as an ordinary role, as production connects).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PG_URL, assertEnvelope, getJson, pgOrdinaryDatabase, startKrilin } from './support.mjs';

const backends = [['sqlite', null]];
if (PG_URL) backends.push(['postgresql', 'pg']);

const doc = (name = 'Home', widgets = [{ i: 'habit-tracker/streaks', app: 'habit-tracker', widget: 'streaks', x: 0, y: 0, w: 4, h: 4 }]) => ({
  dashboards: [{ id: 'd1', name, widgets }],
  active: 'd1',
  known: ['habit-tracker/streaks'],
});

for (const [backend, kind] of backends) {
  describe(`the desktop document on ${backend}`, () => {
    let server, db;
    const call = (method, p, token, body, headers = {}) => getJson(`${server.url}${p}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const signup = async (name) => {
      const password = `correct horse ${randomBytes(4).toString('hex')}`;
      const r = await call('POST', '/api/v1/auth/signup', undefined, { email: `${name}-${randomBytes(5).toString('hex')}@example.com`, password, name });
      assert.equal(r.status, 201);
      return { token: r.body.access_token, id: r.body.user.id, password };
    };
    const rowsFor = (userId) => {
      const sql = `SELECT count(*) FROM user_desktops WHERE user_id = '${userId}'`;
      if (kind === 'pg') return Number(db.psql(sql));
      const file = readdirSync(server.dataDir).find((f) => f.endsWith('.db') || f.endsWith('.sqlite') || f.endsWith('.sqlite3'));
      const r = spawnSync('sqlite3', [path.join(server.dataDir, file), sql], { encoding: 'utf8' });
      return Number(r.stdout.trim());
    };

    before(async () => {
      if (kind === 'pg') db = pgOrdinaryDatabase();
      server = await startKrilin({ env: db ? { KRILIN_DATABASE_URL: db.url } : {} });
    });
    after(async () => { await server.stop(); server.cleanup(); });

    test('an account that never saved one reads an empty document at version 0', async () => {
      const a = await signup('ada');
      const r = await call('GET', '/api/v1/me/desktop', a.token);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, { dashboards: [], active: null, known: [], version: 0 });
      assert.equal(r.headers.get('etag'), '"0"');
      const anon = await call('GET', '/api/v1/me/desktop');
      assert.equal(anon.status, 401);
    });

    test('PUT saves and bumps the version; If-Match with a stale version is 409 and changes nothing', async () => {
      const a = await signup('bea');
      const first = await call('PUT', '/api/v1/me/desktop', a.token, doc('Home'), { 'if-match': '"0"' });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.version, 1);
      assert.equal(first.headers.get('etag'), '"1"');
      const second = await call('PUT', '/api/v1/me/desktop', a.token, doc('Focus'), { 'if-match': '"1"' });
      assert.equal(second.body.version, 2);
      const stale = await call('PUT', '/api/v1/me/desktop', a.token, doc('Lost'), { 'if-match': '"1"' });
      assert.equal(stale.status, 409);
      assertEnvelope(assert, stale.body, 'version_conflict');
      const got = await call('GET', '/api/v1/me/desktop', a.token);
      assert.equal(got.body.version, 2);
      assert.equal(got.body.dashboards[0].name, 'Focus');
      assert.deepEqual(got.body.dashboards[0].widgets, doc().dashboards[0].widgets);
      assert.deepEqual(got.body.known, ['habit-tracker/streaks']);
      // Without If-Match: last writer wins.
      const blind = await call('PUT', '/api/v1/me/desktop', a.token, doc('Blind'));
      assert.equal(blind.body.version, 3);
      // A first save that raced another first save.
      const c = await signup('cy');
      assert.equal((await call('PUT', '/api/v1/me/desktop', c.token, doc(), { 'if-match': '"0"' })).status, 200);
      assert.equal((await call('PUT', '/api/v1/me/desktop', c.token, doc(), { 'if-match': '"0"' })).status, 409);
      const bad = await call('PUT', '/api/v1/me/desktop', c.token, doc(), { 'if-match': 'soon' });
      assert.equal(bad.status, 400);
      assertEnvelope(assert, bad.body, 'invalid_if_match');
    });

    test('the document is schema-checked and bounded', async () => {
      const a = await signup('dee');
      const bodies = [
        {},
        { dashboards: 'no', active: null },
        { dashboards: [{ id: 'd', name: 'x' }], active: null },
        { dashboards: [{ id: 'd', name: 'x', widgets: [{ i: 'a/b', app: 'a', widget: 'b', x: -1, y: 0, w: 1, h: 1 }] }], active: null },
        { ...doc(), extra: true },
        { ...doc(''.padEnd(81, 'n')) },
      ];
      for (const body of bodies) {
        const r = await call('PUT', '/api/v1/me/desktop', a.token, body);
        assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)} answered ${r.status}`);
        assertEnvelope(assert, r.body);
      }
      const widgets = Array.from({ length: 100 }, (_, n) => ({ i: `some-app-${n}/${'w'.padEnd(90, 'w')}`, app: `some-app-${n}`, widget: 'w'.padEnd(90, 'w'), x: 0, y: n, w: 2, h: 2 }));
      const big = { dashboards: Array.from({ length: 4 }, (_, n) => ({ id: `d${n}`, name: `D${n}`, widgets })), active: 'd0' };
      const r = await call('PUT', '/api/v1/me/desktop', a.token, big);
      assert.equal(r.status, 413);
      assertEnvelope(assert, r.body, 'desktop_too_large');
      assert.equal((await call('GET', '/api/v1/me/desktop', a.token)).body.version, 0);
    });

    test('one user never sees or changes another’s; deleting the account deletes it', async () => {
      const a = await signup('eve');
      const b = await signup('fay');
      assert.equal((await call('PUT', '/api/v1/me/desktop', a.token, doc('secret of eve'))).status, 200);
      const seen = await call('GET', '/api/v1/me/desktop', b.token);
      assert.equal(seen.body.version, 0);
      assert.ok(!JSON.stringify(seen.body).includes('secret of eve'));
      assert.equal((await call('PUT', '/api/v1/me/desktop', b.token, doc('mine'), { 'if-match': '"1"' })).status, 409);
      assert.equal((await call('GET', '/api/v1/me/desktop', a.token)).body.dashboards[0].name, 'secret of eve');
      assert.equal(rowsFor(a.id), 1);
      const gone = await call('DELETE', '/api/v1/me', a.token, { password: a.password });
      assert.ok(gone.status === 204 || gone.status === 200, `DELETE /me answered ${gone.status}`);
      assert.equal(rowsFor(a.id), 0);
    });
  });
}
