// Administration and erasure, on both backends: an administrator made with the CLI lists,
// disables, enables and resets accounts; nobody else can; DELETE /me erases an account.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { KRILIN_BIN, PG_URL, assertEnvelope, getJson, startKrilin, tempDir } from './support.mjs';

const backends = [['sqlite', {}]];
if (PG_URL) backends.push(['postgresql', { KRILIN_DATABASE_URL: PG_URL }]);
const unique = () => randomBytes(6).toString('hex');

for (const [backend, env] of backends) {
  describe(`administration on ${backend}`, () => {
    let server;
    const dataDir = tempDir();
    const cli = (args, input) => spawnSync(KRILIN_BIN, [...args, '--data-dir', dataDir], {
      env: { PATH: process.env.PATH, ...env }, input, encoding: 'utf8', timeout: 30000,
    });
    const call = (method, path, { body, token } = {}) => getJson(`${server.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const adminEmail = `root-${unique()}@example.com`;
    const adminPassword = `root password ${unique()}`;
    let admin;

    before(async () => {
      const made = cli(['user', 'add', '--email', adminEmail, '--name', 'Root', '--admin'], `${adminPassword}\n`);
      assert.equal(made.status, 0, made.stderr);
      assert.match(made.stdout, /created .* \(admin/);
      server = await startKrilin({ env: { ...env, KRILIN_JWT_KEY_RELOAD_MS: '100' }, dataDir });
      admin = (await call('POST', '/api/v1/auth/login', { body: { email: adminEmail, password: adminPassword } })).body;
      assert.ok(admin.access_token, JSON.stringify(admin));
    });
    after(async () => { await server.stop(); server.cleanup(); });

    const newUser = async () => {
      const email = `u-${unique()}@example.com`;
      const password = `user password ${unique()}`;
      const r = await call('POST', '/api/v1/auth/signup', { body: { email, password, name: 'U' } });
      assert.equal(r.status, 201);
      return { email, password, ...r.body };
    };

    test('only administrators reach the admin routes', async () => {
      const u = await newUser();
      const r = await call('GET', '/api/v1/admin/users', { token: u.access_token });
      assert.equal(r.status, 403);
      assertEnvelope(assert, r.body, 'admin_only');
      assert.equal((await call('POST', `/api/v1/admin/users/${admin.user.id}/disable`, { token: u.access_token })).status, 403);
      const list = await call('GET', '/api/v1/admin/users', { token: admin.access_token });
      assert.equal(list.status, 200);
      const row = list.body.users.find((x) => x.id === u.user.id);
      assert.equal(row.email, u.email);
      assert.equal(row.disabled, false);
    });

    test('disabling ends the sessions at once; enabling lets the account back in', async () => {
      const u = await newUser();
      assert.equal((await call('POST', `/api/v1/admin/users/${u.user.id}/disable`, { token: admin.access_token })).status, 204);
      assert.equal((await call('GET', '/api/v1/me', { token: u.access_token })).status, 401);
      assert.equal((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refresh_token } })).status, 401);
      const blocked = await call('POST', '/api/v1/auth/login', { body: { email: u.email, password: u.password } });
      assert.equal(blocked.status, 403);
      assertEnvelope(assert, blocked.body, 'account_disabled');
      assert.equal((await call('POST', `/api/v1/admin/users/${u.user.id}/enable`, { token: admin.access_token })).status, 204);
      assert.equal((await call('POST', '/api/v1/auth/login', { body: { email: u.email, password: u.password } })).status, 200);
      assert.equal((await call('POST', `/api/v1/admin/users/${admin.user.id}/disable`, { token: admin.access_token })).status, 409);
      assert.equal((await call('POST', '/api/v1/admin/users/no-such-id/disable', { token: admin.access_token })).status, 404);
      const listed = cli(['user', 'list']);
      assert.equal(listed.status, 0, listed.stderr);
      assert.ok(listed.stdout.includes(adminEmail));
    });

    test('an administrator can reset a lost second factor', async () => {
      const u = await newUser();
      const enrol = await call('POST', '/api/v1/auth/mfa/totp/enroll', { token: u.access_token });
      assert.equal(enrol.status, 200);
      assert.equal((await call('POST', `/api/v1/admin/users/${u.user.id}/reset-mfa`, { token: admin.access_token })).status, 204);
      assert.equal((await call('POST', '/api/v1/admin/users/nobody/reset-mfa', { token: admin.access_token })).status, 404);
      const again = await call('POST', '/api/v1/auth/mfa/totp/enroll', { token: u.access_token });
      assert.equal(again.status, 200);
      assert.notEqual(again.body.secret, enrol.body.secret);
    });

    test('DELETE /me erases the account after the password', async () => {
      const u = await newUser();
      const wrong = await call('DELETE', '/api/v1/me', { token: u.access_token, body: { password: 'not the password' } });
      assert.equal(wrong.status, 403);
      assert.equal((await call('DELETE', '/api/v1/me', { token: u.access_token })).status, 415);
      const gone = await call('DELETE', '/api/v1/me', { token: u.access_token, body: { password: u.password } });
      assert.equal(gone.status, 204, JSON.stringify(gone.body));
      assert.equal((await call('GET', '/api/v1/me', { token: u.access_token })).status, 401);
      assert.equal((await call('POST', '/api/v1/auth/login', { body: { email: u.email, password: u.password } })).status, 401);
      const list = await call('GET', '/api/v1/admin/users', { token: admin.access_token });
      assert.ok(!list.body.users.some((x) => x.id === u.user.id));
      const back = await call('POST', '/api/v1/auth/signup', { body: { email: u.email, password: u.password, name: 'Again' } });
      assert.equal(back.status, 201);
    });

    // SQLite only: the data dir is this test's own, while the PostgreSQL database is shared
    // with servers of other test files that a rotation would surprise.
    test('krilin keys rotate: old tokens live on one rotation, not two', { skip: backend !== 'sqlite' }, async () => {
      const u = await newUser();
      const first = cli(['keys', 'rotate']);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /Rotated/);
      await new Promise((r) => setTimeout(r, 300));  // the server re-reads its keys
      assert.equal((await call('GET', '/api/v1/me', { token: u.access_token })).status, 200);
      const fresh = await call('POST', '/api/v1/auth/login', { body: { email: u.email, password: u.password } });
      assert.equal(fresh.status, 200);
      assert.equal(cli(['keys', 'rotate']).status, 0);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await call('GET', '/api/v1/me', { token: u.access_token })).status, 401);
      assert.equal((await call('GET', '/api/v1/me', { token: fresh.body.access_token })).status, 200);
    });
  });
}
