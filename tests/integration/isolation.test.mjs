// Isolation, from the outside: every route of the live route table (read from the OpenAPI
// document) is called as user B with user A's real ids and data, and B must never see any
// of A's identifiers, nor change anything of A's. A route missing from the table below
// fails the test: a new route is not done until its isolation is decided here.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PG_URL, getJson, startKrilin } from './support.mjs';

// How each route is walked. public: needs no user, so it has nothing of A's to leak;
// scoped: answers about the caller only; by_id: takes an id in its path; last: ends the
// caller's own session(s), so it runs after the others; app: an app route (path {id} is
// the app, {output} each of its outputs), called with A's record ids in the body wherever
// a body takes one; app_state: changes the caller's own installed apps, after the others.
const ROUTES = {
  'GET /health': 'public',
  'GET /health/ready': 'public',
  'GET /metrics': 'public',
  'GET /api/v1/openapi.json': 'public',
  'POST /api/v1/auth/signup': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/refresh': 'public',
  'POST /api/v1/auth/mfa/verify': 'public',
  'GET /api/v1/me': 'scoped',
  'PATCH /api/v1/me': 'scoped',
  'GET /api/v1/audit': 'scoped',
  'GET /api/v1/auth/sessions': 'scoped',
  'POST /api/v1/auth/mfa/totp/enroll': 'scoped',
  'POST /api/v1/auth/mfa/totp/confirm': 'scoped',
  'POST /api/v1/auth/mfa/totp/remove': 'scoped',
  'POST /api/v1/me/password': 'scoped',
  'GET /api/v1/admin/users': 'scoped',
  'GET /api/v1/apps': 'scoped',
  'GET /api/v1/grants': 'scoped',
  'POST /api/v1/ws-ticket': 'scoped',
  'GET /api/v1/schedules': 'scoped',
  'GET /api/v1/schedules/{id}/runs': 'by_id',
  'DELETE /api/v1/schedules/{id}': 'by_id',
  'GET /api/v1/notifications': 'scoped',
  'POST /api/v1/notifications/read-all': 'scoped',
  'GET /api/v1/notifications/mutes': 'scoped',
  'PUT /api/v1/notifications/mutes/{app}': 'scoped',
  'DELETE /api/v1/notifications/mutes/{app}': 'scoped',
  'POST /api/v1/notifications/{id}/read': 'by_id',
  'DELETE /api/v1/notifications/{id}': 'by_id',
  'GET /ws': 'scoped',
  'GET /api/v1/me/desktop': 'scoped',
  'PUT /api/v1/me/desktop': 'scoped',
  'GET /api/v1/apps/{id}': 'app',
  'GET /api/v1/apps/{id}/install-plan': 'app',
  'POST /api/v1/apps/{id}/query': 'app',
  'POST /api/v1/apps/{id}/action': 'app',
  'GET /api/v1/apps/{id}/outputs/{output}': 'app',
  'POST /api/v1/apps/{id}/agent/chat': 'app',
  'POST /api/v1/apps/{id}/agent/confirm': 'app',
  'POST /api/v1/apps/{id}/agent-query': 'app',
  'GET /api/v1/apps/{id}/agent/conversations': 'app',
  'GET /api/v1/apps/{id}/agent/conversations/{cid}': 'app',
  'DELETE /api/v1/apps/{id}/agent/conversations/{cid}': 'app',
  'GET /api/v1/usage': 'scoped',
  'POST /api/v1/apps/{id}/install': 'app_state',
  'POST /api/v1/apps/{id}/uninstall': 'app_state',
  'POST /api/v1/apps/{id}/enable': 'app_state',
  'POST /api/v1/apps/{id}/disable': 'app_state',
  'POST /api/v1/apps/{id}/upgrade': 'app_state',
  'POST /api/v1/apps/{id}/purge': 'app_state',
  'DELETE /api/v1/grants/{id}': 'by_id',
  'DELETE /api/v1/auth/sessions/{id}': 'by_id',
  'POST /api/v1/admin/users/{id}/disable': 'by_id',
  'POST /api/v1/admin/users/{id}/enable': 'by_id',
  'POST /api/v1/admin/users/{id}/reset-mfa': 'by_id',
  'POST /api/v1/auth/logout': 'last',
  'POST /api/v1/auth/logout-all': 'last',
  'DELETE /api/v1/me': 'last',
};

const backends = [['sqlite', {}]];
if (PG_URL) backends.push(['postgresql', { KRILIN_DATABASE_URL: PG_URL }]);

for (const [backend, env] of backends) {
  test(`no route shows or changes another user's data (${backend})`, async () => {
    const server = await startKrilin({ env });
    try {
      const call = (method, path, token, body) => getJson(`${server.url}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const signup = async (name) => {
        const email = `${name}-${randomBytes(5).toString('hex')}@example.com`;
        const password = `${name} password ${randomBytes(4).toString('hex')}`;
        const r = await call('POST', '/api/v1/auth/signup', undefined, { email, password, name });
        assert.equal(r.status, 201);
        return { email, password, ...r.body };
      };
      await signup('first');  // takes the administrator role: A and B are ordinary users
      const a = await signup('alice');
      const b = await signup('bob');
      await call('POST', '/api/v1/auth/login', undefined, { email: a.email, password: 'wrong password here' });
      // A's apps and records: the dashboard (which brings Habit Tracker), a habit, a log, a grant.
      assert.equal((await call('POST', '/api/v1/apps/dashboard/install', a.access_token, {})).status, 201);
      const habit = (await call('POST', '/api/v1/apps/habit-tracker/action', a.access_token,
        { action: 'create_habit', params: { name: 'secret habit of alice' } })).body.data.id;
      const log = (await call('POST', '/api/v1/apps/habit-tracker/action', a.access_token,
        { action: 'log_completion', params: { habit_id: habit, note: 'secret note of alice' } })).body.data.log.id;
      assert.equal((await call('GET', '/api/v1/apps/dashboard/outputs/productivity_score', a.access_token)).status, 200);
      const reminder = (await call('POST', '/api/v1/apps/habit-tracker/action', a.access_token,
        { action: 'remind_me', params: { in_seconds: 1 } })).body.data.schedule_id;
      let aNotes = [];
      for (let i = 0; i < 40 && aNotes.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 250));
        aNotes = (await call('GET', '/api/v1/notifications', a.access_token)).body.notifications.map((n) => n.id);
      }
      assert.equal(aNotes.length, 1);
      // A talks to Habit Tracker's agent (no model configured here: the router answers) and
      // leaves a destructive request waiting for confirmation.
      const chat = async (message) => {
        const r = await fetch(`${server.url}/api/v1/apps/habit-tracker/agent/chat`, {
          method: 'POST',
          headers: { authorization: `Bearer ${a.access_token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ message }),
        });
        assert.equal(r.status, 200);
        const events = (await r.text()).split('\n\n').filter(Boolean).map((e) => ({
          event: e.match(/^event: (.*)$/m)[1], data: JSON.parse(e.match(/^data: (.*)$/m)[1]) }));
        return events;
      };
      const conversation = (await chat('what are my habits')).find((e) => e.event === 'conversation').data.conversation_id;
      const pending = (await chat('archive secret habit of alice')).find((e) => e.event === 'confirmation_required');
      const aAgent = [conversation, ...(pending ? [pending.data.id] : [])];
      const aGrants = (await call('GET', '/api/v1/grants', a.access_token)).body.grants.map((g) => g.id);
      assert.ok(aGrants.length > 0);
      const aSessions = (await call('GET', '/api/v1/auth/sessions', a.access_token)).body.sessions.map((s) => s.id);
      const aAudit = (await call('GET', '/api/v1/audit', a.access_token)).body.entries.map((e) => e.id);
      const desk = await call('PUT', '/api/v1/me/desktop', a.access_token,
        { dashboards: [{ id: 'secret-desk-of-alice', name: 'secret dashboard of alice', widgets: [] }], active: 'secret-desk-of-alice' });
      assert.equal(desk.status, 200);
      const secrets = [a.user.id, a.email, habit, log, reminder, ...aNotes, ...aAgent, 'secret habit of alice', 'secret note of alice',
        'secret dashboard of alice', 'secret-desk-of-alice', ...aGrants, ...aSessions, ...aAudit];
      const aIds = [a.user.id, habit, log, reminder, ...aNotes, ...aAgent, ...aGrants, ...aSessions, ...aAudit];
      // B has the same apps, so that B's calls reach the apps' code.
      assert.equal((await call('POST', '/api/v1/apps/dashboard/install', b.access_token, {})).status, 201);
      const catalog = (await call('GET', '/api/v1/apps', b.access_token)).body.apps;
      const manifests = {};
      for (const app of catalog) manifests[app.id] = (await call('GET', `/api/v1/apps/${app.id}`, b.access_token)).body.manifest;

      const doc = (await call('GET', '/api/v1/openapi.json')).body;
      const live = [];
      for (const [path, ops] of Object.entries(doc.paths))
        for (const method of Object.keys(ops)) live.push(`${method.toUpperCase()} ${path}`);
      const uncovered = live.filter((r) => !(r in ROUTES));
      assert.deepEqual(uncovered, [], `routes without an isolation decision: ${uncovered.join(', ')}`);

      const leaks = [];
      const check = (route, r) => {
        const text = JSON.stringify(r.body);
        for (const s of secrets) if (text.includes(s)) leaks.push(`${route} answered ${r.status} with ${s}`);
      };
      const order = (k) => ({ public: 0, scoped: 1, app: 2, by_id: 3, app_state: 4, last: 5 })[ROUTES[k]];
      for (const route of live.sort((x, y) => order(x) - order(y))) {
        const [method, path] = route.split(' ');
        const kind = ROUTES[route];
        const body = ['POST', 'PATCH', 'PUT', 'DELETE'].includes(method) ? {} : undefined;
        if (kind === 'app' || kind === 'app_state') {
          for (const app of Object.keys(manifests)) {
            const m = manifests[app];
            const paths = path.includes('{output}')
              ? Object.keys(m.outputs ?? {}).map((o) => path.replace('{id}', app).replace('{output}', o))
              : path.includes('{cid}') ? aIds.map((id) => path.replace('{id}', app).replace('{cid}', id))
                : [path.replace('{id}', app)];
            let bodies = [body];
            if (path.endsWith('/action'))
              bodies = Object.keys(m.actions ?? {}).flatMap((action) => aIds.map((id) => ({ action, params: { habit_id: id } })));
            if (path.endsWith('/agent/chat'))
              bodies = aIds.map((id) => ({ message: 'what are my habits', conversation_id: id }));
            if (path.endsWith('/agent/confirm')) bodies = aIds.map((id) => ({ id, approve: true }));
            if (path.endsWith('/agent-query')) bodies = aIds.map((id) => ({ question: 'what are my habits', conversation_id: id }));
            if (path.endsWith('/query'))
              bodies = Object.keys(m.tables ?? {}).flatMap((table) => aIds.map((id) => ({ table, where: { id } })));
            for (const p of paths) for (const bd of bodies) {
              const r = await call(method, p, b.access_token, bd);
              check(`${route} ${JSON.stringify(bd ?? {}).slice(0, 80)}`, r);
              assert.ok(r.status < 500, `${route} answered ${r.status}: ${JSON.stringify(r.body)}`);
            }
          }
        } else if (kind === 'by_id') {
          for (const id of aIds) {
            const r = await call(method, path.replace('{id}', id), b.access_token, body);
            check(route, r);
            assert.ok([403, 404].includes(r.status), `${route} with A's id ${id} answered ${r.status}`);
          }
        } else if (kind !== 'public' || !path.includes('/auth/')) {
          check(route, await call(method, path, b.access_token, body));
        }
      }
      assert.deepEqual(leaks, []);
      // And A is untouched: same sessions, still signed in, same name.
      const me = await call('GET', '/api/v1/me', a.access_token);
      assert.equal(me.status, 200);
      assert.equal(me.body.name, 'alice');
      assert.equal((await call('GET', '/api/v1/me/desktop', a.access_token)).body.dashboards[0]?.name, 'secret dashboard of alice');
      const after = (await call('GET', '/api/v1/auth/sessions', a.access_token)).body.sessions.map((s) => s.id);
      assert.deepEqual(after, aSessions);
      const streak = await call('POST', '/api/v1/apps/habit-tracker/action', a.access_token,
        { action: 'calculate_streak', params: { habit_id: habit } });
      assert.equal(streak.body.data.current, 1);
      const grantsAfter = (await call('GET', '/api/v1/grants', a.access_token)).body.grants;
      assert.deepEqual(grantsAfter.map((g) => [g.id, g.revoked_at]), aGrants.map((id) => [id, null]));
      assert.equal((await call('GET', '/api/v1/notifications', a.access_token)).body.notifications.length, 1);
      const convs = (await call('GET', '/api/v1/apps/habit-tracker/agent/conversations', a.access_token)).body.items;
      assert.ok(convs.some((c) => c.id === conversation), JSON.stringify(convs));
      if (pending) {
        const still = await call('GET', `/api/v1/apps/habit-tracker/agent/conversations/${pending.data.id}`, a.access_token);
        assert.equal(still.status, 404);  // a confirmation id is not a conversation id
      }
      assert.equal((await call('GET', `/api/v1/schedules/${reminder}/runs`, a.access_token)).body.runs.length, 1);
      const names = (await call('POST', '/api/v1/apps/habit-tracker/query', a.access_token, { table: 'habits' })).body.items;
      assert.deepEqual(names.map((h) => h.data.name), ['secret habit of alice']);
    } finally {
      await server.stop();
      server.cleanup();
    }
  });
}
