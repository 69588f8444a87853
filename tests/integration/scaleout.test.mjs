// Scale-out as deployed: two `krilin serve` instances on one PostgreSQL and one Redis. A
// WebSocket client on instance A receives, in order and exactly once, the events of actions
// sent to instance B; when A dies, the client reconnects to B with since_seq and loses
// nothing; a job scheduled once runs once. (Each instance runs its own outbox dispatcher and
// scheduler loop; they take turns and lease.)
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { PG_URL, REDIS_URL, getJson, openSocket, pgOrdinaryDatabase, startKrilin } from './support.mjs';

const skip = !(PG_URL && REDIS_URL) && 'needs the test command\'s PostgreSQL and Redis';

test('two instances, one PostgreSQL, one Redis: events cross instances in order, exactly once, and survive a dead instance', { skip }, async () => {
  const db = pgOrdinaryDatabase();
  const env = { KRILIN_DATABASE_URL: db.url, KRILIN_REDIS_URL: REDIS_URL };
  const a = await startKrilin({ env });
  const b = await startKrilin({ env });
  try {
    const call = (server, method, path, token, body) => getJson(`${server.url}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const signup = await call(a, 'POST', '/api/v1/auth/signup', undefined,
      { email: `scale-${randomBytes(5).toString('hex')}@example.com`, password: `correct horse ${randomBytes(4).toString('hex')}`, name: 'Sam' });
    assert.equal(signup.status, 201);
    const token = signup.body.access_token;  // tokens are valid on every instance (shared keys)
    assert.equal((await call(b, 'POST', '/api/v1/apps/habit-tracker/install', token, {})).status, 201);
    const habits = [];
    for (const name of ['Run', 'Read', 'Write', 'Stretch', 'Meditate'])
      habits.push((await call(b, 'POST', '/api/v1/apps/habit-tracker/action', token, { action: 'create_habit', params: { name } })).body.data.id);

    const onA = await openSocket(a.url, token);
    onA.send({ type: 'subscribe', app_id: 'habit-tracker', stream_id: 'completion_updates' });
    assert.equal((await onA.next((m) => m.type === 'subscribed')).seq, 0);
    const act = (action, habit) => call(b, 'POST', '/api/v1/apps/habit-tracker/action', token, { action, params: { habit_id: habit } });
    for (const h of habits) assert.equal((await act('log_completion', h)).status, 200);
    const got = [];
    for (let i = 0; i < habits.length; i++) got.push(await onA.next((m) => m.type === 'event', 10000));
    assert.deepEqual(got.map((e) => e.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(got.map((e) => e.data.habit_id), habits);
    await assert.rejects(onA.next((m) => m.type === 'event', 700));  // exactly once

    // A job scheduled once runs once, though both instances poll the schedules.
    const r = await call(b, 'POST', '/api/v1/apps/habit-tracker/action', token, { action: 'remind_me', params: { in_seconds: 1 } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const schedule = r.body.data.schedule_id;
    let runs = [];
    for (let i = 0; i < 40 && runs.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 250));
      runs = (await call(a, 'GET', `/api/v1/schedules/${schedule}/runs`, token)).body.runs;
    }
    await new Promise((res) => setTimeout(res, 1500));  // time for a second run, were there one
    runs = (await call(a, 'GET', `/api/v1/schedules/${schedule}/runs`, token)).body.runs;
    assert.deepEqual(runs.map((x) => x.status), ['succeeded']);
    const notes = (await call(b, 'GET', '/api/v1/notifications', token)).body.notifications;
    assert.equal(notes.filter((n) => n.app_id === 'habit-tracker').length, 1);

    // A dies (no goodbye); B goes on; the client reconnects to B with what it has seen.
    await a.stop('SIGKILL');
    for (const h of habits.slice(0, 3)) assert.equal((await act('undo_completion', h)).status, 200);
    const onB = await openSocket(b.url, token);
    onB.send({ type: 'subscribe', app_id: 'habit-tracker', stream_id: 'completion_updates', since_seq: 5 });
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push(await onB.next((m) => m.type === 'event', 10000));
    assert.deepEqual(missed.map((e) => e.seq), [6, 7, 8]);
    assert.deepEqual(missed.map((e) => e.data.completed), [false, false, false]);
    await assert.rejects(onB.next((m) => m.type === 'event', 700));
    onB.close();
  } finally {
    await a.stop();
    await b.stop();
    a.cleanup();
    b.cleanup();
  }
});
