// Real time from the outside, browser-free: /ws with single-use tickets, subscriptions
// checked, the productivity score arriving after log_completion, replay with since_seq,
// bad messages answered on the socket, and no event of one user reaching another —
// on SQLite (in-process bus) and on PostgreSQL with Redis (the scale-out bus).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { PG_URL, REDIS_URL, getJson, openSocket, rawExchange, startKrilin } from './support.mjs';

const backends = [['sqlite', {}]];
if (PG_URL && REDIS_URL) backends.push(['postgresql with redis', { KRILIN_DATABASE_URL: PG_URL, KRILIN_REDIS_URL: REDIS_URL }]);

for (const [backend, env] of backends) {
  describe(`real time on ${backend}`, () => {
    let server, a, b;
    const call = (method, path, token, body) => getJson(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const signup = async (name) => {
      const r = await getJson(`${server.url}/api/v1/auth/signup`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `${name}-${randomBytes(5).toString('hex')}@example.com`, password: `correct horse ${randomBytes(4).toString('hex')}`, name }),
      });
      assert.equal(r.status, 201);
      return { token: r.body.access_token, id: r.body.user.id };
    };
    const act = (who, action, params) => call('POST', '/api/v1/apps/habit-tracker/action', who.token, { action, params });
    const isEvent = (app, stream) => (m) => m.type === 'event' && m.app_id === app && m.stream_id === stream;

    before(async () => {
      server = await startKrilin({ env });
      a = await signup('alice');
      b = await signup('bob');
      for (const who of [a, b]) assert.equal((await call('POST', '/api/v1/apps/dashboard/install', who.token, {})).status, 201);
      a.habit = (await act(a, 'create_habit', { name: 'Run' })).body.data.id;
      a.habit2 = (await act(a, 'create_habit', { name: 'Read' })).body.data.id;
    });
    after(async () => { await server.stop(); server.cleanup(); });

    test('tickets are single use; no ticket, a bad one or a used one is refused before the upgrade', async () => {
      const s = await openSocket(server.url, a.token);
      await assert.rejects(openSocket(server.url, a.token, { ticket: s.ticket }));
      await assert.rejects(openSocket(server.url, a.token, { ticket: 'not-a-ticket' }));
      const plain = await getJson(`${server.url}/ws?ticket=nope`);
      assert.equal(plain.status, 400);
      assert.equal(plain.body.error.code, 'websocket_required');
      const upgrade = await rawExchange(server.port, [
        'GET /ws?ticket=nope HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'], { timeoutMs: 2000 });
      assert.match(upgrade.data, /^HTTP\/1\.1 401/);
      assert.match(upgrade.data, /invalid_ticket/);
      s.close();
    });

    test('the score update arrives over /ws after log_completion, and B hears nothing of it', async () => {
      const sa = await openSocket(server.url, a.token);
      const sb = await openSocket(server.url, b.token);
      for (const s of [sa, sb]) {
        s.send({ type: 'subscribe', app_id: 'dashboard', stream_id: 'productivity_score' });
        s.send({ type: 'subscribe', app_id: 'habit-tracker', stream_id: 'completion_updates' });
        for (const stream of ['productivity_score', 'completion_updates']) {
          const ack = await s.next((m) => m.type === 'subscribed' && m.stream_id === stream);
          assert.equal(ack.seq, 0);
        }
      }
      assert.equal((await act(a, 'log_completion', { habit_id: a.habit })).status, 200);
      const done = await sa.next(isEvent('habit-tracker', 'completion_updates'));
      assert.equal(done.seq, 1);
      assert.equal(done.data.habit_id, a.habit);
      assert.deepEqual(done.data.streak, { current: 1, best: 1 });
      const score = await sa.next(isEvent('dashboard', 'productivity_score'));
      assert.equal(score.seq, 1);
      assert.equal(score.data.score, 37);  // one of two habits done today: 0.7 × 0.5 + 0.3 × (0.5 / 7)
      await assert.rejects(sb.next((m) => m.type === 'event', 500));
      sa.close();
      sb.close();
    });

    test('a client that reconnects with since_seq gets exactly what it missed, in order', async () => {
      const s = await openSocket(server.url, a.token);
      s.send({ type: 'subscribe', app_id: 'habit-tracker', stream_id: 'completion_updates' });
      const ack = await s.next((m) => m.type === 'subscribed');
      const seen = ack.seq;
      s.close();
      await act(a, 'log_completion', { habit_id: a.habit2 });
      await act(a, 'undo_completion', { habit_id: a.habit2 });
      await act(a, 'log_completion', { habit_id: a.habit2 });
      const again = await openSocket(server.url, a.token);
      again.send({ type: 'subscribe', app_id: 'habit-tracker', stream_id: 'completion_updates', since_seq: seen });
      const got = [];
      for (let i = 0; i < 3; i++) got.push(await again.next(isEvent('habit-tracker', 'completion_updates')));
      assert.deepEqual(got.map((e) => e.seq), [seen + 1, seen + 2, seen + 3]);
      assert.deepEqual(got.map((e) => e.data.completed), [true, false, true]);
      await assert.rejects(again.next((m) => m.type === 'event', 500));  // exactly once
      // Live after the replay, without a gap or a repeat.
      await act(a, 'undo_completion', { habit_id: a.habit2 });
      assert.equal((await again.next(isEvent('habit-tracker', 'completion_updates'))).seq, seen + 4);
      // A since_seq from the future: resync.
      again.send({ type: 'subscribe', app_id: 'dashboard', stream_id: 'productivity_score', since_seq: 999 });
      const r = await again.next((m) => m.type === 'resync_required');
      assert.equal(r.stream_id, 'productivity_score');
      again.close();
    });

    test('a reminder runs on schedule and its notification is pushed live, listed, and read', async () => {
      const s = await openSocket(server.url, a.token);
      s.send({ type: 'subscribe', app_id: 'system', stream_id: 'notifications' });
      await s.next((m) => m.type === 'subscribed');
      const bad = await act(a, 'set_reminder', { time: '25:00' });
      assert.equal(bad.status, 400);
      const daily = await act(a, 'set_reminder', { time: '07:30' });
      assert.equal(daily.status, 200, JSON.stringify(daily.body));
      const again = await act(a, 'set_reminder', { time: '21:05' });  // replaces the first
      const r = await act(a, 'remind_me', { in_seconds: 1 });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const pushed = await s.next((m) => m.type === 'event' && m.app_id === 'system', 8000);
      assert.equal(pushed.data.app_id, 'habit-tracker');
      assert.match(pushed.data.title, /habits? left today|All your habits/);
      assert.equal(pushed.data.link, '/apps/habit-tracker');
      const list = await call('GET', '/api/v1/notifications', a.token);
      assert.equal(list.status, 200);
      assert.equal(list.body.notifications[0].id, pushed.data.id);
      assert.equal(list.body.unread, 1);
      assert.equal((await call('GET', '/api/v1/notifications', b.token)).body.notifications.length, 0);
      assert.equal((await call('POST', `/api/v1/notifications/${pushed.data.id}/read`, b.token)).status, 404);
      assert.equal((await call('POST', `/api/v1/notifications/${pushed.data.id}/read`, a.token)).status, 204);
      assert.equal((await call('GET', '/api/v1/notifications?unread=true', a.token)).body.notifications.length, 0);
      const schedules = (await call('GET', '/api/v1/schedules?app=habit-tracker', a.token)).body.schedules;
      const live = schedules.filter((x) => x.next_run_at !== null);
      assert.deepEqual(live.map((x) => x.cron), ['05 21 * * *']);
      assert.equal(live[0].id, again.body.data.schedule_id);
      const once = schedules.find((x) => x.id === r.body.data.schedule_id);
      const runs = (await call('GET', `/api/v1/schedules/${once.id}/runs`, a.token)).body.runs;
      assert.deepEqual(runs.map((x) => x.status), ['succeeded']);
      assert.equal((await call('GET', `/api/v1/schedules/${once.id}/runs`, b.token)).status, 404);
      assert.equal((await call('DELETE', `/api/v1/schedules/${live[0].id}`, b.token)).status, 404);
      assert.equal((await call('DELETE', `/api/v1/schedules/${live[0].id}`, a.token)).status, 204);
      s.close();
    });

    test('bad messages are answered on the socket, which stays open', async () => {
      const s = await openSocket(server.url, b.token);
      const cases = [
        ['{"type":', 'invalid_message'],
        ['[1,2]', 'invalid_message'],
        [{ type: 'dance' }, 'unknown_type'],
        [{ type: 'subscribe', app_id: 'habit-tracker', stream_id: 'secrets' }, 'unknown_stream'],
        [{ type: 'subscribe', app_id: 'nope', stream_id: 'x' }, 'unknown_app'],
        [{ type: 'subscribe', app_id: 'habit-tracker', stream_id: 'completion_updates', since_seq: -4 }, 'invalid_message'],
        [{ type: 'subscribe', app_id: 'habit-tracker', stream_id: 'completion_updates', since_seq: 'x' }, 'invalid_message'],
      ];
      for (const [msg, code] of cases) {
        s.send(msg);
        const e = await s.next((m) => m.type === 'error');
        assert.equal(e.code, code, JSON.stringify(msg));
      }
      s.send({ type: 'ping' });
      await s.next((m) => m.type === 'pong');
      assert.equal(s.closed, null);
      // An oversized message (over 64 KiB) is not read: the socket closes with 1009.
      s.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(70000) }));
      await assert.rejects(s.next((m) => m.type === 'pong', 3000), /closed 1009/);
      // An app the user has not installed.
      const c = await signup('carol');
      const sc = await openSocket(server.url, c.token);
      sc.send({ type: 'subscribe', app_id: 'habit-tracker', stream_id: 'completion_updates' });
      assert.equal((await sc.next((m) => m.type === 'error')).code, 'app_not_installed');
      sc.close();
    });
  });
}
