// Accounts from the outside, on both backends: sign-up, login without enumeration,
// refresh-token rotation and family revocation on reuse, logout and logout-all taking
// effect at once, bad tokens refused, one user never seeing another.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { PG_URL, REDIS_URL, assertEnvelope, getJson, startKrilin } from './support.mjs';

const backends = [['sqlite', {}]];
if (PG_URL) backends.push(['postgresql', { KRILIN_DATABASE_URL: PG_URL }]);
// Scale-out as deployed: PostgreSQL, and Redis for the failed sign-in counters.
if (PG_URL && REDIS_URL) backends.push(['postgresql with redis', { KRILIN_DATABASE_URL: PG_URL, KRILIN_REDIS_URL: REDIS_URL }]);

const unique = () => randomBytes(6).toString('hex');

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), written here from the RFC to check the server's.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 255); bits -= 8; }
  }
  return Buffer.from(out);
}
function totp(secretBase32, unixSeconds = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

for (const [backend, env] of backends) {
  describe(`accounts on ${backend}`, () => {
    let server;
    const call = (method, path, { body, token, headers = {} } = {}) =>
      getJson(`${server.url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    const signup = async (extra = {}) => {
      const email = `user-${unique()}@example.com`;
      const r = await call('POST', '/api/v1/auth/signup', {
        body: { email, password: `correct horse ${unique()}`, name: 'Ann', ...extra },
      });
      return { ...r, email };
    };

    before(async () => { server = await startKrilin({ env }); });
    after(async () => { await server.stop(); server.cleanup(); });

    test('sign-up answers a token pair and a refresh cookie; /me answers the user', async () => {
      const r = await signup({ email: `  Mixed.Case-${unique()}@Example.COM ` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.token_type, 'Bearer');
      assert.equal(r.body.expires_in, 900);
      assert.match(r.body.refresh_token, /^[A-Za-z0-9_-]{43}$/);
      assert.match(r.body.user.email, /^mixed\.case-[0-9a-f]+@example\.com$/);
      const cookie = r.headers.get('set-cookie');
      assert.match(cookie, /^krilin_refresh=[A-Za-z0-9_-]{43}; Path=\/api\/v1\/auth; Max-Age=2592000; HttpOnly; SameSite=Strict$/);
      const me = await call('GET', '/api/v1/me', { token: r.body.access_token });
      assert.equal(me.status, 200);
      assert.deepEqual(me.body, r.body.user);
    });

    test('bad sign-ups are refused with a 4xx in the envelope', async () => {
      const cases = [
        [{ password: 'short' }, 400, 'weak_password'],
        [{ password: 'baseball' }, 400, 'weak_password'],
        [{ password: 'Password1' }, 400, 'weak_password'],
        [{ email: 'not-an-email' }, 400, 'invalid_email'],
        [{ email: 'a@b@example.com' }, 400, 'invalid_email'],
        [{ name: '   ' }, 400, 'invalid_name'],
        [{ name: 'x'.repeat(101) }, 400, 'invalid_body'],
        [{ email: 42 }, 400, 'invalid_body'],
        [{ admin: true }, 400, 'invalid_body'],
        [{ password: 'p'.repeat(5000) }, 400, 'invalid_body'],
      ];
      for (const [extra, status, code] of cases) {
        const r = await signup(extra);
        assert.equal(r.status, status, `${JSON.stringify(extra).slice(0, 80)} → ${JSON.stringify(r.body)}`);
        assertEnvelope(assert, r.body, code);
      }
      const first = await signup();
      const again = await call('POST', '/api/v1/auth/signup', {
        body: { email: first.email.toUpperCase(), password: 'another good password', name: 'B' },
      });
      assert.equal(again.status, 409);
      assertEnvelope(assert, again.body, 'email_taken');
      const missing = await call('POST', '/api/v1/auth/signup', { body: { email: 'x@example.com' } });
      assert.equal(missing.status, 400);
    });

    test('unknown email and wrong password answer exactly alike', async () => {
      const { email } = await signup();
      const wrong = await call('POST', '/api/v1/auth/login', { body: { email, password: 'wrong password here' } });
      const unknown = await call('POST', '/api/v1/auth/login', {
        body: { email: `nobody-${unique()}@example.com`, password: 'wrong password here' },
      });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, wrong.status);
      assert.deepEqual(unknown.body, wrong.body);
      assertEnvelope(assert, wrong.body, 'invalid_credentials');
    });

    test('login works with any case of the email', async () => {
      const email = `login-${unique()}@example.com`;
      const password = `a fine password ${unique()}`;
      assert.equal((await call('POST', '/api/v1/auth/signup', { body: { email, password, name: 'L' } })).status, 201);
      const r = await call('POST', '/api/v1/auth/login', { body: { email: email.toUpperCase(), password } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.user.email, email);
    });

    test('refresh rotates; replaying a used token ends the whole session', async () => {
      const s = await signup();
      const r1 = await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: s.body.refresh_token } });
      assert.equal(r1.status, 200, JSON.stringify(r1.body));
      assert.notEqual(r1.body.refresh_token, s.body.refresh_token);
      assert.equal((await call('GET', '/api/v1/me', { token: r1.body.access_token })).status, 200);
      // The first token again: a replay.
      const replay = await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: s.body.refresh_token } });
      assert.equal(replay.status, 401);
      assertEnvelope(assert, replay.body, 'invalid_refresh_token');
      // Its whole family is gone: the newest refresh token and the access tokens too.
      const newest = await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: r1.body.refresh_token } });
      assert.equal(newest.status, 401);
      assert.equal((await call('GET', '/api/v1/me', { token: r1.body.access_token })).status, 401);
      assert.equal((await call('GET', '/api/v1/me', { token: s.body.access_token })).status, 401);
    });

    test('the refresh cookie works only with the anti-CSRF header', async () => {
      const s = await signup();
      const cookie = s.headers.get('set-cookie').split(';')[0];
      const bare = await call('POST', '/api/v1/auth/refresh', { body: {}, headers: { cookie } });
      assert.equal(bare.status, 403);
      assertEnvelope(assert, bare.body, 'csrf_check_failed');
      const ok = await call('POST', '/api/v1/auth/refresh', { body: {}, headers: { cookie, 'x-requested-with': 'krilin' } });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });

    test('logout ends this session at once; logout-all ends every session', async () => {
      const a = await signup();
      const b = await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: a.body.refresh_token } });
      assert.equal(b.status, 200);
      // A second device.
      const c = await call('POST', '/api/v1/auth/signup', {
        body: { email: `other-${unique()}@example.com`, password: 'second good password', name: 'C' },
      });
      assert.equal(c.status, 201);
      const out = await call('POST', '/api/v1/auth/logout', { token: b.body.access_token });
      assert.equal(out.status, 204);
      assert.equal((await call('GET', '/api/v1/me', { token: b.body.access_token })).status, 401);
      assert.equal((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: b.body.refresh_token } })).status, 401);
      // logout-all: every session of C's account, none of anyone else's.
      const email = `multi-${unique()}@example.com`;
      const pw = `multi device password ${unique()}`;
      const d1 = await call('POST', '/api/v1/auth/signup', { body: { email, password: pw, name: 'D' } });
      const d2 = await call('POST', '/api/v1/auth/login', { body: { email, password: pw } });
      assert.equal(d2.status, 200);
      assert.equal((await call('POST', '/api/v1/auth/logout-all', { token: d1.body.access_token })).status, 204);
      for (const t of [d1.body.access_token, d2.body.access_token])
        assert.equal((await call('GET', '/api/v1/me', { token: t })).status, 401);
      assert.equal((await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: d2.body.refresh_token } })).status, 401);
      assert.equal((await call('GET', '/api/v1/me', { token: c.body.access_token })).status, 200);
      // Signing in again works right away.
      const d3 = await call('POST', '/api/v1/auth/login', { body: { email, password: pw } });
      assert.equal(d3.status, 200);
      assert.equal((await call('GET', '/api/v1/me', { token: d3.body.access_token })).status, 200);
    });

    test('bad access tokens are refused', async () => {
      const s = await signup();
      const [h, p] = s.body.access_token.split('.');
      const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
      const bad = [
        `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
        `${h}.${b64({ ...payload, sub: 'someone-else' })}.${s.body.access_token.split('.')[2]}`,
        `${h}.${b64({ ...payload, exp: payload.exp + 3600 })}.${s.body.access_token.split('.')[2]}`,
        'garbage',
        '',
        'a.b.c',
      ];
      for (const token of bad) {
        const r = await call('GET', '/api/v1/me', { headers: { authorization: `Bearer ${token}` } });
        assert.equal(r.status, 401, token);
        assertEnvelope(assert, r.body);
      }
      const none = await call('GET', '/api/v1/me');
      assert.equal(none.status, 401);
      const basic = await call('GET', '/api/v1/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
      assert.equal(basic.status, 401);
    });

    test('each user sees only themselves', async () => {
      const a = await signup();
      const b = await signup();
      const meA = await call('GET', '/api/v1/me', { token: a.body.access_token });
      const meB = await call('GET', '/api/v1/me', { token: b.body.access_token });
      assert.equal(meA.body.id, a.body.user.id);
      assert.equal(meB.body.id, b.body.user.id);
      assert.notEqual(meA.body.id, meB.body.id);
      // B's token cannot end A's session.
      assert.equal((await call('POST', '/api/v1/auth/logout', { token: b.body.access_token })).status, 204);
      assert.equal((await call('GET', '/api/v1/me', { token: a.body.access_token })).status, 200);
    });

    test('sessions: listed per device, one can be ended, another user\'s id is not found', async () => {
      const email = `devices-${unique()}@example.com`;
      const pw = `devices password ${unique()}`;
      const one = await call('POST', '/api/v1/auth/signup', { body: { email, password: pw, name: 'S' }, headers: { 'user-agent': 'phone' } });
      const two = await call('POST', '/api/v1/auth/login', { body: { email, password: pw }, headers: { 'user-agent': 'laptop' } });
      const list = await call('GET', '/api/v1/auth/sessions', { token: two.body.access_token });
      assert.equal(list.status, 200);
      assert.equal(list.body.sessions.length, 2);
      const current = list.body.sessions.find((s) => s.current);
      const other = list.body.sessions.find((s) => !s.current);
      assert.equal(current.user_agent, 'laptop');
      assert.equal(other.user_agent, 'phone');
      // Someone else, with the real id of one of these sessions.
      const stranger = await signup();
      const theirs = await call('DELETE', `/api/v1/auth/sessions/${other.id}`, { token: stranger.body.access_token });
      assert.equal(theirs.status, 404);
      assertEnvelope(assert, theirs.body, 'session_not_found');
      assert.equal((await call('GET', '/api/v1/me', { token: one.body.access_token })).status, 200);
      const mine = await call('DELETE', `/api/v1/auth/sessions/${other.id}`, { token: two.body.access_token });
      assert.equal(mine.status, 204);
      assert.equal((await call('GET', '/api/v1/me', { token: one.body.access_token })).status, 401);
      assert.equal((await call('GET', '/api/v1/auth/sessions', { token: two.body.access_token })).body.sessions.length, 1);
      const again = await call('DELETE', `/api/v1/auth/sessions/${other.id}`, { token: two.body.access_token });
      assert.equal(again.status, 404);
    });

    test('password change needs the current password and ends every other session', async () => {
      const email = `pw-${unique()}@example.com`;
      const pw = `first password ${unique()}`;
      const a = await call('POST', '/api/v1/auth/signup', { body: { email, password: pw, name: 'P' } });
      const b = await call('POST', '/api/v1/auth/login', { body: { email, password: pw } });
      const wrong = await call('POST', '/api/v1/me/password', {
        token: a.body.access_token, body: { current_password: 'not it at all', new_password: 'second password ok' },
      });
      assert.equal(wrong.status, 403);
      assertEnvelope(assert, wrong.body, 'wrong_password');
      const weak = await call('POST', '/api/v1/me/password', {
        token: a.body.access_token, body: { current_password: pw, new_password: 'password1' },
      });
      assert.equal(weak.status, 400);
      const next = `second password ${unique()}`;
      const ok = await call('POST', '/api/v1/me/password', {
        token: a.body.access_token, body: { current_password: pw, new_password: next },
      });
      assert.equal(ok.status, 204, JSON.stringify(ok.body));
      assert.equal((await call('GET', '/api/v1/me', { token: a.body.access_token })).status, 200);
      assert.equal((await call('GET', '/api/v1/me', { token: b.body.access_token })).status, 401);
      assert.equal((await call('POST', '/api/v1/auth/login', { body: { email, password: pw } })).status, 401);
      assert.equal((await call('POST', '/api/v1/auth/login', { body: { email, password: next } })).status, 200);
    });

    test('PATCH /me renames; the audit log shows the account its own events only', async () => {
      const a = await signup();
      const renamed = await call('PATCH', '/api/v1/me', { token: a.body.access_token, body: { name: '  Zoë  ' } });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.name, 'Zoë');
      assert.equal((await call('PATCH', '/api/v1/me', { token: a.body.access_token, body: { name: 7 } })).status, 400);
      await call('POST', '/api/v1/auth/login', { body: { email: a.email, password: 'definitely wrong' } });
      const b = await signup();
      const log = await call('GET', '/api/v1/audit', { token: a.body.access_token });
      assert.equal(log.status, 200);
      const actions = log.body.entries.map((e) => e.action);
      assert.ok(actions.includes('account.created'), actions.join());
      assert.ok(actions.includes('login.failed'), actions.join());
      const theirs = await call('GET', '/api/v1/audit', { token: b.body.access_token });
      assert.ok(!theirs.body.entries.some((e) => e.action === 'login.failed'));
      assert.equal((await call('GET', '/api/v1/audit?limit=abc', { token: a.body.access_token })).status, 400);
    });

    test('repeated failed logins slow down, then answer 429 with Retry-After', async () => {
      const { email } = await signup();
      let last;
      for (let i = 0; i < 10; i++) {
        last = await call('POST', '/api/v1/auth/login', { body: { email, password: `wrong guess ${i}` } });
        assert.equal(last.status, 401, `attempt ${i}`);
      }
      const locked = await call('POST', '/api/v1/auth/login', { body: { email, password: 'wrong again' } });
      assert.equal(locked.status, 429);
      assertEnvelope(assert, locked.body, 'too_many_attempts');
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
    });

    test('TOTP: enrol, confirm, sign in with a second factor, refuse replays, throttle, remove', async () => {
      const email = `mfa-${unique()}@example.com`;
      const pw = `mfa password ${unique()}`;
      const a = await call('POST', '/api/v1/auth/signup', { body: { email, password: pw, name: 'M' } });
      const token = a.body.access_token;
      const enrol = await call('POST', '/api/v1/auth/mfa/totp/enroll', { token });
      assert.equal(enrol.status, 200);
      assert.match(enrol.body.secret, /^[A-Z2-7]{32}$/);
      assert.ok(enrol.body.otpauth_uri.startsWith('otpauth://totp/Krilin:'));
      assert.ok(enrol.body.otpauth_uri.includes(`secret=${enrol.body.secret}`));
      const secret = enrol.body.secret;
      const wrong = await call('POST', '/api/v1/auth/mfa/totp/confirm', { token, body: { code: '000000' === totp(secret) ? '111111' : '000000' } });
      assert.equal(wrong.status, 400);
      const confirm = await call('POST', '/api/v1/auth/mfa/totp/confirm', { token, body: { code: totp(secret) } });
      assert.equal(confirm.status, 200, JSON.stringify(confirm.body));
      assert.equal(confirm.body.recovery_codes.length, 10);
      const recovery = confirm.body.recovery_codes;
      assert.equal((await call('POST', '/api/v1/auth/mfa/totp/enroll', { token })).status, 409);

      const login = async () => {
        const r = await call('POST', '/api/v1/auth/login', { body: { email, password: pw } });
        assert.equal(r.status, 200);
        assert.equal(r.body.mfa_required, true);
        assert.equal(r.body.access_token, undefined);
        return r.body.mfa_token;
      };
      const verify = (body) => call('POST', '/api/v1/auth/mfa/verify', { body });
      const next = totp(secret, Date.now() / 1000 + 30);  // the step after the one confirm used
      const ok = await verify({ mfa_token: await login(), code: next });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const claims = JSON.parse(Buffer.from(ok.body.access_token.split('.')[1], 'base64url').toString());
      assert.equal(claims.aal, 2);
      assert.equal((await call('GET', '/api/v1/me', { token: ok.body.access_token })).status, 200);
      // The same code again: refused (accepted once).
      const replay = await verify({ mfa_token: await login(), code: next });
      assert.equal(replay.status, 401);
      assertEnvelope(assert, replay.body, 'invalid_mfa_code');
      // A recovery code works once.
      const rc = await verify({ mfa_token: await login(), recovery_code: recovery[0] });
      assert.equal(rc.status, 200, JSON.stringify(rc.body));
      assert.equal((await verify({ mfa_token: await login(), recovery_code: recovery[0] })).status, 401);
      // A made-up challenge.
      assert.equal((await verify({ mfa_token: 'made-up', code: next })).status, 401);
      // Wrong codes: 5 in 5 minutes, then 429 (2 failures above).
      const challenge = await login();
      for (let i = 0; i < 3; i++) assert.equal((await verify({ mfa_token: challenge, code: '000000' })).status, 401);
      const limited = await verify({ mfa_token: challenge, code: totp(secret) });
      assert.equal(limited.status, 429);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      // Removal needs the password and a code.
      assert.equal((await call('POST', '/api/v1/auth/mfa/totp/remove', { token, body: { password: 'wrong one here', code: recovery[1] } })).status, 403);
      const removed = await call('POST', '/api/v1/auth/mfa/totp/remove', { token, body: { password: pw, code: recovery[1] } });
      assert.equal(removed.status, 204, JSON.stringify(removed.body));
      const plain = await call('POST', '/api/v1/auth/login', { body: { email, password: pw } });
      assert.equal(plain.status, 200);
      assert.ok(plain.body.access_token);
      const log = await call('GET', '/api/v1/audit', { token });
      const actions = log.body.entries.map((e) => e.action);
      assert.ok(actions.includes('mfa.enabled') && actions.includes('mfa.disabled'), actions.join());
    });
  });
}
