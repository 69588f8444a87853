// The apps' agents from the outside, on SQLite and on PostgreSQL, against the local fake of
// the Anthropic Messages API (tests/fakes/anthropic.mjs) and with no provider at all:
// a multi-step tool conversation streamed over SSE that changes the habit data, a
// destructive action waiting for the user's yes, the daily cap stopping the next call before
// the model is called, the Dashboard asking Habit Tracker's agent with a grant and refused
// without, the offline router as the whole agent, conversations and usage, and bad input.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startAnthropicFake } from '../fakes/anthropic.mjs';
import { startOpenAIFake } from '../fakes/openai.mjs';
import { PG_URL, assertEnvelope, getJson, pgOrdinaryDatabase, startKrilin } from './support.mjs';

const backends = [['sqlite', () => ({ env: {} })]];
if (PG_URL) {
  backends.push(['postgresql', () => {
    const db = pgOrdinaryDatabase();
    return { env: { KRILIN_DATABASE_URL: db.url }, db };
  }]);
}

const unique = () => randomBytes(6).toString('hex');
const KEY = 'sk-ant-test-key';

// A client for one server.
function clientOf(server) {
  const call = (method, path, { body, token } = {}) =>
    getJson(`${server.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  const signup = async (name) => {
    const r = await call('POST', '/api/v1/auth/signup', {
      body: { email: `${name}-${unique()}@example.com`, password: `correct horse ${unique()}`, name },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { token: r.body.access_token, id: r.body.user.id };
  };
  const act = async (who, app, action, params = {}) => {
    const r = await call('POST', `/api/v1/apps/${app}/action`, { token: who.token, body: { action, params } });
    assert.equal(r.status, 200, `${action}: ${JSON.stringify(r.body)}`);
    return r.body.data;
  };
  // POSTs and reads the event stream as it arrives: [{event, data, at}] in order.
  const stream = async (who, path, body) => {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
      const text = await res.text();
      let parsed;
      try { parsed = JSON.parse(text); } catch { parsed = text; }
      return { status: res.status, body: parsed, events: [] };
    }
    const events = [];
    const decoder = new TextDecoder();
    let buffer = '';
    let chunks = 0;
    for await (const chunk of res.body) {
      chunks++;
      buffer += decoder.decode(chunk, { stream: true });
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const raw = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const event = raw.match(/^event: (.*)$/m)?.[1];
        const data = raw.match(/^data: (.*)$/m)?.[1];
        events.push({ event, data: JSON.parse(data), chunk: chunks });
      }
    }
    return { status: res.status, events, chunks };
  };
  const chat = (who, app, message, conversation_id) =>
    stream(who, `/api/v1/apps/${app}/agent/chat`, conversation_id ? { message, conversation_id } : { message });
  return { call, signup, act, stream, chat };
}

const names = (events) => events.map((e) => e.event);
const textOf = (events) => events.filter((e) => e.event === 'text').map((e) => e.data.delta).join('');
const doneOf = (events) => events.find((e) => e.event === 'done')?.data;

for (const [backend, setup] of backends) {
  describe(`agents on ${backend}, against the Anthropic fake`, () => {
    let server, fake, c, a, b, habit;
    before(async () => {
      fake = await startAnthropicFake({ apiKeys: [KEY] });
      const s = setup();
      server = await startKrilin({
        env: { ...s.env, KRILIN_ANTHROPIC_API_KEY: KEY, KRILIN_ANTHROPIC_BASE_URL: fake.url, KRILIN_AGENT_IDLE_TIMEOUT_MS: '1500' },
      });
      c = clientOf(server);
      await c.signup('admin');
      a = await c.signup('alice');
      b = await c.signup('bob');
      for (const who of [a, b])
        assert.equal((await c.call('POST', '/api/v1/apps/dashboard/install', { token: who.token, body: {} })).status, 201);
      habit = (await c.act(a, 'habit-tracker', 'create_habit', { name: 'Running' })).id;
    });
    after(async () => {
      await server?.stop();
      server?.cleanup();
      await fake?.close();
    });

    test('a multi-step tool conversation streams over SSE and changes the habit data', async () => {
      const before = fake.requests.length;
      fake.push(
        { match: 'felt great', reply: { text: 'Nice one! Let me write that down for you.', tools: [{ name: 'log_completion', input: { habit_id: habit } }] } },
        { match: { toolResult: habit }, reply: { text: 'Logged your run for today. Keep the streak going!' }, stream: { delayMs: 20 } },
      );
      const r = await c.chat(a, 'habit-tracker', 'I went out for a jog this morning and it felt great, note it down');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const ev = names(r.events);
      assert.equal(ev[0], 'conversation');
      assert.equal(ev.at(-1), 'done');
      assert.ok(!ev.includes('error'), JSON.stringify(r.events));
      const call = r.events.find((e) => e.event === 'tool_call');
      assert.equal(call.data.name, 'log_completion');
      assert.deepEqual(call.data.input, { habit_id: habit });
      const result = r.events.find((e) => e.event === 'tool_result');
      assert.equal(result.data.ok, true, JSON.stringify(result.data));
      // text streamed as deltas, before and after the tool call
      assert.ok(r.events.filter((e) => e.event === 'text').length >= 4, JSON.stringify(ev));
      assert.ok(ev.indexOf('text') < ev.indexOf('tool_call') && ev.lastIndexOf('text') > ev.indexOf('tool_result'));
      assert.match(textOf(r.events), /Logged your run for today/);
      // flushed as they happen: the events of the second (slow) call arrive in many chunks
      assert.ok(r.chunks > 3, `arrived in ${r.chunks} chunks`);
      const done = doneOf(r.events);
      assert.equal(done.status, 'completed');
      assert.equal(done.routed, false);
      assert.ok(done.usage.input_tokens > 0 && done.usage.output_tokens > 0, JSON.stringify(done));
      assert.ok(done.cost_micros > 0, JSON.stringify(done));
      // the data changed
      const streak = await c.act(a, 'habit-tracker', 'calculate_streak', { habit_id: habit });
      assert.equal(streak.current, 1);
      // two model calls, the second carrying the tool result as data; tools and system cached
      const sent = fake.requests.slice(before).filter((q) => q.path === '/v1/messages');
      assert.equal(sent.length, 2);
      assert.equal(sent[0].headers.authorization, `Bearer ${KEY}`);
      assert.equal(sent[0].headers['anthropic-version'], '2026-10-21');
      const body0 = sent[0].body;
      assert.equal(body0.stream, true);
      assert.ok(body0.max_tokens <= 1000);
      assert.ok(body0.tools.some((t) => t.name === 'log_completion' && t.input_schema.type === 'object'));
      assert.deepEqual(body0.tools.at(-1).cache_control, { type: 'ephemeral' });
      assert.deepEqual(body0.system.at(-1).cache_control, { type: 'ephemeral' });
      const last = sent[1].body.messages.at(-1);
      assert.equal(last.role, 'user');
      const tr = last.content.find((x) => x.type === 'tool_result');
      assert.ok(tr && JSON.stringify(tr.content).includes('data'), JSON.stringify(last));
      // the conversation is kept, with its tool call
      const conv = await c.call('GET', `/api/v1/apps/habit-tracker/agent/conversations/${done.conversation_id}`, { token: a.token });
      assert.equal(conv.status, 200);
      assert.ok(conv.body.messages.some((m) => m.tool_calls?.some((t) => t.name === 'log_completion')), JSON.stringify(conv.body));
      // B cannot see it
      assert.equal((await c.call('GET', `/api/v1/apps/habit-tracker/agent/conversations/${done.conversation_id}`, { token: b.token })).status, 404);
      const theirs = await c.call('GET', '/api/v1/apps/habit-tracker/agent/conversations', { token: b.token });
      assert.ok(!JSON.stringify(theirs.body).includes(done.conversation_id));
      assert.equal((await c.chat(b, 'habit-tracker', 'hello there', done.conversation_id)).status, 404);
    });

    test('a destructive action waits for the user, then runs on yes and not on no', async () => {
      const doomed = (await c.act(a, 'habit-tracker', 'create_habit', { name: 'Doomscrolling' })).id;
      fake.push(
        { match: 'sick of that scrolling', reply: { text: 'I can archive it.', tools: [{ name: 'archive_habit', input: { habit_id: doomed } }] } },
        { match: { toolResult: 'archived' }, reply: { text: 'Archived it.' } },
        { match: { toolResult: 'declined' }, reply: { text: 'Okay, I left it alone.' } },
      );
      const r = await c.chat(a, 'habit-tracker', 'I am sick of that scrolling habit, please make it go away');
      const ask = r.events.find((e) => e.event === 'confirmation_required');
      assert.ok(ask, JSON.stringify(r.events));
      assert.equal(ask.data.action, 'archive_habit');
      assert.deepEqual(ask.data.input, { habit_id: doomed });
      assert.equal(doneOf(r.events).status, 'awaiting_confirmation');
      assert.ok(!names(r.events).includes('tool_result'));
      let list = await c.act(a, 'habit-tracker', 'list_habits');
      assert.ok(JSON.stringify(list).includes(doomed), 'not archived before the yes');
      // B cannot answer A's confirmation
      assert.equal((await c.stream(b, '/api/v1/apps/habit-tracker/agent/confirm', { id: ask.data.id, approve: true })).status, 404);
      const yes = await c.stream(a, '/api/v1/apps/habit-tracker/agent/confirm', { id: ask.data.id, approve: true });
      assert.equal(yes.status, 200, JSON.stringify(yes.body));
      const res = yes.events.find((e) => e.event === 'tool_result');
      assert.equal(res.data.ok, true, JSON.stringify(yes.events));
      assert.match(textOf(yes.events), /Archived it/);
      assert.equal(doneOf(yes.events).status, 'completed');
      list = await c.act(a, 'habit-tracker', 'list_habits');
      assert.ok(!JSON.stringify(list).includes(doomed), 'archived after the yes');
      // answered once
      const again = await c.stream(a, '/api/v1/apps/habit-tracker/agent/confirm', { id: ask.data.id, approve: true });
      assert.equal(again.status, 404);
      assertEnvelope(assert, again.body, 'confirmation_not_found');

      // and "no" leaves it alone
      const keep = (await c.act(a, 'habit-tracker', 'create_habit', { name: 'Gaming' })).id;
      fake.push({ match: 'gaming one is pointless', reply: { text: 'Archive it?', tools: [{ name: 'archive_habit', input: { habit_id: keep } }] } });
      const r2 = await c.chat(a, 'habit-tracker', 'honestly the gaming one is pointless now, get it out of my list');
      const ask2 = r2.events.find((e) => e.event === 'confirmation_required');
      assert.ok(ask2, JSON.stringify(r2));
      const no = await c.stream(a, '/api/v1/apps/habit-tracker/agent/confirm', { id: ask2.data.id, approve: false });
      assert.equal(no.events.find((e) => e.event === 'tool_result')?.data.ok, false, JSON.stringify(no));
      assert.match(textOf(no.events), /left it alone/);
      list = await c.act(a, 'habit-tracker', 'list_habits');
      assert.ok(JSON.stringify(list).includes(keep));
    });

    test('tool errors go back to the model as is_error results; unknown tools too', async () => {
      fake.push(
        { match: 'weird request', reply: { text: '', tools: [{ name: 'log_completion', input: { habit_id: 'not-a-uuid' } }, { name: 'teleport', input: {} }] } },
        { match: { isError: true }, reply: { text: 'That did not work.' } },
      );
      const r = await c.chat(a, 'habit-tracker', 'a weird request for you');
      const results = r.events.filter((e) => e.event === 'tool_result');
      assert.equal(results.length, 2, JSON.stringify(r.events));
      assert.ok(results.every((x) => x.data.ok === false));
      assert.equal(results[1].data.error.code, 'unknown_tool');
      const last = fake.requests.at(-1).body.messages.at(-1);
      assert.deepEqual(last.content.filter((x) => x.type === 'tool_result').map((x) => x.is_error), [true, true]);
      assert.equal(doneOf(r.events).status, 'completed');
    });

    test('a provider that hangs or sends malformed JSON ends the turn with an error event', async () => {
      fake.push({ match: 'hang please', reply: { text: 'one two three four five six' }, stream: { hangAfter: 3 } });
      const r = await c.chat(a, 'habit-tracker', 'hang please, I dare you');
      const err = r.events.find((e) => e.event === 'error');
      assert.ok(err, JSON.stringify(r.events));
      assert.equal(names(r.events).at(-1), 'done');
      fake.push({ match: 'garble', reply: { text: 'hello there friend' }, stream: { inject: [{ after: 3, raw: 'event: content_block_delta\ndata: {"type": oops\n\n' }] } });
      const g = await c.chat(a, 'habit-tracker', 'garble it');
      assert.ok(g.events.find((e) => e.event === 'error'), JSON.stringify(g.events));
      // 429 with retry-after is retried, then answers
      fake.push(
        { match: 'busy time', fail: { status: 429, retryAfter: 1 } },
        { match: 'busy time', reply: { text: 'Here now.' } },
      );
      const t = await c.chat(a, 'habit-tracker', 'busy time?');
      assert.match(textOf(t.events), /Here now/);
    });

    test('the Dashboard asks Habit Tracker\'s agent with the grant, and is refused without', async () => {
      fake.push(
        { match: 'ask habits', reply: { text: '', tools: [{ name: 'ask_app', input: { app_id: 'habit-tracker', question: 'list my habits' } }] } },
        { match: { toolResult: 'answer' }, reply: { text: 'Habit Tracker says you have habits.' } },
      );
      const r = await c.chat(a, 'dashboard', 'ask habits what I track');
      const res = r.events.find((e) => e.event === 'tool_result');
      assert.equal(res?.data.ok, true, JSON.stringify(r.events));
      assert.ok(res.data.result.answer.length > 0);
      const audit = await c.call('GET', '/api/v1/audit?app=dashboard', { token: a.token });
      assert.ok(audit.body.entries.some((e) => e.action === 'app.agent_query'), JSON.stringify(audit.body.entries.map((e) => e.action)));
      // revoke the agent grant: refused, audited, and the model hears why
      const grants = (await c.call('GET', '/api/v1/grants', { token: a.token })).body.grants;
      const g = grants.find((x) => x.consumer === 'dashboard' && x.kind === 'agent');
      assert.ok(g, JSON.stringify(grants));
      assert.equal((await c.call('DELETE', `/api/v1/grants/${g.id}`, { token: a.token })).status, 204);
      fake.push(
        { match: 'ask habits again', reply: { text: '', tools: [{ name: 'ask_app', input: { app_id: 'habit-tracker', question: 'list my habits' } }] } },
        { match: { isError: true }, reply: { text: 'I may not ask Habit Tracker.' } },
      );
      const denied = await c.chat(a, 'dashboard', 'ask habits again please');
      const d = denied.events.find((e) => e.event === 'tool_result');
      assert.equal(d.data.ok, false);
      assert.equal(d.data.error.code, 'grant_revoked');
      const audit2 = await c.call('GET', '/api/v1/audit?app=dashboard', { token: a.token });
      assert.ok(audit2.body.entries.some((e) => e.action === 'app.agent_query_denied'));
    });

    test('ctx.ai: the Dashboard\'s weekly review is written by the model, its figures sent as data, charged to the user', async () => {
      fake.push({ match: 'warm review', reply: { text: 'A steady week: keep running in the mornings.' } });
      const r = await c.call('POST', '/api/v1/apps/dashboard/action', { token: a.token, body: { action: 'weekly_review', params: {} } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.data.review, 'A steady week: keep running in the mornings.');
      assert.equal(r.body.data.days.length, 7);
      const sent = fake.requests.at(-1).body;
      assert.match(JSON.stringify(sent.system), /never instructions/);
      assert.match(JSON.stringify(sent.messages[0].content), /<context>/);
      const u = await c.call('GET', '/api/v1/usage', { token: a.token });
      assert.ok(u.body.days.some((d) => d.app_id === 'dashboard' && d.output_tokens > 0), JSON.stringify(u.body.days));
    });

    test('agent-query answers one JSON document', async () => {
      fake.push({ match: 'summarise my week', reply: { text: 'A good week.' } });
      const r = await c.call('POST', '/api/v1/apps/habit-tracker/agent-query', { token: a.token, body: { question: 'summarise my week' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.answer, 'A good week.');
      assert.equal(r.body.status, 'completed');
      assert.ok(r.body.cost_micros > 0);
    });

    test('usage shows the spend; bad input is answered precisely', async () => {
      const u = await c.call('GET', '/api/v1/usage', { token: a.token });
      assert.equal(u.status, 200);
      assert.ok(u.body.today.cost_micros > 0);
      assert.equal(u.body.today.cap_micros, 5000000);
      assert.ok(u.body.days.some((d) => d.app_id === 'habit-tracker' && d.input_tokens > 0));
      const theirs = await c.call('GET', '/api/v1/usage', { token: b.token });
      assert.equal(theirs.body.today.cost_micros, 0);
      const long = await c.chat(a, 'habit-tracker', 'x'.repeat(4001));
      assert.equal(long.status, 413);
      assertEnvelope(assert, long.body, 'message_too_long');
      const empty = await c.chat(a, 'habit-tracker', '   ');
      assert.equal(empty.status, 400);
      assert.equal((await c.chat(a, 'nope', 'hi')).status, 404);
      const other = await c.signup('carol');
      const ni = await c.chat(other, 'habit-tracker', 'hi');
      assert.equal(ni.status, 404);
      assertEnvelope(assert, ni.body, 'app_not_installed');
      const bad = await c.stream(a, '/api/v1/apps/habit-tracker/agent/chat', { text: 'wrong field' });
      assert.equal(bad.status, 400);
      const list = await c.call('GET', '/api/v1/apps/habit-tracker/agent/conversations', { token: a.token });
      const victim = list.body.items[0].id;
      assert.equal((await c.call('DELETE', `/api/v1/apps/habit-tracker/agent/conversations/${victim}`, { token: b.token })).status, 404);
      assert.equal((await c.call('DELETE', `/api/v1/apps/habit-tracker/agent/conversations/${victim}`, { token: a.token })).status, 204);
      assert.equal((await c.call('GET', `/api/v1/apps/habit-tracker/agent/conversations/${victim}`, { token: a.token })).status, 404);
    });
  });

  describe(`the daily cap on ${backend}`, () => {
    let server, fake, c, a;
    before(async () => {
      fake = await startAnthropicFake({ apiKeys: [KEY] });
      const s = setup();
      server = await startKrilin({
        env: {
          ...s.env,
          KRILIN_ANTHROPIC_API_KEY: KEY,
          KRILIN_ANTHROPIC_BASE_URL: fake.url,
          KRILIN_AGENT_DAILY_CAP_CENTS: '1',
          KRILIN_AGENT_PRICES: JSON.stringify({ 'claude-haiku-4-5': { input: 100, output: 100, cache_write: 100, cache_read: 100 } }),
        },
      });
      c = clientOf(server);
      await c.signup('admin');
      a = await c.signup('alice');
      assert.equal((await c.call('POST', '/api/v1/apps/habit-tracker/install', { token: a.token, body: {} })).status, 201);
    });
    after(async () => {
      await server?.stop();
      server?.cleanup();
      await fake?.close();
    });

    test('the call that spends the budget is answered; the next gets 429 before the model is called', async () => {
      fake.push({ match: /./, times: 5, reply: { text: 'Sure, here is a long and thoughtful answer for you.' } });
      const first = await c.chat(a, 'habit-tracker', 'tell me something about consistency');
      assert.equal(first.status, 200);
      assert.ok(doneOf(first.events).cost_micros >= 10000, JSON.stringify(doneOf(first.events)));
      const calls = fake.requests.length;
      const second = await c.chat(a, 'habit-tracker', 'tell me more about consistency');
      assert.equal(second.status, 429);
      assertEnvelope(assert, second.body, 'budget_exceeded');
      assert.equal(fake.requests.length, calls, 'the model was not called');
      const usage = await c.call('GET', '/api/v1/usage', { token: a.token });
      assert.ok(usage.body.today.cost_micros >= usage.body.today.cap_micros);
    });
  });

  describe(`agents on ${backend}, against an OpenAI-compatible endpoint (a local model)`, () => {
    let server, fake, c, a, habit;
    before(async () => {
      fake = await startOpenAIFake({ apiKeys: null });
      const s = setup();
      server = await startKrilin({
        env: { ...s.env, KRILIN_OPENAI_BASE_URL: fake.baseURL, KRILIN_AGENT_MODEL_FAST: 'llama3.1:8b' },
      });
      c = clientOf(server);
      await c.signup('admin');
      a = await c.signup('alice');
      assert.equal((await c.call('POST', '/api/v1/apps/habit-tracker/install', { token: a.token, body: {} })).status, 201);
      habit = (await c.act(a, 'habit-tracker', 'create_habit', { name: 'Reading' })).id;
    });
    after(async () => {
      await server?.stop();
      server?.cleanup();
      await fake?.close();
    });

    test('a tool call streams and changes the data; a local model costs nothing', async () => {
      fake.push(
        { match: 'finished a chapter', reply: { text: 'Noting it.', tools: [{ name: 'log_completion', arguments: { habit_id: habit } }] } },
        { match: { toolResult: habit }, reply: { text: 'Logged your reading.' } },
      );
      const r = await c.chat(a, 'habit-tracker', 'finished a chapter of my novel tonight, please record that');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.events.find((e) => e.event === 'tool_result')?.data.ok, true, JSON.stringify(r.events));
      assert.match(textOf(r.events), /Logged your reading/);
      const done = doneOf(r.events);
      assert.equal(done.cost_micros, 0);
      assert.ok(done.usage.input_tokens > 0);
      assert.equal((await c.act(a, 'habit-tracker', 'calculate_streak', { habit_id: habit })).current, 1);
      assert.equal(fake.requests.at(-1).body.model, 'llama3.1:8b');
      const u = await c.call('GET', '/api/v1/usage', { token: a.token });
      assert.equal(u.body.provider, 'openai');
    });
  });

  describe(`with no provider on ${backend}, the router is the whole agent`, () => {
    let server, c, a, habit;
    before(async () => {
      const s = setup();
      server = await startKrilin({ env: s.env });
      c = clientOf(server);
      await c.signup('admin');
      a = await c.signup('alice');
      assert.equal((await c.call('POST', '/api/v1/apps/dashboard/install', { token: a.token, body: {} })).status, 201);
      habit = (await c.act(a, 'habit-tracker', 'create_habit', { name: 'Meditation' })).id;
    });
    after(async () => {
      await server?.stop();
      server?.cleanup();
    });

    test('"log meditation" and "what\'s my streak?" work with no model', async () => {
      const r = await c.chat(a, 'habit-tracker', 'log meditation');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const done = doneOf(r.events);
      assert.equal(done.routed, true, JSON.stringify(r.events));
      assert.equal(done.cost_micros, 0);
      assert.equal(r.events.find((e) => e.event === 'tool_call').data.name, 'log_completion');
      assert.equal((await c.act(a, 'habit-tracker', 'calculate_streak', { habit_id: habit })).current, 1);
      const s = await c.chat(a, 'habit-tracker', "what's my streak?");
      assert.equal(doneOf(s.events).routed, true);
      assert.match(textOf(s.events), /1/);
      assert.ok(!names(s.events).includes('error'), JSON.stringify(s.events));
    });

    test('ctx.ai with no model configured answers 503 no_model_configured', async () => {
      const r = await c.call('POST', '/api/v1/apps/dashboard/action', { token: a.token, body: { action: 'weekly_review', params: {} } });
      assert.equal(r.status, 503);
      assertEnvelope(assert, r.body, 'no_model_configured');
    });

    test('what it cannot do, it says plainly, listing what it can', async () => {
      const r = await c.chat(a, 'habit-tracker', 'how do I become a better person?');
      assert.equal(r.status, 200);
      assert.match(textOf(r.events), /without an AI model/);
      assert.equal(doneOf(r.events).cost_micros, 0);
    });

    test('a destructive request through the router waits for confirmation', async () => {
      const r = await c.chat(a, 'habit-tracker', 'archive meditation');
      const ask = r.events.find((e) => e.event === 'confirmation_required');
      assert.ok(ask, JSON.stringify(r.events));
      assert.deepEqual(ask.data.input.habit_id, habit);
      const no = await c.stream(a, '/api/v1/apps/habit-tracker/agent/confirm', { id: ask.data.id, approve: false });
      assert.match(textOf(no.events), /nothing was changed/);
      assert.equal((await c.act(a, 'habit-tracker', 'calculate_streak', { habit_id: habit })).current, 1);
    });

    test('"why did my score drop?": the Dashboard asks Habit Tracker\'s agent, with the grant and not without', async () => {
      await c.act(a, 'habit-tracker', 'create_habit', { name: 'Stretching' });
      const r = await c.chat(a, 'dashboard', 'why did my score drop?');
      assert.equal(r.status, 200);
      assert.equal(doneOf(r.events).routed, true, JSON.stringify(r.events));
      const result = r.events.find((e) => e.event === 'tool_result').data.result;
      assert.equal(result.habit_tracker.routed, true, JSON.stringify(result));
      assert.match(result.habit_tracker.answer, /Stretching/);
      assert.match(textOf(r.events), /Habit Tracker says/);
      const audit = await c.call('GET', '/api/v1/audit?app=dashboard', { token: a.token });
      assert.ok(audit.body.entries.some((e) => e.action === 'app.agent_query'));
      const grants = (await c.call('GET', '/api/v1/grants', { token: a.token })).body.grants;
      const g = grants.find((x) => x.consumer === 'dashboard' && x.kind === 'agent');
      assert.equal((await c.call('DELETE', `/api/v1/grants/${g.id}`, { token: a.token })).status, 204);
      const denied = await c.chat(a, 'dashboard', 'why did my score drop?');
      const res = denied.events.find((e) => e.event === 'tool_result').data.result;
      assert.match(res.habit_tracker.unavailable, /^grant_revoked/);
      assert.doesNotMatch(textOf(denied.events), /Habit Tracker says/);
      assert.ok(!JSON.stringify(denied.events).includes('"internal"'), JSON.stringify(denied.events));
    });
  });
}
