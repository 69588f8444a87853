// The app platform from the outside, on SQLite and on PostgreSQL (there as an ordinary role,
// so that row-level security binds the server itself): the catalog and install plans,
// Habit Tracker and the Dashboard through HTTP alone, optimistic locking with If-Match,
// isolation with another user's real ids, grants and their revocation, the audit trail,
// uninstall protection, disable/enable, purge, and bad input answered precisely.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { PG_URL, assertEnvelope, getJson, pgOrdinaryDatabase, startKrilin } from './support.mjs';

const backends = [['sqlite', () => ({ env: {} })]];
if (PG_URL) {
  backends.push(['postgresql', () => {
    const db = pgOrdinaryDatabase();
    return { env: { KRILIN_DATABASE_URL: db.url }, db };
  }]);
}

const unique = () => randomBytes(6).toString('hex');

for (const [backend, setup] of backends) {
  describe(`app platform on ${backend}`, () => {
    let server, db, a, b;
    const call = (method, path, { body, token, headers = {} } = {}) =>
      getJson(`${server.url}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body !== undefined ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
      });
    const signup = async (name) => {
      const r = await call('POST', '/api/v1/auth/signup', {
        body: { email: `${name}-${unique()}@example.com`, password: `correct horse ${unique()}`, name },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { token: r.body.access_token, id: r.body.user.id };
    };
    const act = (who, app, action, params = {}, headers = {}) =>
      call('POST', `/api/v1/apps/${app}/action`, { token: who.token, body: { action, params }, headers });
    const score = async (who) => {
      const r = await call('GET', '/api/v1/apps/dashboard/outputs/productivity_score', { token: who.token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.data;
    };

    before(async () => {
      const s = setup();
      db = s.db;
      server = await startKrilin({ env: s.env });
      await signup('admin');  // the first account is the administrator; A and B are ordinary users
      a = await signup('alice');
      b = await signup('bob');
    });
    after(async () => { await server.stop(); server.cleanup(); });

    test('the catalog lists both apps, and the plan puts Habit Tracker first, in plain words', async () => {
      const list = await call('GET', '/api/v1/apps', { token: a.token });
      assert.equal(list.status, 200);
      const ids = list.body.apps.map((x) => x.id).sort();
      assert.deepEqual(ids, ['dashboard', 'habit-tracker']);
      for (const app of list.body.apps) {
        assert.equal(app.installed, false);
        assert.match(app.version, /^\d+\.\d+\.\d+$/);
      }
      const plan = await call('GET', '/api/v1/apps/dashboard/install-plan', { token: a.token });
      assert.equal(plan.status, 200, JSON.stringify(plan.body));
      assert.deepEqual(plan.body.install.map((s) => s.id), ['habit-tracker', 'dashboard']);
      assert.equal(plan.body.install[0].required_by, 'dashboard');
      assert.deepEqual(plan.body.integrations, []);
      const words = plan.body.permissions.map((p) => p.text);
      assert.ok(words.includes('Read your habit streaks from Habit Tracker'), words.join(' | '));
      assert.ok(words.includes("Read today's habit completion rate from Habit Tracker"), words.join(' | '));
      assert.equal((await call('GET', '/api/v1/apps/nope/install-plan', { token: a.token })).status, 404);
      assert.equal((await call('GET', '/api/v1/apps', {})).status, 401);
    });

    test('A installs the dashboard, logs a habit and reads streaks and the score', async () => {
      const install = await call('POST', '/api/v1/apps/dashboard/install', { token: a.token, body: {} });
      assert.equal(install.status, 201, JSON.stringify(install.body));
      assert.deepEqual(install.body.install.map((s) => s.id), ['habit-tracker', 'dashboard']);
      const again = await call('POST', '/api/v1/apps/dashboard/install', { token: a.token, body: {} });
      assert.equal(again.status, 409);
      assertEnvelope(assert, again.body, 'already_installed');

      const created = await act(a, 'habit-tracker', 'create_habit', { name: 'Run' });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal(created.headers.get('etag'), '"1"');
      a.habit = created.body.data.id;
      const logged = await act(a, 'habit-tracker', 'log_completion', { habit_id: a.habit, note: '5 km' });
      assert.equal(logged.status, 200, JSON.stringify(logged.body));
      assert.deepEqual(logged.body.data.streak, { current: 1, best: 1 });
      a.log = logged.body.data.log.id;
      const twice = await act(a, 'habit-tracker', 'log_completion', { habit_id: a.habit });
      assert.equal(twice.body.data.already_logged, true);

      const streak = await act(a, 'habit-tracker', 'calculate_streak', { habit_id: a.habit });
      assert.equal(streak.body.data.current, 1);
      const streaks = await call('GET', '/api/v1/apps/habit-tracker/outputs/daily_streaks', { token: a.token });
      assert.equal(streaks.status, 200);
      assert.equal(streaks.body.data.habits[0].habit_id, a.habit);
      const s = await score(a);
      assert.equal(s.score, 74);  // 0.7 × 1 (all done today) + 0.3 × min(1/7, 1)
      assert.equal(s.partial, false);

      const page = await call('POST', '/api/v1/apps/habit-tracker/query', {
        token: a.token, body: { table: 'habit_logs', where: { habit_id: a.habit }, order_by: [{ field: 'date', dir: 'desc' }] },
      });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.equal(page.body.items.length, 1);
      assert.equal(page.body.items[0].data.note, '5 km');
    });

    test('optimistic locking: If-Match and expected_version answer 409 version_conflict', async () => {
      const ok = await act(a, 'habit-tracker', 'update_habit', { habit_id: a.habit, name: 'Morning run' }, { 'if-match': '"1"' });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.headers.get('etag'), '"2"');
      const stale = await act(a, 'habit-tracker', 'update_habit', { habit_id: a.habit, name: 'Evening run' }, { 'if-match': '"1"' });
      assert.equal(stale.status, 409);
      assertEnvelope(assert, stale.body, 'version_conflict');
      assert.equal(stale.body.error.app_id, 'habit-tracker');
      const staleParam = await act(a, 'habit-tracker', 'update_habit', { habit_id: a.habit, name: 'x', expected_version: 1 });
      assert.equal(staleParam.status, 409);
      const bad = await act(a, 'habit-tracker', 'update_habit', { habit_id: a.habit, name: 'x' }, { 'if-match': 'soon' });
      assert.equal(bad.status, 400);
      const name = await act(a, 'habit-tracker', 'calculate_streak', { habit_id: a.habit });
      assert.equal(name.status, 200);
    });

    test('B sees none of A\'s data by any app route, even with A\'s real ids', async () => {
      const notInstalled = await act(b, 'habit-tracker', 'calculate_streak', { habit_id: a.habit });
      assert.equal(notInstalled.status, 404);
      assertEnvelope(assert, notInstalled.body, 'app_not_installed');
      assert.equal((await call('POST', '/api/v1/apps/habit-tracker/install', { token: b.token, body: {} })).status, 201);
      for (const action of ['calculate_streak', 'log_completion', 'undo_completion', 'update_habit', 'archive_habit']) {
        const r = await act(b, 'habit-tracker', action, { habit_id: a.habit });
        assert.equal(r.status, 404, `${action}: ${JSON.stringify(r.body)}`);
        assert.ok(!JSON.stringify(r.body).includes(a.habit));
      }
      for (const table of ['habits', 'habit_logs']) {
        for (const where of [{}, { id: a.habit }, { id: a.log }]) {
          const r = await call('POST', '/api/v1/apps/habit-tracker/query', { token: b.token, body: { table, where } });
          assert.equal(r.status, 200);
          assert.deepEqual(r.body.items, []);
        }
      }
      const list = await act(b, 'habit-tracker', 'list_habits');
      assert.deepEqual(list.body.data.habits, []);
      const streaks = await call('GET', '/api/v1/apps/habit-tracker/outputs/daily_streaks', { token: b.token });
      assert.deepEqual(streaks.body.data.habits, []);
      const dash = await call('GET', '/api/v1/apps/dashboard/outputs/productivity_score', { token: b.token });
      assert.equal(dash.status, 404);
      // A is untouched.
      const mine = await act(a, 'habit-tracker', 'calculate_streak', { habit_id: a.habit });
      assert.equal(mine.body.data.current, 1);
    });

    if (backend === 'postgresql') {
      test('row-level security: the server\'s own role sees no app rows outside a user\'s transaction', () => {
        assert.equal(db.psql("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"), 'f');
        assert.equal(db.psql('SELECT count(*) FROM app_habit_tracker_habits'), '0');
        assert.equal(db.psql(`SELECT set_config('krilin.user_id', '${a.id}', false); SELECT count(*) FROM app_habit_tracker_habits`).split('\n').pop(), '1');
        assert.throws(() => db.psql(`INSERT INTO app_habit_tracker_habits (id, user_id, data, created_at, updated_at) VALUES ('x', '${a.id}', '{}', 0, 0)`), /row-level security/);
      });
    }

    test('revoking the dashboard\'s grant: its next read is refused (audited) and the score degrades', async () => {
      const grants = await call('GET', '/api/v1/grants', { token: a.token });
      assert.equal(grants.status, 200);
      const grant = grants.body.grants.find((g) => g.consumer === 'dashboard' && g.name === 'completion_rate');
      assert.ok(grant, JSON.stringify(grants.body));
      a.grant = grant.id;
      // B cannot see or revoke it.
      const theirs = await call('GET', '/api/v1/grants', { token: b.token });
      assert.ok(!JSON.stringify(theirs.body).includes(grant.id));
      assert.equal((await call('DELETE', `/api/v1/grants/${grant.id}`, { token: b.token })).status, 404);

      assert.equal((await call('DELETE', `/api/v1/grants/${grant.id}`, { token: a.token })).status, 204);
      assert.equal((await call('DELETE', `/api/v1/grants/${grant.id}`, { token: a.token })).status, 404);
      const s = await score(a);
      assert.equal(s.partial, true);
      assert.equal(s.score, null);
      assert.match(s.note, /grant revoked/);
      assert.deepEqual(s.sources, [{ app: 'habit-tracker', available: false, reason: 'grant revoked' }]);

      const audit = await call('GET', '/api/v1/audit?app=dashboard', { token: a.token });
      assert.equal(audit.status, 200);
      const reads = audit.body.entries.filter((e) => e.action === 'app.read');
      const denied = audit.body.entries.filter((e) => e.action === 'app.read_denied');
      assert.ok(reads.some((e) => e.detail.name === 'completion_rate' && e.detail.allowed === true));
      assert.ok(reads.some((e) => e.detail.name === 'daily_streaks'));
      assert.ok(denied.some((e) => e.detail.name === 'completion_rate' && e.detail.reason === 'grant_revoked'),
        JSON.stringify(denied));
      assert.ok(audit.body.entries.every((e) => e.app_id === 'dashboard' || e.detail.provider === 'dashboard'));
      // Paging: one at a time, newest first, each page disjoint.
      const p1 = await call('GET', '/api/v1/audit?app=dashboard&limit=1', { token: a.token });
      assert.equal(p1.body.entries.length, 1);
      const p2 = await call('GET', `/api/v1/audit?app=dashboard&limit=1&cursor=${p1.body.next_cursor}`, { token: a.token });
      assert.notEqual(p2.body.entries[0].id, p1.body.entries[0].id);
      assert.equal((await call('GET', `/api/v1/audit?since=${Date.now() + 60000}`, { token: a.token })).body.entries.length, 0);
      const bAudit = await call('GET', '/api/v1/audit', { token: b.token });
      assert.ok(!JSON.stringify(bAudit.body).includes(a.habit) && !JSON.stringify(bAudit.body).includes(grant.id));
    });

    test('uninstalling Habit Tracker under the dashboard answers 409 with the dependents; disable and enable', async () => {
      const r = await call('POST', '/api/v1/apps/habit-tracker/uninstall', { token: a.token, body: {} });
      assert.equal(r.status, 409);
      assertEnvelope(assert, r.body, 'has_dependents');
      assert.deepEqual(r.body.error.details.dependents, ['dashboard']);
      assert.match(r.body.error.message, /Analytics Dashboard/);

      const off = await call('POST', '/api/v1/apps/habit-tracker/uninstall', { token: a.token, body: { mode: 'disable' } });
      assert.equal(off.status, 200);
      const disabled = await act(a, 'habit-tracker', 'list_habits');
      assert.equal(disabled.status, 409);
      assertEnvelope(assert, disabled.body, 'app_disabled');
      assert.equal(disabled.body.error.app_id, 'habit-tracker');
      assert.deepEqual((await score(a)).sources, [{ app: 'habit-tracker', available: false, reason: 'disabled' }]);
      const apps = (await call('GET', '/api/v1/apps', { token: a.token })).body.apps;
      assert.deepEqual(apps.find((x) => x.id === 'habit-tracker').enabled, false);
      assert.equal((await call('POST', '/api/v1/apps/habit-tracker/enable', { token: a.token })).status, 200);
      assert.equal((await act(a, 'habit-tracker', 'list_habits')).body.data.habits.length, 1);
      const upgrade = await call('POST', '/api/v1/apps/habit-tracker/upgrade', { token: a.token });
      assert.equal(upgrade.status, 409);
      assertEnvelope(assert, upgrade.body, 'up_to_date');
    });

    test('bad input gets a precise 4xx and writes nothing', async () => {
      const cases = [
        [await act(a, 'nope', 'x'), 404, 'unknown_app'],
        [await act(a, 'habit-tracker', 'fly'), 404, 'unknown_action'],
        [await act(a, 'habit-tracker', 'create_habit', { name: 7 }), 400, 'invalid_params'],
        [await act(a, 'habit-tracker', 'create_habit', {}), 400, 'invalid_params'],
        [await act(a, 'habit-tracker', 'create_habit', { name: 'x', target: 1e9 }), 400, 'invalid_params'],
        [await act(a, 'habit-tracker', 'create_habit', { name: 'x', schedule: { kind: 'weekdays', days: ['funday'] } }), 400, 'invalid_params'],
        [await act(a, 'habit-tracker', 'log_completion', { habit_id: a.habit, date: '2026-13-01' }), 400, 'invalid_params'],
        [await act(a, 'habit-tracker', 'log_completion', { habit_id: a.habit, date: '2999-01-01' }), 400, 'date_in_future'],
        [await call('POST', '/api/v1/apps/habit-tracker/action', { token: a.token, body: { params: {} } }), 400, 'invalid_body'],
        [await call('POST', '/api/v1/apps/habit-tracker/action', { token: a.token, body: '{"action":' }), 400, null],
        [await call('POST', '/api/v1/apps/habit-tracker/query', { token: a.token, body: { table: 'secrets' } }), 400, null],
        [await call('POST', '/api/v1/apps/habit-tracker/query', { token: a.token, body: { table: 'habits', where: { password: 1 } } }), 400, 'unknown_field'],
        [await call('POST', '/api/v1/apps/habit-tracker/query', { token: a.token, body: { table: 'habits', where: { name: { regex: '.*' } } } }), 400, null],
        [await call('POST', '/api/v1/apps/habit-tracker/query', { token: a.token, body: { table: 'habits', where: { target: 'many' } } }), 400, null],
        [await call('POST', '/api/v1/apps/habit-tracker/query', { token: a.token, body: { table: 'habits', limit: 100000 } }), 400, 'invalid_limit'],
        [await call('GET', '/api/v1/apps/habit-tracker/outputs/secrets', { token: a.token }), 404, 'unknown_output'],
        [await call('POST', '/api/v1/apps/nope/install', { token: a.token, body: {} }), 404, 'unknown_app'],
        [await call('POST', '/api/v1/apps/habit-tracker/uninstall', { token: a.token, body: { mode: 'explode' } }), 400, null],
        [await call('POST', '/api/v1/apps/habit-tracker/purge', { token: a.token }), 409, 'app_installed'],
        [await call('PATCH', '/api/v1/me', { token: a.token, body: { time_zone: 'Mars/Olympus' } }), 400, 'invalid_time_zone'],
        [await call('GET', '/api/v1/audit?limit=abc', { token: a.token }), 400, 'invalid_limit'],
      ];
      const deep = '{"table":"habits","where":' + '{"$and":['.repeat(200) + '{}' + ']}'.repeat(200) + '}';
      cases.push([await call('POST', '/api/v1/apps/habit-tracker/query', { token: a.token, body: deep }), 400, null]);
      // (Bodies over max_body_bytes are refused with 413 before being read: http_errors.test.mjs.)
      const long = { action: 'create_habit', params: { name: 'x'.repeat(100_000) } };
      cases.push([await call('POST', '/api/v1/apps/habit-tracker/action', { token: a.token, body: long }), 400, 'invalid_params']);
      for (const [r, status, code] of cases) {
        assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 300));
        assertEnvelope(assert, r.body, code ?? undefined);
      }
      // Nothing was written by any of them.
      const habits = await call('POST', '/api/v1/apps/habit-tracker/query', { token: a.token, body: { table: 'habits' } });
      assert.equal(habits.body.items.length, 1);
    });

    test('the user\'s time zone decides what "today" is', async () => {
      const tz = await call('PATCH', '/api/v1/me', { token: a.token, body: { time_zone: 'Pacific/Kiritimati' } });
      assert.equal(tz.status, 200);
      assert.equal(tz.body.time_zone, 'Pacific/Kiritimati');
      const list = await act(a, 'habit-tracker', 'list_habits');
      const kiritimati = new Intl.DateTimeFormat('en-CA', { timeZone: 'Pacific/Kiritimati' }).format(new Date());
      assert.equal(list.body.data.date, kiritimati);
    });

    test('cascade uninstall keeps the data until purge', async () => {
      const r = await call('POST', '/api/v1/apps/habit-tracker/uninstall', { token: a.token, body: { mode: 'cascade' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.apps, ['dashboard', 'habit-tracker']);
      assert.deepEqual((await call('GET', '/api/v1/grants', { token: a.token })).body.grants, []);
      assert.equal((await call('POST', '/api/v1/apps/habit-tracker/install', { token: a.token, body: {} })).status, 201);
      assert.equal((await act(a, 'habit-tracker', 'list_habits')).body.data.habits.length, 1);
      assert.equal((await call('POST', '/api/v1/apps/habit-tracker/uninstall', { token: a.token, body: {} })).status, 200);
      const purge = await call('POST', '/api/v1/apps/habit-tracker/purge', { token: a.token });
      assert.equal(purge.status, 200);
      assert.equal(purge.body.records_deleted, 2);  // the habit and its one log
      assert.equal((await call('POST', '/api/v1/apps/habit-tracker/install', { token: a.token, body: {} })).status, 201);
      assert.deepEqual((await act(a, 'habit-tracker', 'list_habits')).body.data.habits, []);
      // B's data was not touched by A's purge.
      assert.equal((await act(b, 'habit-tracker', 'list_habits')).status, 200);
    });
  });
}
