// "Sign in with …" end to end against a real OpenID provider (the oidc-provider package):
// authorization code + PKCE + state + nonce, ID token verified with the provider's keys,
// accounts linked only by a verified email; state is single use.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startProvider, signInAt } from './oidc_provider.mjs';
import { PG_URL, assertEnvelope, freePort, getJson, startKrilin } from './support.mjs';

const backends = [['sqlite', {}]];
if (PG_URL) backends.push(['postgresql', { KRILIN_DATABASE_URL: PG_URL }]);
const unique = () => randomBytes(5).toString('hex');

for (const [backend, env] of backends) {
  describe(`OpenID Connect sign-in on ${backend}`, () => {
    let provider, server;
    before(async () => {
      const [providerPort, krilinPort] = [await freePort(), await freePort()];
      const redirectUri = `http://127.0.0.1:${krilinPort}/api/v1/auth/oidc/callback`;
      provider = await startProvider({ port: providerPort, redirectUri });
      server = await startKrilin({
        listen: `127.0.0.1:${krilinPort}`,
        env: {
          ...env,
          KRILIN_OIDC_ISSUER: provider.issuer,
          KRILIN_OIDC_CLIENT_ID: 'krilin',
          KRILIN_OIDC_CLIENT_SECRET: 'krilin-test-secret',
          KRILIN_OIDC_REDIRECT_URI: redirectUri,
        },
      });
    });
    after(async () => { await server?.stop(); server?.cleanup(); await provider?.close(); });

    const begin = async () => {
      const r = await fetch(`${server.url}/api/v1/auth/oidc/start`, { redirect: 'manual' });
      assert.equal(r.status, 302);
      const location = r.headers.get('location');
      const u = new URL(location);
      assert.equal(u.origin, provider.issuer);
      assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(u.searchParams.get('state') && u.searchParams.get('nonce'));
      return location;
    };

    test('a new person signs in, gets an account, and signs in again to the same one', async () => {
      const login = `oidc-${unique()}`;
      const back = await signInAt(await begin(), login);
      const first = await getJson(back);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.user.email, `${login}@example.com`);
      assert.equal(first.body.user.name, `User ${login}`);
      const me = await getJson(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${first.body.access_token}` } });
      assert.equal(me.status, 200);
      const again = await getJson(await signInAt(await begin(), login));
      assert.equal(again.status, 200);
      assert.equal(again.body.user.id, first.body.user.id);
      // The same code and state a second time: refused (state is single use).
      const replay = await getJson(back);
      assert.equal(replay.status, 401);
      assertEnvelope(assert, replay.body, 'invalid_oidc_state');
    });

    test('an existing password account is linked by its verified email', async () => {
      const login = `linked-${unique()}`;
      const signup = await getJson(`${server.url}/api/v1/auth/signup`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${login}@example.com`, password: `linked password ${unique()}`, name: 'Linked' }),
      });
      assert.equal(signup.status, 201);
      const r = await getJson(await signInAt(await begin(), login));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.user.id, signup.body.user.id);
    });

    test('forged or broken callbacks are refused', async () => {
      const made = await getJson(`${server.url}/api/v1/auth/oidc/callback?code=abc&state=not-ours`);
      assert.equal(made.status, 401);
      assertEnvelope(assert, made.body, 'invalid_oidc_state');
      const denied = await getJson(`${server.url}/api/v1/auth/oidc/callback?error=access_denied&state=x`);
      assert.equal(denied.status, 401);
      assertEnvelope(assert, denied.body, 'oidc_denied');
      // A real state with a made-up code: the provider refuses the exchange.
      const state = new URL(await begin()).searchParams.get('state');
      const bad = await getJson(`${server.url}/api/v1/auth/oidc/callback?code=made-up&state=${encodeURIComponent(state)}`);
      assert.equal(bad.status, 401, JSON.stringify(bad.body));
      assertEnvelope(assert, bad.body, 'oidc_code_refused');
    });
  });
}

test('without a configured provider the OIDC routes do not exist', async () => {
  const server = await startKrilin();
  try {
    const r = await getJson(`${server.url}/api/v1/auth/oidc/start`);
    assert.equal(r.status, 404);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('an email the provider did not verify is never used to link or create an account', async () => {
  const [providerPort, krilinPort] = [await freePort(), await freePort()];
  const redirectUri = `http://127.0.0.1:${krilinPort}/api/v1/auth/oidc/callback`;
  const provider = await startProvider({ port: providerPort, redirectUri, emailVerified: false });
  const server = await startKrilin({
    listen: `127.0.0.1:${krilinPort}`,
    env: { KRILIN_OIDC_ISSUER: provider.issuer, KRILIN_OIDC_CLIENT_ID: 'krilin', KRILIN_OIDC_CLIENT_SECRET: 'krilin-test-secret', KRILIN_OIDC_REDIRECT_URI: redirectUri },
  });
  try {
    const login = `victim-${unique()}`;
    const signup = await getJson(`${server.url}/api/v1/auth/signup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `${login}@example.com`, password: `victim password ${unique()}`, name: 'Victim' }),
    });
    assert.equal(signup.status, 201);
    const start = await fetch(`${server.url}/api/v1/auth/oidc/start`, { redirect: 'manual' });
    const r = await getJson(await signInAt(start.headers.get('location'), login));
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assertEnvelope(assert, r.body, 'oidc_email_unverified');
  } finally {
    await server.stop();
    server.cleanup();
    await provider.close();
  }
});
