// Fidelity of the model-provider fakes (tests/fakes): the official clients — `@anthropic-ai/sdk`
// and `openai`, pinned in package.json — are pointed at them and must parse every scripted
// answer, stream, failure and retry exactly as they would the real services. The agent tests
// of Krilin trust these fakes, so what the SDKs accept here is what the fakes are held to.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { VERSION as ANTHROPIC_SDK_VERSION } from '@anthropic-ai/sdk/version';
import OpenAI from 'openai';
import { VERSION as OPENAI_SDK_VERSION } from 'openai/version';
import { startAnthropicFake } from '../fakes/anthropic.mjs';
import { startOpenAIFake } from '../fakes/openai.mjs';

const KEY = 'test-key';
const MODEL = 'claude-fake-1';
const TOOLS = [
  {
    name: 'log_habit',
    description: 'Log a completion of a habit',
    input_schema: { type: 'object', properties: { habit: { type: 'string' }, amount: { type: 'number' }, unit: { type: 'string' } }, required: ['habit'] },
  },
  {
    name: 'get_streak',
    description: 'The current streak of a habit',
    input_schema: { type: 'object', properties: { habit: { type: 'string' } }, required: ['habit'] },
  },
];
const user = (content) => ({ role: 'user', content });

// Runs `fn` with a fresh Anthropic fake and a client pointed at it; the script must be used up.
async function withAnthropic(script, fn, { fake: fakeOpts = {}, client: clientOpts = {} } = {}) {
  const fake = await startAnthropicFake({ script, ...fakeOpts });
  try {
    const client = new Anthropic({ apiKey: KEY, baseURL: fake.url, maxRetries: 0, ...clientOpts });
    await fn({ fake, client });
    assert.deepEqual(fake.remaining(), [], 'every scripted turn was used');
  } finally {
    await fake.close();
  }
}

async function withOpenAI(script, fn, { fake: fakeOpts = {}, client: clientOpts = {} } = {}) {
  const fake = await startOpenAIFake({ script, ...fakeOpts });
  try {
    const client = new OpenAI({ apiKey: KEY, baseURL: fake.baseURL, maxRetries: 0, ...clientOpts });
    await fn({ fake, client });
    assert.deepEqual(fake.remaining(), [], 'every scripted turn was used');
  } finally {
    await fake.close();
  }
}

const assertAnthropicErrorBody = (body, type) => {
  assert.equal(body.type, 'error');
  assert.equal(body.error.type, type);
  assert.equal(typeof body.error.message, 'string');
  assert.match(body.request_id, /^req_/);
};

describe(`Anthropic fake with @anthropic-ai/sdk ${ANTHROPIC_SDK_VERSION}`, () => {
  test('the SDK sends Authorization: Bearer and anthropic-version 2026-10-21, and parses a JSON answer', async () => {
    await withAnthropic([{ match: 'hello', reply: { text: 'Hello! How can I help with your habits today?' } }], async ({ fake, client }) => {
      const msg = await client.messages.create({ model: MODEL, max_tokens: 256, messages: [user('hello there')] });
      assert.match(msg.id, /^msg_01[0-9A-Za-z]{22}$/);
      assert.equal(msg.type, 'message');
      assert.equal(msg.role, 'assistant');
      assert.equal(msg.model, MODEL);
      assert.deepEqual(msg.content, [{ type: 'text', text: 'Hello! How can I help with your habits today?' }]);
      assert.equal(msg.stop_reason, 'end_turn');
      assert.equal(msg.stop_sequence, null);
      assert.equal(msg.usage.input_tokens, fake.requests[0].usage.input_tokens);
      assert.ok(msg.usage.output_tokens > 0);
      assert.equal(msg.usage.cache_creation_input_tokens, 0);
      assert.equal(msg.usage.cache_read_input_tokens, 0);
      assert.equal(msg._request_id, fake.requests[0].requestId);

      const [r] = fake.requests;
      assert.equal(r.method, 'POST');
      assert.equal(r.path, '/v1/messages');
      assert.deepEqual(r.auth, { style: 'bearer', key: KEY });
      assert.equal(r.headers.authorization, `Bearer ${KEY}`);
      assert.equal(r.headers['x-api-key'], undefined);
      assert.equal(r.headers['anthropic-version'], '2026-10-21');
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.headers['user-agent'], `Anthropic/JS ${ANTHROPIC_SDK_VERSION}`);
      assert.equal(r.headers['x-stainless-retry-count'], '0');
      assert.deepEqual(r.body, { model: MODEL, max_tokens: 256, messages: [user('hello there')] });
    });
  });

  test('the older header style (x-api-key, anthropic-version 2023-06-01) is accepted too', async () => {
    await withAnthropic([{ reply: { text: 'ok' } }], async ({ fake, client }) => {
      const old = client.withOptions({ defaultHeaders: { authorization: null, 'x-api-key': KEY, 'anthropic-version': '2023-06-01' } });
      const msg = await old.messages.create({ model: MODEL, max_tokens: 16, messages: [user('hi')] });
      assert.equal(msg.content[0].text, 'ok');
      const [r] = fake.requests;
      assert.deepEqual(r.auth, { style: 'x-api-key', key: KEY });
      assert.equal(r.headers.authorization, undefined);
      assert.equal(r.version, '2023-06-01');
    });
  });

  test('a wrong or missing key is 401 authentication_error; a missing version is 400', async () => {
    await withAnthropic([], async ({ fake, client }) => {
      const wrong = client.withOptions({ apiKey: 'not-the-key' });
      const err = await wrong.messages.create({ model: MODEL, max_tokens: 16, messages: [user('hi')] }).catch((e) => e);
      assert.ok(err instanceof Anthropic.AuthenticationError, String(err));
      assert.equal(err.status, 401);
      assert.equal(err.type, 'authentication_error');
      assertAnthropicErrorBody(err.error, 'authentication_error');
      assert.equal(err.requestID, fake.requests[0].requestId);

      const none = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' }, body: '{}',
      });
      assert.equal(none.status, 401);
      assertAnthropicErrorBody(await none.json(), 'authentication_error');
      const badKey = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST', headers: { 'x-api-key': 'nope', 'anthropic-version': '2023-06-01' }, body: '{}',
      });
      assert.equal(badKey.status, 401);
      assert.equal((await badKey.json()).error.message, 'invalid x-api-key');

      const noVersion = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'x-api-key': KEY }, body: '{}' });
      assert.equal(noVersion.status, 400);
      assertAnthropicErrorBody(await noVersion.json(), 'invalid_request_error');
      const noMaxTokens = await client.messages.create({ model: MODEL, messages: [user('hi')] }).catch((e) => e);
      assert.ok(noMaxTokens instanceof Anthropic.BadRequestError);
      assert.equal(noMaxTokens.error.error.message, 'max_tokens: Field required');
    });
  });

  test('a streamed answer: the SDK concatenates the text deltas and takes usage from message_start and message_delta', async () => {
    const text = 'You ran 5 km today, which keeps your streak going at twelve days.';
    await withAnthropic([{ match: 'how far', reply: { text }, stream: { pingEvery: 2 } }], async ({ fake, client }) => {
      const stream = client.messages.stream({ model: MODEL, max_tokens: 256, messages: [user('how far did I run?')] });
      const deltas = [];
      stream.on('text', (d) => deltas.push(d));
      const msg = await stream.finalMessage();
      assert.equal(msg.content[0].text, text);
      assert.ok(deltas.length > 3, `several text deltas, got ${deltas.length}`);
      assert.equal(deltas.join(''), text);
      assert.equal(msg.stop_reason, 'end_turn');
      assert.deepEqual(
        { input: msg.usage.input_tokens, output: msg.usage.output_tokens },
        { input: fake.requests[0].usage.input_tokens, output: fake.requests[0].usage.output_tokens },
      );
      const sent = fake.requests[0].sent;
      assert.equal(sent[0], 'message_start');
      assert.deepEqual(sent.slice(-2), ['message_delta', 'message_stop']);
      assert.ok(sent.filter((e) => e === 'ping').length > 2, 'pings between the other events');
      assert.equal(fake.requests[0].headers['anthropic-version'], '2026-10-21');
      assert.equal(fake.requests[0].body.stream, true);
    });
  });

  test('the stream bytes: `event: <type>` then `data: <json>` whose type is the event name, pings as documented', async () => {
    await withAnthropic([{ reply: { text: 'Hi there', tools: [{ name: 'get_streak', input: { habit: 'run' } }] } }], async ({ fake }) => {
      const res = await fetch(`${fake.url}/v1/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'anthropic-version': '2026-10-21', 'content-type': 'application/json' },
        body: JSON.stringify({ model: MODEL, max_tokens: 64, stream: true, tools: TOOLS, messages: [user('streak?')] }),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      assert.match(res.headers.get('request-id'), /^req_/);
      const raw = await res.text();
      assert.ok(raw.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n'));
      const frames = raw.slice(0, -2).split('\n\n');
      const types = [];
      for (const f of frames) {
        const m = /^event: ([a-z_]+)\ndata: (.+)$/.exec(f);
        assert.ok(m, `frame ${JSON.stringify(f)}`);
        assert.equal(JSON.parse(m[2]).type, m[1]);
        types.push(m[1]);
      }
      assert.ok(frames.includes('event: ping\ndata: {"type": "ping"}'));
      const events = frames.map((f) => JSON.parse(f.split('\ndata: ')[1]));
      const start = events[0];
      assert.equal(start.message.stop_reason, null);
      assert.deepEqual(start.message.content, []);
      const toolStart = events.find((e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use');
      assert.equal(toolStart.index, 1);
      assert.deepEqual(toolStart.content_block.input, {});
      assert.match(toolStart.content_block.id, /^toolu_01/);
      const partials = events.filter((e) => e.type === 'content_block_delta' && e.delta.type === 'input_json_delta').map((e) => e.delta.partial_json);
      assert.equal(partials[0], '');
      assert.ok(partials.length >= 3);
      assert.deepEqual(JSON.parse(partials.join('')), { habit: 'run' });
      const delta = events.find((e) => e.type === 'message_delta');
      assert.deepEqual(delta.delta, { stop_reason: 'tool_use', stop_sequence: null });
      assert.deepEqual(Object.keys(delta.usage), ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens', 'output_tokens']);
    });
  });

  test('a tool loop, streamed: parallel tool_use blocks with their input accumulated, then one tool_result each', async () => {
    const script = [
      {
        match: 'log my run',
        reply: {
          text: 'Logging your run and checking the streak.',
          tools: [
            { name: 'log_habit', input: { habit: 'run', amount: 5, unit: 'km' } },
            { name: 'get_streak', input: { habit: 'run' } },
          ],
        },
        stream: { jsonChunks: 4 },
      },
      { match: { toolResult: 'logged' }, reply: { text: 'Logged 5 km. Your streak is 12 days.' } },
    ];
    await withAnthropic(script, async ({ fake, client }) => {
      const messages = [user('log my run of 5 km')];
      const first = await client.messages.stream({ model: MODEL, max_tokens: 512, tools: TOOLS, messages }).finalMessage();
      assert.equal(first.stop_reason, 'tool_use');
      const uses = first.content.filter((b) => b.type === 'tool_use');
      assert.equal(uses.length, 2);
      assert.deepEqual(uses.map((u) => [u.name, u.input]), [
        ['log_habit', { habit: 'run', amount: 5, unit: 'km' }],
        ['get_streak', { habit: 'run' }],
      ]);
      for (const u of uses) assert.match(u.id, /^toolu_01[0-9A-Za-z]{22}$/);
      assert.equal(new Set(uses.map((u) => u.id)).size, 2);
      // The input arrived in pieces, the first empty, and parsed only at content_block_stop.
      const deltas = fake.requests[0].sent.filter((e) => e === 'content_block_delta').length;
      assert.ok(deltas >= 2 + 2 * 5, `text and json deltas, got ${deltas}`);

      messages.push({ role: 'assistant', content: first.content });
      messages.push(user([
        { type: 'tool_result', tool_use_id: uses[0].id, content: 'logged 5 km' },
        { type: 'tool_result', tool_use_id: uses[1].id, content: [{ type: 'text', text: '{"streak":12}' }] },
        { type: 'text', text: '(tool results are data)' },
      ]));
      const second = await client.messages.stream({ model: MODEL, max_tokens: 512, tools: TOOLS, messages }).finalMessage();
      assert.equal(second.content[0].text, 'Logged 5 km. Your streak is 12 days.');
      assert.equal(second.stop_reason, 'end_turn');
      // The assistant turn went back as received.
      const echoed = fake.requests[1].body.messages[1].content.filter((b) => b.type === 'tool_use');
      assert.deepEqual(echoed.map((b) => [b.id, b.name, b.input]), uses.map((u) => [u.id, u.name, u.input]));
    });
  });

  test('a tool loop, not streamed, with an is_error result', async () => {
    const script = [
      { match: 'streak', reply: { tools: [{ id: 'toolu_01FixedIdForTheTest000', name: 'get_streak', input: { habit: 'yoga' } }] } },
      { match: { toolUseId: 'toolu_01FixedIdForTheTest000', isError: true }, reply: { text: 'You have no habit called yoga.' } },
    ];
    await withAnthropic(script, async ({ client }) => {
      const messages = [user("what's my yoga streak?")];
      const first = await client.messages.create({ model: MODEL, max_tokens: 256, tools: TOOLS, messages });
      assert.equal(first.stop_reason, 'tool_use');
      assert.deepEqual(first.content, [{ type: 'tool_use', id: 'toolu_01FixedIdForTheTest000', name: 'get_streak', input: { habit: 'yoga' } }]);
      messages.push({ role: 'assistant', content: first.content });
      messages.push(user([{ type: 'tool_result', tool_use_id: first.content[0].id, content: 'unknown habit', is_error: true }]));
      const second = await client.messages.create({ model: MODEL, max_tokens: 256, tools: TOOLS, messages });
      assert.equal(second.content[0].text, 'You have no habit called yoga.');
    });
  });

  test('tool results missing, out of place or unknown are 400 invalid_request_error', async () => {
    await withAnthropic([], async ({ fake, client }) => {
      const assistant = {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'toolu_01A', name: 'log_habit', input: { habit: 'run' } },
          { type: 'tool_use', id: 'toolu_01B', name: 'get_streak', input: { habit: 'run' } },
        ],
      };
      const cases = [
        [[{ type: 'tool_result', tool_use_id: 'toolu_01A', content: 'ok' }], /without `tool_result` blocks immediately after: toolu_01B/],
        [[{ type: 'text', text: 'here:' }, { type: 'tool_result', tool_use_id: 'toolu_01A', content: 'ok' }, { type: 'tool_result', tool_use_id: 'toolu_01B', content: 'ok' }], /toolu_01A, toolu_01B/],
        [[{ type: 'tool_result', tool_use_id: 'toolu_01A', content: 'ok' }, { type: 'tool_result', tool_use_id: 'toolu_01B', content: 'ok' }, { type: 'tool_result', tool_use_id: 'toolu_01C', content: 'ok' }], /unexpected `tool_use_id` found in `tool_result` blocks: toolu_01C/],
        ['just text', /without `tool_result` blocks/],
      ];
      for (const [content, message] of cases) {
        const err = await client.messages.create({ model: MODEL, max_tokens: 64, tools: TOOLS, messages: [user('log it'), assistant, user(content)] }).catch((e) => e);
        assert.ok(err instanceof Anthropic.BadRequestError, String(err));
        assert.equal(err.status, 400);
        assertAnthropicErrorBody(err.error, 'invalid_request_error');
        assert.match(err.error.error.message, message);
      }
      const stray = await client.messages.create({
        model: MODEL, max_tokens: 64, messages: [user([{ type: 'tool_result', tool_use_id: 'toolu_01Z', content: 'x' }])],
      }).catch((e) => e);
      assert.ok(stray instanceof Anthropic.BadRequestError);
      assert.ok(fake.requests.every((r) => r.turn === null));
    });
  });

  test('prompt caching: a cache write the first time, a read when the same prefix comes again, until the ttl ends', async () => {
    let clock = 1_000_000;
    const cc = (ttl) => (ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' });
    const tools = (ttl) => TOOLS.map((t, i) => (i === TOOLS.length - 1 ? { ...t, cache_control: cc(ttl) } : t));
    const system = (text, ttl) => [{ type: 'text', text, cache_control: cc(ttl) }];
    const SYS = 'You are the Habit Tracker agent. Act only through the tools. '.repeat(20);
    const script = ['q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7'].map((q) => ({ match: q, reply: { text: `answer to ${q}` }, stream: {} }));
    await withAnthropic(script, async ({ client }) => {
      const ask = (q, { sys = system(SYS), tl = tools(), stream = false } = {}) => {
        const params = { model: MODEL, max_tokens: 64, tools: tl, system: sys, messages: [user(`${q}: what now?`)] };
        return stream ? client.messages.stream(params).finalMessage() : client.messages.create(params);
      };
      const total = (u) => u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
      const a = await ask('q1');
      assert.ok(a.usage.cache_creation_input_tokens > 100, JSON.stringify(a.usage));
      assert.equal(a.usage.cache_read_input_tokens, 0);
      assert.deepEqual(a.usage.cache_creation, { ephemeral_5m_input_tokens: a.usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 });

      // Same tools and system, another question, streamed: all of the prefix read.
      const b = await ask('q2', { stream: true });
      assert.equal(b.usage.cache_read_input_tokens, a.usage.cache_creation_input_tokens);
      assert.equal(b.usage.cache_creation_input_tokens, 0);
      assert.equal(b.usage.input_tokens, a.usage.input_tokens);
      assert.equal(total(b.usage), total(a.usage));

      // Another system prompt: the tools' prefix is read, the new system block written.
      const c = await ask('q3', { sys: system(`${SYS} Today is Monday.`) });
      assert.ok(c.usage.cache_read_input_tokens > 0 && c.usage.cache_read_input_tokens < a.usage.cache_creation_input_tokens, JSON.stringify(c.usage));
      assert.ok(c.usage.cache_read_input_tokens + c.usage.cache_creation_input_tokens > a.usage.cache_creation_input_tokens);

      // Six minutes later the 5-minute entries are gone: written again.
      clock += 6 * 60 * 1000;
      const d = await ask('q4');
      assert.equal(d.usage.cache_read_input_tokens, 0);
      assert.equal(d.usage.cache_creation_input_tokens, a.usage.cache_creation_input_tokens);

      // One-hour entries outlive that.
      const SYS1H = `${SYS} Cached for an hour.`;
      const e = await ask('q5', { sys: system(SYS1H, '1h'), tl: tools('1h') });
      assert.ok(e.usage.cache_creation_input_tokens > 0);
      assert.deepEqual(e.usage.cache_creation, { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: e.usage.cache_creation_input_tokens });
      clock += 30 * 60 * 1000;
      const f = await ask('q6', { sys: system(SYS1H, '1h'), tl: tools('1h') });
      assert.equal(f.usage.cache_read_input_tokens, e.usage.cache_read_input_tokens + e.usage.cache_creation_input_tokens);
      assert.equal(f.usage.cache_creation_input_tokens, 0);

      // Without cache_control nothing is cached.
      const g = await client.messages.create({ model: MODEL, max_tokens: 64, tools: TOOLS, system: SYS, messages: [user('q7')] });
      assert.equal(g.usage.cache_creation_input_tokens, 0);
      assert.equal(g.usage.cache_read_input_tokens, 0);

      // The API's rules: 1 h breakpoints before 5 min ones, at most four.
      const order = await ask('q8', { sys: system(SYS, '1h'), tl: tools('5m') }).catch((err) => err);
      assert.ok(order instanceof Anthropic.BadRequestError, String(order));
      const many = await client.messages.create({
        model: MODEL, max_tokens: 64, system: [1, 2, 3, 4, 5].map((i) => ({ type: 'text', text: `part ${i}`, cache_control: cc() })), messages: [user('q9')],
      }).catch((err) => err);
      assert.ok(many instanceof Anthropic.BadRequestError);
      assert.match(many.error.error.message, /maximum of 4 blocks with cache_control/);
    }, { fake: { now: () => clock } });
  });

  test('a prefix below minCacheableTokens is not cached, and no error is raised', async () => {
    await withAnthropic([{ reply: { text: 'a' } }, { reply: { text: 'b' } }], async ({ client }) => {
      const ask = () => client.messages.create({
        model: MODEL, max_tokens: 64, system: [{ type: 'text', text: 'short', cache_control: { type: 'ephemeral' } }], messages: [user('q')],
      });
      for (const m of [await ask(), await ask()]) {
        assert.equal(m.usage.cache_creation_input_tokens, 0);
        assert.equal(m.usage.cache_read_input_tokens, 0);
      }
    }, { fake: { minCacheableTokens: 1024 } });
  });

  test('an error event mid-stream surfaces as an APIError of its type after the text so far', async () => {
    const script = [{ reply: { text: 'This answer will be interrupted by an overload somewhere in the middle.' }, stream: { errorAfter: 5 } }];
    await withAnthropic(script, async ({ fake, client }) => {
      const stream = client.messages.stream({ model: MODEL, max_tokens: 256, messages: [user('go')] });
      let text = '';
      stream.on('text', (d) => { text += d; });
      const err = await stream.finalMessage().catch((e) => e);
      assert.ok(err instanceof Anthropic.APIError, String(err));
      assert.equal(err.status, undefined);
      assert.equal(err.type, 'overloaded_error');
      assert.equal(err.error.error.type, 'overloaded_error');
      assert.ok(text.length > 0 && !text.endsWith('middle.'), JSON.stringify(text));
      assert.deepEqual(fake.requests[0].sent, ['message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'error']);
      assert.equal(fake.requests[0].outcome, 'error-event');
    });
  });

  test('a stream cut mid-way raises an error and is not retried', async () => {
    await withAnthropic([{ reply: { text: 'This stream is cut after a few events and never finishes.' }, stream: { cutAfter: 4 } }], async ({ fake, client }) => {
      const c = client.withOptions({ maxRetries: 2 });
      const stream = c.messages.stream({ model: MODEL, max_tokens: 256, messages: [user('go')] });
      let text = '';
      stream.on('text', (d) => { text += d; });
      const err = await stream.finalMessage().catch((e) => e);
      assert.ok(err instanceof Anthropic.AnthropicError, String(err));
      assert.match(err.message, /terminated/);
      assert.ok(text.length > 0);
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].outcome, 'cut');
      assert.equal(fake.requests[0].sent.length, 4);
    });
  });

  test('unknown events and pings anywhere are ignored by the SDK', async () => {
    const raw = 'event: content_block_future\ndata: {"type":"content_block_future","index":0}\n\n';
    await withAnthropic([{ reply: { text: 'Still parsed fine.' }, stream: { pingEvery: 1, inject: [{ after: 3, raw }] } }], async ({ fake, client }) => {
      const msg = await client.messages.stream({ model: MODEL, max_tokens: 64, messages: [user('go')] }).finalMessage();
      assert.equal(msg.content[0].text, 'Still parsed fine.');
      assert.ok(fake.requests[0].sent.includes('inject'));
    });
  });

  test('429 with retry-after: the SDK waits that long and retries; without retries it is a RateLimitError', async () => {
    const script = [
      { match: 'busy', fail: { status: 429, retryAfter: 1 } },
      { match: 'busy', reply: { text: 'made it' } },
      { match: 'again', fail: { status: 429, retryAfter: 7 } },
    ];
    await withAnthropic(script, async ({ fake, client }) => {
      const started = Date.now();
      const msg = await client.withOptions({ maxRetries: 2 }).messages.create({ model: MODEL, max_tokens: 64, messages: [user('busy?')] });
      const waited = Date.now() - started;
      assert.equal(msg.content[0].text, 'made it');
      assert.ok(waited >= 950, `waited ${waited} ms`);
      assert.equal(fake.requests.length, 2);
      assert.deepEqual(fake.requests.map((r) => [r.status, r.headers['x-stainless-retry-count']]), [[429, '0'], [200, '1']]);

      const err = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [user('again')] }).catch((e) => e);
      assert.ok(err instanceof Anthropic.RateLimitError, String(err));
      assert.equal(err.status, 429);
      assert.equal(err.headers.get('retry-after'), '7');
      assertAnthropicErrorBody(err.error, 'rate_limit_error');
    });
  });

  test('429 enforced_spend_limit_reached with x-should-retry: false is not retried', async () => {
    const script = [{
      fail: { status: 429, retryAfter: 1, shouldRetry: false, message: 'Spend limit reached', details: { error_code: 'enforced_spend_limit_reached' } },
    }];
    await withAnthropic(script, async ({ fake, client }) => {
      const err = await client.withOptions({ maxRetries: 2 }).messages.create({ model: MODEL, max_tokens: 64, messages: [user('x')] }).catch((e) => e);
      assert.ok(err instanceof Anthropic.RateLimitError, String(err));
      assert.equal(err.errorCode, 'enforced_spend_limit_reached');
      assert.equal(fake.requests.length, 1);
    });
  });

  test('529 overloaded_error: an OverloadedError, retried with backoff when retries are allowed', async () => {
    const script = [
      { match: 'once', fail: { status: 529 } },
      { match: 'twice', fail: { status: 529 } },
      { match: 'twice', reply: { text: 'after the overload' }, stream: {} },
    ];
    await withAnthropic(script, async ({ fake, client }) => {
      const err = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [user('once')] }).catch((e) => e);
      assert.ok(err instanceof Anthropic.OverloadedError, String(err));
      assert.equal(err.status, 529);
      assertAnthropicErrorBody(err.error, 'overloaded_error');
      const msg = await client.withOptions({ maxRetries: 1 }).messages.stream({ model: MODEL, max_tokens: 64, messages: [user('twice')] }).finalMessage();
      assert.equal(msg.content[0].text, 'after the overload');
      assert.deepEqual(fake.requests.map((r) => r.status), [529, 529, 200]);
    });
  });

  test('a connection reset before the answer is retried by the SDK', async () => {
    await withAnthropic([{ fail: { reset: true } }, { reply: { text: 'second try' } }], async ({ fake, client }) => {
      const msg = await client.withOptions({ maxRetries: 1 }).messages.create({ model: MODEL, max_tokens: 64, messages: [user('x')] });
      assert.equal(msg.content[0].text, 'second try');
      assert.deepEqual(fake.requests.map((r) => r.outcome), ['reset', 'ok']);
    });
  });

  test('a hung stream sends its first events and then nothing until the client gives up', async () => {
    await withAnthropic([{ reply: { text: 'never finishes' }, stream: { hangAfter: 2 } }], async ({ fake, client }) => {
      const controller = new AbortController();
      const stream = client.messages.stream({ model: MODEL, max_tokens: 64, messages: [user('x')] }, { signal: controller.signal });
      const seen = [];
      stream.on('streamEvent', (e) => seen.push(e.type));
      setTimeout(() => controller.abort(), 300);
      const err = await stream.finalMessage().catch((e) => e);
      assert.ok(err instanceof Anthropic.APIUserAbortError, String(err));
      assert.deepEqual(seen, ['message_start', 'content_block_start']);
      assert.equal(fake.requests[0].outcome, 'hang');
    });
  });

  test('a request no turn matches is a 400 that says so, and is recorded', async () => {
    await withAnthropic([{ match: 'expected', reply: { text: 'x' } }, { match: /^never$/, times: Infinity, reply: { text: 'y' } }], async ({ fake, client }) => {
      const err = await client.messages.create({ model: MODEL, max_tokens: 64, messages: [user('something else')] }).catch((e) => e);
      assert.ok(err instanceof Anthropic.BadRequestError);
      assert.match(err.error.error.message, /^fake: no scripted turn matches/);
      assert.equal(fake.requests[0].unmatched, true);
      assert.equal(fake.remaining().length, 1);
      await client.messages.create({ model: MODEL, max_tokens: 64, messages: [user('expected')] });
    });
  });
});

describe(`OpenAI-compatible fake with openai ${OPENAI_SDK_VERSION}`, () => {
  const FN_TOOLS = TOOLS.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema } }));

  test('a JSON answer with usage; the client sends Authorization: Bearer', async () => {
    await withOpenAI([{ match: 'hello', reply: { text: 'Hi! What shall we track?' } }], async ({ fake, client }) => {
      const c = await client.chat.completions.create({ model: 'llama3.2', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hello' }] });
      assert.match(c.id, /^chatcmpl-/);
      assert.equal(c.object, 'chat.completion');
      assert.equal(c.model, 'llama3.2');
      assert.equal(c.choices[0].message.content, 'Hi! What shall we track?');
      assert.equal(c.choices[0].finish_reason, 'stop');
      assert.equal(c.usage.total_tokens, c.usage.prompt_tokens + c.usage.completion_tokens);
      const [r] = fake.requests;
      assert.equal(r.path, '/v1/chat/completions');
      assert.equal(r.headers.authorization, `Bearer ${KEY}`);
      assert.equal(r.headers['user-agent'], `OpenAI/JS ${OPENAI_SDK_VERSION}`);
    });
  });

  test('a streamed answer ends with [DONE]; usage comes in a last chunk only when include_usage is asked', async () => {
    const text = 'You have meditated nine days in a row, well done.';
    await withOpenAI([{ match: 'streak', reply: { text } }, { match: 'again', reply: { text: 'no usage' } }], async ({ fake, client }) => {
      const stream = await client.chat.completions.create({
        model: 'qwen', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'my streak?' }],
      });
      let content = '';
      const chunks = [];
      for await (const chunk of stream) {
        chunks.push(chunk);
        content += chunk.choices[0]?.delta?.content ?? '';
      }
      assert.equal(content, text);
      assert.ok(chunks.length > 4);
      const last = chunks.at(-1);
      assert.deepEqual(last.choices, []);
      assert.deepEqual(last.usage, fake.requests[0].usage);
      assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
      assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
      assert.equal(fake.requests[0].sent.at(-1), 'done');

      const helper = client.chat.completions.stream({ model: 'qwen', messages: [{ role: 'user', content: 'again' }] });
      const final = await helper.finalChatCompletion();
      assert.equal(final.choices[0].message.content, 'no usage');
      assert.equal(final.usage, undefined);
      assert.ok(!fake.requests[1].sent.includes('usage'));
    });
  });

  test('tool calls stream their arguments in pieces; the tool messages answer them', async () => {
    const script = [
      {
        match: 'log my run',
        reply: { tools: [{ name: 'log_habit', arguments: { habit: 'run', amount: 5, unit: 'km' } }, { name: 'get_streak', arguments: { habit: 'run' } }] },
        stream: { argChunks: 4 },
      },
      { match: { toolResult: 'logged' }, reply: { text: 'Logged, streak 12.' } },
    ];
    await withOpenAI(script, async ({ fake, client }) => {
      const messages = [{ role: 'user', content: 'log my run' }];
      const stream = client.chat.completions.stream({ model: 'llama3.2', tools: FN_TOOLS, messages, stream_options: { include_usage: true } });
      const pieces = [];
      stream.on('tool_calls.function.arguments.delta', (e) => pieces.push(e.arguments_delta));
      const final = await stream.finalChatCompletion();
      const choice = final.choices[0];
      assert.equal(choice.finish_reason, 'tool_calls');
      const calls = choice.message.tool_calls;
      assert.deepEqual(calls.map((c) => [c.type, c.function.name, JSON.parse(c.function.arguments)]), [
        ['function', 'log_habit', { habit: 'run', amount: 5, unit: 'km' }],
        ['function', 'get_streak', { habit: 'run' }],
      ]);
      for (const c of calls) assert.match(c.id, /^call_/);
      assert.ok(pieces.length >= 5, `argument pieces: ${pieces.length}`);
      assert.deepEqual(final.usage, fake.requests[0].usage);

      messages.push(choice.message);
      messages.push({ role: 'tool', tool_call_id: calls[0].id, content: 'logged 5 km' });
      messages.push({ role: 'tool', tool_call_id: calls[1].id, content: '{"streak":12}' });
      const next = await client.chat.completions.create({ model: 'llama3.2', tools: FN_TOOLS, messages });
      assert.equal(next.choices[0].message.content, 'Logged, streak 12.');

      const missing = await client.chat.completions.create({ model: 'llama3.2', tools: FN_TOOLS, messages: messages.slice(0, 3) }).catch((e) => e);
      assert.ok(missing instanceof OpenAI.BadRequestError, String(missing));
      assert.match(missing.message, new RegExp(`did not have response messages: ${calls[1].id}`));
    });
  });

  test('non-streamed tool calls carry their arguments as one JSON string', async () => {
    await withOpenAI([{ reply: { tools: [{ id: 'call_fixed', name: 'get_streak', arguments: { habit: 'read' } }] } }], async ({ client }) => {
      const c = await client.chat.completions.create({ model: 'm', tools: FN_TOOLS, messages: [{ role: 'user', content: 'streak?' }] });
      assert.deepEqual(c.choices[0].message.tool_calls, [{ id: 'call_fixed', type: 'function', function: { name: 'get_streak', arguments: '{"habit":"read"}' } }]);
      assert.equal(c.choices[0].finish_reason, 'tool_calls');
    });
  });

  test('429 with retry-after is retried after the wait; a wrong key is 401; no key is fine for an Ollama-like server', async () => {
    await withOpenAI([{ fail: { status: 429, retryAfter: 1 } }, { reply: { text: 'ok' } }], async ({ fake, client }) => {
      const started = Date.now();
      const c = await client.withOptions({ maxRetries: 1 }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(c.choices[0].message.content, 'ok');
      assert.ok(Date.now() - started >= 950);
      assert.deepEqual(fake.requests.map((r) => [r.status, r.headers['x-stainless-retry-count']]), [[429, '0'], [200, '1']]);
      const wrong = await client.withOptions({ apiKey: 'nope' }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
      assert.ok(wrong instanceof OpenAI.AuthenticationError, String(wrong));
      assert.equal(wrong.code, 'invalid_api_key');
    });
    await withOpenAI([{ fail: { status: 429, retryAfter: 3 } }], async ({ client }) => {
      const err = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
      assert.ok(err instanceof OpenAI.RateLimitError, String(err));
      assert.equal(err.headers.get('retry-after'), '3');
      assert.equal(err.code, 'rate_limit_exceeded');
    });
    await withOpenAI([{ reply: { text: 'local' } }], async ({ fake, client }) => {
      const c = await client.withOptions({ apiKey: 'anything' }).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(c.choices[0].message.content, 'local');
      assert.equal(fake.requests[0].auth.key, 'anything');
    }, { fake: { apiKeys: null } });
  });

  test('an error chunk mid-stream raises an APIError; a cut stream raises an error', async () => {
    const script = [
      { match: 'err', reply: { text: 'one two three four five six seven eight nine' }, stream: { errorAfter: 3, error: { message: 'model crashed' } } },
      { match: 'cut', reply: { text: 'one two three four five six seven eight nine' }, stream: { cutAfter: 2 } },
    ];
    await withOpenAI(script, async ({ fake, client }) => {
      let content = '';
      const err = await (async () => {
        const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'err' }] });
        for await (const chunk of stream) content += chunk.choices[0]?.delta?.content ?? '';
      })().catch((e) => e);
      assert.ok(err instanceof OpenAI.APIError, String(err));
      assert.match(err.message, /model crashed/);
      assert.equal(content, 'one two three four five six ');
      assert.equal(fake.requests[0].outcome, 'error-event');

      const cut = await client.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'cut' }] }).finalChatCompletion().catch((e) => e);
      assert.ok(cut instanceof OpenAI.OpenAIError, String(cut));
      assert.match(cut.message, /terminated/);
      assert.equal(fake.requests[1].outcome, 'cut');
      assert.deepEqual(fake.requests[1].sent, ['role', 'content']);
    });
  });

  test('the stream bytes are `data: <json>` lines and `data: [DONE]`', async () => {
    await withOpenAI([{ reply: { text: 'a b' } }], async ({ fake }) => {
      const res = await fetch(`${fake.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }),
      });
      assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const raw = await res.text();
      assert.ok(raw.endsWith('\n\ndata: [DONE]\n\n'));
      const frames = raw.slice(0, -2).split('\n\n');
      for (const f of frames.slice(0, -1)) {
        assert.match(f, /^data: \{/);
        const chunk = JSON.parse(f.slice(6));
        assert.equal(chunk.object, 'chat.completion.chunk');
        assert.equal(chunk.choices[0].index, 0);
        assert.equal('usage' in chunk, false);
      }
    });
  });
});
