// A local OpenAI-compatible Chat Completions API for tests — what Ollama, llama.cpp's server
// and vLLM serve for local models: `POST /v1/chat/completions` (JSON, or SSE `data: {chunk}`
// lines ending with `data: [DONE]`) and `GET /v1/models`, answering from a scripted
// conversation. tests/integration/fakes.test.mjs points the official `openai` npm client at
// it to prove the format.
//
//   const fake = await startOpenAIFake({ script: [
//     { match: 'log my run', reply: { tools: [{ name: 'log', arguments: { km: 5 } }] } },
//     { match: { toolResult: 'ok' }, reply: { text: 'Done: 5 km.' } },
//   ] });
//   // fake.baseURL (…/v1) → KRILIN_OPENAI_BASE_URL; fake.requests; await fake.close();
//
// A turn is { match?, times?, latencyMs?, reply?, fail?, stream? } as for the Anthropic fake
// (tests/fakes/anthropic.mjs); here:
//   match   the final message's text when it is the user's, or the tool messages after the
//           last assistant message ({ toolResult, toolUseId } match their content / id).
//   reply   { text?, tools?: [{name, arguments: object | string, id?, chunks?}],
//           finishReason?, usage?: overrides, model? }. finish_reason defaults to
//           tool_calls when there are tool calls, else stop.
//   fail    { status, message?, type?, code?, retryAfter?, headers?, body? } or { reset: true }.
//   stream  { textChunks?, argChunks?: pieces of each call's arguments (3), delayMs?,
//           errorAfter?: n, error?: {message, type, code}, cutAfter?: n, hangAfter?: n,
//           inject?: [{after, raw}] } — n counts the `data:` lines already written.
// `usage` comes in a last chunk with empty choices only when the request asks
// `stream_options: {include_usage: true}` (then every chunk carries `usage: null`, as OpenAI
// does). The fake checks the Bearer key (apiKeys: null accepts any or none, like Ollama) and
// that every assistant tool call is answered by a `tool` message (400 otherwise).
import { Script, base62, headersOf, listen, playEvents, readBody, sleep, splitInto, splitWords, tokens } from './common.mjs';

const callId = () => `call_${base62(24)}`;
const completionId = () => `chatcmpl-${base62(29)}`;

const textOf = (content) => {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.filter((p) => p?.type === 'text').map((p) => p.text).join('\n');
  return '';
};

function contextOf(body) {
  const msgs = body.messages;
  const last = msgs[msgs.length - 1];
  const toolResults = [];
  for (let i = msgs.length - 1; i >= 0 && msgs[i].role === 'tool'; i--) {
    toolResults.unshift({ id: msgs[i].tool_call_id, text: textOf(msgs[i].content), isError: false, message: msgs[i] });
  }
  return { body, lastUserText: last?.role === 'user' ? textOf(last.content) : null, toolResults };
}

// Returns [message, param] of the first problem, or null.
function validate(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['Invalid request body', null];
  if (typeof body.model !== 'string' || !body.model) return ['you must provide a model parameter', null];
  if (!Array.isArray(body.messages) || !body.messages.length) return ["Invalid 'messages': empty array. Expected an array with minimum length 1.", 'messages'];
  const msgs = body.messages;
  for (const [i, m] of msgs.entries()) {
    if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(m?.role)) {
      return [`Invalid value: '${m?.role}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.`, `messages[${i}].role`];
    }
    if (m.role === 'assistant' && m.tool_calls?.length) {
      const answered = [];
      for (let j = i + 1; j < msgs.length && msgs[j].role === 'tool'; j++) answered.push(msgs[j].tool_call_id);
      const missing = m.tool_calls.map((c) => c.id).filter((id) => !answered.includes(id));
      if (missing.length) {
        return [`An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${missing.join(', ')}`, `messages.[${i}].role`];
      }
    }
    if (m.role === 'tool') {
      let j = i - 1;
      while (j >= 0 && msgs[j].role === 'tool') j--;
      const calls = j >= 0 && msgs[j].role === 'assistant' ? (msgs[j].tool_calls ?? []).map((c) => c.id) : [];
      if (!calls.includes(m.tool_call_id)) {
        return ["Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${i}].role`];
      }
    }
  }
  return null;
}

function replyCalls(reply) {
  return (reply.tools ?? []).map((t) => ({
    id: t.id ?? callId(),
    name: t.name,
    arguments: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments ?? {}),
    chunks: t.chunks,
  }));
}

// Starts the fake on 127.0.0.1 (port 0 by default). Options: script, apiKeys (accepted
// Bearer keys; null = no auth, as Ollama), model (reported instead of the request's),
// fingerprint (system_fingerprint). Answers { url, baseURL, port, requests, push, remaining,
// close }.
export async function startOpenAIFake({
  script = [],
  apiKeys = ['test-key'],
  model,
  fingerprint = 'fp_krilin_fake',
  host = '127.0.0.1',
  port = 0,
} = {}) {
  const turns = new Script(script);
  const requests = [];

  const sendJson = (res, record, status, body, headers = {}) => {
    const text = JSON.stringify(body);
    record.status = status;
    record.response = body;
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'x-request-id': record.requestId,
      ...headers,
    });
    res.end(text);
  };
  const sendError = (res, record, status, { message, type, code = null, param = null, headers } = {}) => {
    record.outcome = 'failed';
    sendJson(res, record, status, { error: { message, type: type ?? 'invalid_request_error', param, code } }, headers);
  };

  const handle = async (req, res) => {
    const record = {
      method: req.method,
      path: req.url,
      headers: headersOf(req),
      requestId: `req_${base62(32)}`,
      auth: null,
      rawBody: '',
      body: null,
      stream: false,
      turn: null,
      status: null,
      sent: [],
      outcome: null,
    };
    requests.push(record);
    record.rawBody = await readBody(req);
    const path = req.url.split('?')[0];
    const bearer = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) record.auth = { style: 'bearer', key: bearer };
    if (apiKeys) {
      if (!record.auth) {
        return sendError(res, record, 401, { message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)." });
      }
      if (!apiKeys.includes(record.auth.key)) {
        return sendError(res, record, 401, { message: `Incorrect API key provided: ${record.auth.key.slice(0, 3)}***.`, code: 'invalid_api_key' });
      }
    }
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      const id = model ?? 'fake-model';
      return sendJson(res, record, 200, { object: 'list', data: [{ id, object: 'model', created: 1700000000, owned_by: 'krilin-fake' }] });
    }
    if (req.method !== 'POST' || !['/v1/chat/completions', '/chat/completions'].includes(path)) {
      return sendError(res, record, 404, { message: `Unknown request URL: ${req.method} ${path}.`, code: 'unknown_url' });
    }

    try { record.body = JSON.parse(record.rawBody); } catch {
      return sendError(res, record, 400, { message: 'We could not parse the JSON body of your request.' });
    }
    const invalid = validate(record.body);
    if (invalid) return sendError(res, record, 400, { message: invalid[0], param: invalid[1] });
    const body = record.body;
    record.stream = body.stream === true;

    const ctx = contextOf(body);
    const taken = turns.take(ctx);
    if (!taken) {
      record.unmatched = true;
      return sendError(res, record, 400, {
        message: `fake: no scripted turn matches this request (final user text ${JSON.stringify(ctx.lastUserText)}, tool results ${JSON.stringify(ctx.toolResults.map((r) => r.text))})`,
      });
    }
    record.turn = taken.index;
    const { turn } = taken;
    if (turn.latencyMs) await sleep(turn.latencyMs);

    if (turn.fail) {
      const f = turn.fail;
      if (f.reset) { record.outcome = 'reset'; req.socket.destroy(); return; }
      const status = f.status ?? 500;
      const headers = { ...(f.headers ?? {}) };
      if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
      if (f.body !== undefined) { record.outcome = 'failed'; return sendJson(res, record, status, f.body, headers); }
      const defaults = status === 429
        ? { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' }
        : status >= 500 ? { message: 'The server had an error while processing your request.', type: 'server_error', code: null }
          : { message: 'Invalid request', type: 'invalid_request_error', code: null };
      return sendError(res, record, status, {
        message: f.message ?? defaults.message, type: f.type ?? defaults.type, code: f.code ?? defaults.code, headers,
      });
    }

    const reply = turn.reply ?? { text: '' };
    const calls = replyCalls(reply);
    const text = reply.text ?? null;
    const usage = {
      prompt_tokens: tokens(JSON.stringify(body.messages) + JSON.stringify(body.tools ?? [])),
      completion_tokens: tokens((text ?? '') + calls.map((c) => c.arguments).join('')),
    };
    Object.assign(usage, reply.usage ?? {});
    usage.total_tokens = reply.usage?.total_tokens ?? usage.prompt_tokens + usage.completion_tokens;
    const finishReason = reply.finishReason ?? (calls.length ? 'tool_calls' : 'stop');
    const head = {
      id: completionId(),
      created: Math.floor(Date.now() / 1000),
      model: reply.model ?? model ?? body.model,
      system_fingerprint: fingerprint,
    };
    record.usage = usage;

    if (!record.stream) {
      const message = { role: 'assistant', content: text, refusal: null };
      if (calls.length) message.tool_calls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      const completion = {
        id: head.id, object: 'chat.completion', created: head.created, model: head.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage, system_fingerprint: head.system_fingerprint,
      };
      record.outcome = 'ok';
      return sendJson(res, record, 200, completion);
    }

    const opts = turn.stream ?? {};
    const includeUsage = body.stream_options?.include_usage === true;
    const chunk = (choices, extra = {}) => {
      const c = { id: head.id, object: 'chat.completion.chunk', created: head.created, model: head.model, system_fingerprint: head.system_fingerprint, choices };
      if (includeUsage) c.usage = null;
      Object.assign(c, extra);
      return c;
    };
    const delta = (d, finish = null) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);
    const data = (label, obj) => ({ label, text: `data: ${JSON.stringify(obj)}\n\n` });
    const events = [data('role', delta({ role: 'assistant', content: '', refusal: null }))];
    if (text) for (const piece of splitWords(text, opts.textChunks ?? 3)) events.push(data('content', delta({ content: piece })));
    calls.forEach((c, index) => {
      events.push(data('tool_call', delta({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] })));
      for (const piece of c.chunks ?? splitInto(c.arguments, opts.argChunks ?? 3)) {
        events.push(data('arguments', delta({ tool_calls: [{ index, function: { arguments: piece } }] })));
      }
    });
    events.push(data('finish', delta({}, finishReason)));
    if (includeUsage) events.push(data('usage', chunk([], { usage })));
    events.push({ label: 'done', text: 'data: [DONE]\n\n' });

    record.status = 200;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-request-id': record.requestId,
    });
    const error = { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null, ...(opts.error ?? {}) };
    await playEvents(res, events, opts, record, () => `data: ${JSON.stringify({ error })}\n\n`);
  };

  const server = await listen(handle, { host, port });
  return {
    url: server.url,
    baseURL: `${server.url}/v1`,
    port: server.port,
    requests,
    push: (...t) => turns.push(...t),
    remaining: () => turns.remaining(),
    close: server.close,
  };
}
