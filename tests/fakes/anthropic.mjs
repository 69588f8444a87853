// A local Anthropic Messages API for tests: `POST /v1/messages` (JSON and SSE) and
// `POST /v1/messages/count_tokens`, answering from a scripted conversation. The wire format
// (headers, error bodies, event names and order, field names) follows the official SDK
// `@anthropic-ai/sdk` 1.10 and Anthropic's documentation; tests/integration/fakes.test.mjs
// points that SDK at this fake to prove it.
//
//   const fake = await startAnthropicFake({ script: [
//     { match: 'log my run', reply: { text: 'Logging it.', tools: [{ name: 'log', input: { km: 5 } }] } },
//     { match: { toolResult: 'ok' }, reply: { text: 'Done: 5 km.' } },
//   ] });
//   // fake.url → KRILIN_ANTHROPIC_BASE_URL; fake.requests → what arrived; await fake.close();
//
// A turn is { match?, times?, latencyMs?, reply?, fail?, stream? }:
//   match    which request it answers (see common.mjs `matches`): the final user message's
//            text, its tool results, a predicate. Turns are tried in order; each serves
//            `times` requests (default 1).
//   reply    { text?, tools?: [{name, input, id?, partials?}], content?: blocks, stopReason?,
//            stopSequence?, usage?: overrides, model? }. `content` gives the blocks in full
//            ({type: 'text', text, chunks?} | {type: 'tool_use', name, input, id?, partials?} |
//            {type: 'thinking', thinking, signature}); otherwise `text` then `tools`.
//            stop_reason defaults to tool_use when there are tool calls, else end_turn.
//   fail     answer an error instead: { status, type?, message?, retryAfter?, headers?,
//            details?, shouldRetry? } (429 → rate_limit_error, 529 → overloaded_error, …),
//            or { reset: true } to destroy the socket before any answer.
//   stream   how a streamed answer is delivered: { textChunks?: words per delta (3),
//            jsonChunks?: pieces of each tool input after the leading empty one (3),
//            pings?: false, pingEvery?: n, delayMs?, errorAfter?: n, error?: {type, message},
//            cutAfter?: n, hangAfter?: n, inject?: [{after, raw}], deltaUsage?: 'output' }.
//            n counts the events already written.
//
// Without a scripted answer the fake still speaks the protocol: it checks the key
// (401 authentication_error), anthropic-version (400), the body, and that every tool_use is
// answered by one tool_result at the start of the next user message (400
// invalid_request_error); a request that no turn matches gets 400 with a message starting
// "fake:" and `unmatched: true` in its record. Prompt caching is simulated: the prefix up to
// each cache_control breakpoint (tools → system → messages) is remembered per model for its
// ttl, so the first request writes (cache_creation_input_tokens) and a repeat of the same
// prefix reads (cache_read_input_tokens). Token counts are characters / 4.
import { createHash } from 'node:crypto';
import { Script, base62, headersOf, listen, playEvents, readBody, sleep, splitInto, splitWords, tokens } from './common.mjs';

export const SDK_VERSION_HEADER = '2026-10-21';
export const LEGACY_VERSION_HEADER = '2023-06-01';

const ERROR_TYPES = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};
const ERROR_MESSAGES = {
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit',
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
  timeout_error: 'Request timed out',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'Not found',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  billing_error: 'Your credit balance is too low to access the Anthropic API.',
  invalid_request_error: 'Invalid request',
  authentication_error: 'invalid x-api-key',
};
const TTL_MS = { '5m': 5 * 60 * 1000, '1h': 60 * 60 * 1000 };

const requestId = () => `req_011C${base62(20)}`;
export const messageId = () => `msg_01${base62(22)}`;
export const toolUseId = () => `toolu_01${base62(22)}`;

// The SSE framing of the real API: the event name repeats the JSON `type`.
const sse = (obj) => ({ label: obj.type, text: `event: ${obj.type}\ndata: ${JSON.stringify(obj)}\n\n` });
// Pings and stream errors are written with spaces after ':' and ',' as in Anthropic's docs.
const PING = { label: 'ping', text: 'event: ping\ndata: {"type": "ping"}\n\n' };
const errorEventText = (error) =>
  `event: error\ndata: {"type": "error", "error": {"type": ${JSON.stringify(error.type)}, "message": ${JSON.stringify(error.message)}}}\n\n`;

const blocksOf = (content) => (typeof content === 'string' ? [{ type: 'text', text: content }] : Array.isArray(content) ? content : []);
const textOfBlocks = (content) => {
  if (typeof content === 'string') return content;
  return blocksOf(content).filter((b) => b.type === 'text').map((b) => b.text).join('\n');
};
const withoutCacheControl = (obj) => {
  if (!obj || typeof obj !== 'object') return obj;
  const { cache_control: _, ...rest } = obj;
  return rest;
};

// What the script matches on: the final user message's text and tool results.
function contextOf(body) {
  const last = [...body.messages].reverse().find((m) => m.role === 'user');
  const blocks = last ? blocksOf(last.content) : [];
  const texts = blocks.filter((b) => b.type === 'text');
  const toolResults = blocks.filter((b) => b.type === 'tool_result').map((b) => ({
    id: b.tool_use_id,
    text: textOfBlocks(b.content ?? ''),
    isError: b.is_error === true,
    block: b,
  }));
  return {
    body,
    lastUserText: texts.length ? texts.map((b) => b.text).join('\n') : null,
    toolResults,
  };
}

// The API's own checks of a request body; returns an error message or null.
function validate(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Input should be an object';
  if (typeof body.model !== 'string' || !body.model) return 'model: Field required';
  if (!Number.isInteger(body.max_tokens)) return 'max_tokens: Field required';
  if (body.max_tokens < 1) return 'max_tokens: Input should be greater than or equal to 1';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (!body.messages.length) return 'messages: at least one message is required';
  for (const [i, m] of body.messages.entries()) {
    if (!['user', 'assistant', 'system'].includes(m?.role)) return `messages.${i}.role: Input should be 'user', 'assistant' or 'system'`;
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) return `messages.${i}.content: Input should be a valid list`;
  }
  if (body.tools !== undefined && !Array.isArray(body.tools)) return 'tools: Input should be a valid list';
  for (const [i, t] of (body.tools ?? []).entries()) {
    if (typeof t?.name !== 'string') return `tools.${i}.name: Field required`;
    if (!t.type && typeof t.input_schema !== 'object') return `tools.${i}.custom.input_schema: Field required`;
  }
  return validateCacheControl(body) ?? validateToolPairing(body.messages);
}

// At most 4 breakpoints, and a 1-hour one may not follow a 5-minute one (tools → system →
// messages order).
function validateCacheControl(body) {
  const marks = [];
  for (const t of body.tools ?? []) if (t.cache_control) marks.push(t.cache_control);
  if (Array.isArray(body.system)) for (const b of body.system) if (b?.cache_control) marks.push(b.cache_control);
  for (const m of body.messages) for (const b of Array.isArray(m.content) ? m.content : []) if (b?.cache_control) marks.push(b.cache_control);
  if (marks.length > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${marks.length}.`;
  let seen5m = false;
  for (const cc of marks) {
    if (cc.type !== 'ephemeral') return 'cache_control.type: Input should be \'ephemeral\'';
    if (cc.ttl !== undefined && cc.ttl !== '5m' && cc.ttl !== '1h') return "cache_control.ttl: Input should be '5m' or '1h'";
    if (cc.ttl === '1h' && seen5m) return 'a ttl=\'1h\' cache_control block must not come after a ttl=\'5m\' cache_control block. Note that the order of processing is: \'tools\', \'system\', \'messages\'.';
    if (cc.ttl !== '1h') seen5m = true;
  }
  return null;
}

// Every tool_use of an assistant message needs one tool_result, at the start of the very
// next (user) message; a tool_result needs a tool_use in the message just before it.
function validateToolPairing(messages) {
  for (const [i, m] of messages.entries()) {
    if (m.role === 'assistant') {
      const ids = blocksOf(m.content).filter((b) => b.type === 'tool_use').map((b) => b.id);
      if (!ids.length) continue;
      const next = messages[i + 1];
      const blocks = next && next.role === 'user' ? blocksOf(next.content) : [];
      const leading = [];
      for (const b of blocks) { if (b.type !== 'tool_result') break; leading.push(b.tool_use_id); }
      const missing = ids.filter((id) => !leading.includes(id));
      if (missing.length) {
        return `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
      }
    }
    if (m.role === 'user') {
      const prev = messages[i - 1];
      const ids = prev && prev.role === 'assistant' ? blocksOf(prev.content).filter((b) => b.type === 'tool_use').map((b) => b.id) : [];
      const seen = new Set();
      for (const [k, b] of blocksOf(m.content).entries()) {
        if (b.type !== 'tool_result') continue;
        if (!ids.includes(b.tool_use_id) || seen.has(b.tool_use_id)) {
          return `messages.${i}.content.${k}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
        }
        seen.add(b.tool_use_id);
      }
    }
  }
  return null;
}

// The prompt as ordered pieces (tools → system → messages), each with its token count and
// the cache_control breakpoint it carries, if any.
function promptPieces(body) {
  const pieces = [];
  const add = (value, cc) => pieces.push({ text: JSON.stringify(value), cc });
  for (const t of body.tools ?? []) add(withoutCacheControl(t), t.cache_control);
  if (typeof body.system === 'string') add(body.system);
  else for (const b of body.system ?? []) add(withoutCacheControl(b), b.cache_control);
  for (const m of body.messages) {
    if (typeof m.content === 'string') add({ role: m.role, text: m.content });
    else for (const b of m.content) add({ role: m.role, block: withoutCacheControl(b) }, b.cache_control);
  }
  return pieces.map((p) => ({ ...p, tokens: tokens(p.text) }));
}

class PromptCache {
  constructor({ minTokens, now }) {
    this.entries = new Map();
    this.minTokens = minTokens;
    this.now = now;
  }

  clear() { this.entries.clear(); }

  // Usage of a request: which part of its prompt was read from the cache, which part was
  // written to it (split by ttl), and the rest.
  account(body) {
    const pieces = promptPieces(body);
    const total = pieces.reduce((n, p) => n + p.tokens, 0);
    const hash = createHash('sha256').update(body.model);
    const breakpoints = [];
    let sum = 0;
    for (const p of pieces) {
      hash.update('\0').update(p.text);
      sum += p.tokens;
      if (p.cc?.type === 'ephemeral' && sum >= this.minTokens) {
        breakpoints.push({ key: hash.copy().digest('hex'), tokens: sum, ttl: p.cc.ttl === '1h' ? '1h' : '5m' });
      }
    }
    const now = this.now();
    const live = (bp) => (this.entries.get(bp.key)?.expires ?? 0) > now;
    let read = 0;
    for (const bp of breakpoints) if (live(bp)) read = Math.max(read, bp.tokens);
    const created = { '5m': 0, '1h': 0 };
    let boundary = read;
    for (const bp of breakpoints) {
      if (bp.tokens > boundary && !live(bp)) { created[bp.ttl] += bp.tokens - boundary; boundary = bp.tokens; }
      this.entries.set(bp.key, { expires: now + TTL_MS[bp.ttl] });
    }
    const creation = created['5m'] + created['1h'];
    return {
      input_tokens: total - read - creation,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
      cache_creation: { ephemeral_5m_input_tokens: created['5m'], ephemeral_1h_input_tokens: created['1h'] },
    };
  }

  count(body) { return promptPieces(body).reduce((n, p) => n + p.tokens, 0); }
}

// The blocks of a scripted reply, with ids given to tool calls.
function replyBlocks(reply) {
  const raw = reply.content ?? [
    ...(reply.text !== undefined ? [{ type: 'text', text: reply.text }] : []),
    ...(reply.tools ?? []).map((t) => ({ type: 'tool_use', ...t })),
  ];
  return raw.map((b) => {
    if (b.type !== 'tool_use') return b;
    let input = b.input;
    if (input === undefined && b.partials) {
      try { input = JSON.parse(b.partials.join('')); } catch { input = {}; }
    }
    return { ...b, id: b.id ?? toolUseId(), input: input ?? {} };
  });
}

// A block as the API shows it (the script's helper fields left out).
function publicBlock(b) {
  switch (b.type) {
    case 'text': return { type: 'text', text: b.text };
    case 'tool_use': return { type: 'tool_use', id: b.id, name: b.name, input: b.input };
    case 'thinking': return { type: 'thinking', thinking: b.thinking, signature: b.signature ?? '' };
    default: { const { chunks: _c, partials: _p, ...rest } = b; return rest; }
  }
}

function outputTokens(blocks) {
  let text = '';
  for (const b of blocks) text += b.type === 'tool_use' ? JSON.stringify(b.input) : (b.text ?? b.thinking ?? '');
  return tokens(text);
}

// The SSE events of one message, pings not included.
function streamEvents(message, blocks, opts) {
  const events = [];
  const startUsage = { ...message.usage, output_tokens: Math.min(1, message.usage.output_tokens) };
  events.push(sse({ type: 'message_start', message: { ...message, content: [], stop_reason: null, stop_sequence: null, usage: startUsage } }));
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      events.push(sse({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      for (const text of b.chunks ?? splitWords(b.text, opts.textChunks ?? 3)) {
        events.push(sse({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } }));
      }
    } else if (b.type === 'tool_use') {
      events.push(sse({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } }));
      const partials = b.partials ?? ['', ...splitInto(JSON.stringify(b.input), opts.jsonChunks ?? 3)];
      for (const partial_json of partials) {
        events.push(sse({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } }));
      }
    } else if (b.type === 'thinking') {
      events.push(sse({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      for (const thinking of splitWords(b.thinking, opts.textChunks ?? 3)) {
        events.push(sse({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } }));
      }
      events.push(sse({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: b.signature ?? '' } }));
    } else {
      events.push(sse({ type: 'content_block_start', index, content_block: publicBlock(b) }));
    }
    events.push(sse({ type: 'content_block_stop', index }));
  });
  const u = message.usage;
  const deltaUsage = opts.deltaUsage === 'output' ? { output_tokens: u.output_tokens } : {
    input_tokens: u.input_tokens,
    cache_creation_input_tokens: u.cache_creation_input_tokens,
    cache_read_input_tokens: u.cache_read_input_tokens,
    output_tokens: u.output_tokens,
  };
  events.push(sse({ type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence }, usage: deltaUsage }));
  events.push(sse({ type: 'message_stop' }));
  // Like the real API: a ping right after the first content block starts.
  if (opts.pings !== false) {
    const at = events.findIndex((e) => e.label === 'content_block_start');
    events.splice(at < 0 ? 1 : at + 1, 0, PING);
    if (opts.pingEvery) {
      for (let i = opts.pingEvery + 1; i < events.length; i += opts.pingEvery + 1) events.splice(i, 0, PING);
    }
  }
  return events;
}

// Starts the fake on 127.0.0.1 (port 0 by default). Options: script (turns), apiKeys (the
// keys it accepts, sent as `x-api-key` or `Authorization: Bearer`), versions (accepted
// anthropic-version values), model (reported when a reply does not name one: the request's
// model by default), minCacheableTokens (prefixes shorter than this are not cached, as
// below the real API's per-model minimum; default 0), now (clock for cache ttls).
// Answers { url, port, requests, push(...turns), remaining(), cache, close() }.
export async function startAnthropicFake({
  script = [],
  apiKeys = ['test-key'],
  versions = [SDK_VERSION_HEADER, LEGACY_VERSION_HEADER],
  model,
  minCacheableTokens = 0,
  now = Date.now,
  host = '127.0.0.1',
  port = 0,
} = {}) {
  const turns = new Script(script);
  const cache = new PromptCache({ minTokens: minCacheableTokens, now });
  const requests = [];

  const sendJson = (res, record, status, body, headers = {}) => {
    const text = JSON.stringify(body);
    record.status = status;
    record.response = body;
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      'request-id': record.requestId,
      'anthropic-organization-id': '00000000-0000-4000-8000-000000000000',
      ...headers,
    });
    res.end(text);
  };
  const sendError = (res, record, status, { type, message, details, headers } = {}) => {
    const errorType = type ?? ERROR_TYPES[status] ?? 'api_error';
    const error = { type: errorType, message: message ?? ERROR_MESSAGES[errorType] ?? 'Error' };
    if (details) error.details = details;
    record.outcome = 'failed';
    sendJson(res, record, status, { type: 'error', error, request_id: record.requestId }, headers);
  };

  const handle = async (req, res) => {
    const record = {
      method: req.method,
      path: req.url,
      headers: headersOf(req),
      requestId: requestId(),
      auth: null,
      version: req.headers['anthropic-version'] ?? null,
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
    if (req.method !== 'POST' || !['/v1/messages', '/v1/messages/count_tokens'].includes(path)) {
      return sendError(res, record, 404, { message: `${req.method} ${path} not found` });
    }

    const apiKey = req.headers['x-api-key'];
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (apiKey !== undefined) record.auth = { style: 'x-api-key', key: apiKey };
    else if (bearer !== undefined) record.auth = { style: 'bearer', key: bearer };
    if (!record.auth) return sendError(res, record, 401, { message: 'x-api-key header is required' });
    if (!apiKeys.includes(record.auth.key)) {
      return sendError(res, record, 401, { message: record.auth.style === 'x-api-key' ? 'invalid x-api-key' : 'Invalid bearer token' });
    }
    if (!record.version) return sendError(res, record, 400, { message: 'anthropic-version: header is required' });
    if (!versions.includes(record.version)) {
      return sendError(res, record, 400, { message: `anthropic-version: "${record.version}" is not a valid version` });
    }

    try { record.body = JSON.parse(record.rawBody); } catch {
      return sendError(res, record, 400, { message: 'There was an error parsing the body of your request: invalid JSON' });
    }
    const invalid = validate(record.body);
    if (invalid) return sendError(res, record, 400, { message: invalid });
    const body = record.body;
    if (path === '/v1/messages/count_tokens') return sendJson(res, record, 200, { input_tokens: cache.count(body) });
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
      const headers = { ...(f.headers ?? {}) };
      if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
      if (f.shouldRetry !== undefined) headers['x-should-retry'] = String(f.shouldRetry);
      return sendError(res, record, f.status ?? 500, { type: f.type, message: f.message, details: f.details, headers });
    }

    const reply = turn.reply ?? { text: '' };
    const blocks = replyBlocks(reply);
    const hasToolUse = blocks.some((b) => b.type === 'tool_use');
    const usage = {
      ...cache.account(body),
      output_tokens: outputTokens(blocks),
      service_tier: 'standard',
    };
    for (const [k, v] of Object.entries(reply.usage ?? {})) usage[k] = v;
    // Same key order as the API: output_tokens after the input figures.
    const message = {
      id: messageId(),
      type: 'message',
      role: 'assistant',
      model: reply.model ?? model ?? body.model,
      content: blocks.map(publicBlock),
      stop_reason: reply.stopReason ?? (hasToolUse ? 'tool_use' : 'end_turn'),
      stop_sequence: reply.stopSequence ?? null,
      usage,
    };
    record.message = message;
    record.usage = usage;

    if (!record.stream) { record.outcome = 'ok'; return sendJson(res, record, 200, message); }

    const opts = turn.stream ?? {};
    record.status = 200;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'request-id': record.requestId,
      'anthropic-organization-id': '00000000-0000-4000-8000-000000000000',
    });
    const error = { type: 'overloaded_error', message: 'Overloaded', ...(opts.error ?? {}) };
    await playEvents(res, streamEvents(message, blocks, opts), opts, record, () => errorEventText(error));
  };

  const server = await listen(handle, { host, port });
  return {
    url: server.url,
    port: server.port,
    requests,
    push: (...t) => turns.push(...t),
    remaining: () => turns.remaining(),
    cache,
    close: server.close,
  };
}
