// What the two model-provider fakes (anthropic.mjs, openai.mjs) share: an HTTP server on a
// free port that can be closed with its open sockets, request bodies, ids, the script of
// scripted turns and how a request picks one, and the player that writes a stream of events
// with pauses, a cut socket, a hang or a mid-stream error at a chosen point.
import http from 'node:http';
import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// `n` random base62 characters (the shape of Anthropic's and OpenAI's ids).
export function base62(n) {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += BASE62[b % 62];
  return s;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Starts `handler` on host:port (port 0 = a free one). close() destroys every open socket
// (keep-alive connections, hung streams) and then closes the server.
export async function listen(handler, { host = '127.0.0.1', port = 0 } = {}) {
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    handler(req, res).catch((err) => {
      // A bug in the fake: say so loudly, in a shape no client mistakes for the real API.
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake crashed: ${err.stack}`);
      } else {
        res.destroy(err);
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    server,
    port: address.port,
    url: `http://${host}:${address.port}`,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

export function readBody(req, limit = 32 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) { reject(new Error('body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function headersOf(req) {
  const out = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = v;
  return out;
}

// Rough token count of a piece of text: one token per 4 characters, at least 1. Deterministic,
// so tests can compute what the fake will report.
export function tokens(text) {
  return Math.max(1, Math.ceil(String(text).length / 4));
}

// Cuts `s` into `n` pieces of nearly equal length (some may be empty when s is short).
export function splitInto(s, n) {
  const out = [];
  const size = Math.ceil(s.length / n);
  for (let i = 0; i < n; i++) out.push(s.slice(i * size, (i + 1) * size));
  return out.filter((p, i) => p.length > 0 || i === 0);
}

// Text deltas the way models stream them: a few words at a time.
export function splitWords(text, wordsPerChunk = 3) {
  const words = text.match(/\s*\S+\s*/g) ?? [text];
  const out = [];
  for (let i = 0; i < words.length; i += wordsPerChunk) out.push(words.slice(i, i + wordsPerChunk).join(''));
  return out.length ? out : [''];
}

function textMatches(pattern, text) {
  if (text == null) return false;
  if (pattern instanceof RegExp) return pattern.test(text);
  return text.includes(String(pattern));
}

// Does a turn's `match` accept the request? `ctx` = {body, lastUserText, toolResults}:
//   undefined           any request
//   'words' | /re/      the final user message's own text contains the words / matches
//   (body, ctx) => bool a predicate
//   { text, toolResult, toolUseId, isError, model, when }  all that are given must hold;
//     toolResult/toolUseId/isError look at the tool results of the final user message.
export function matches(spec, ctx) {
  if (spec == null) return true;
  if (typeof spec === 'function') return Boolean(spec(ctx.body, ctx));
  if (typeof spec === 'string' || spec instanceof RegExp) return textMatches(spec, ctx.lastUserText);
  if (spec.text !== undefined && !textMatches(spec.text, ctx.lastUserText)) return false;
  if (spec.toolResult !== undefined && !ctx.toolResults.some((r) => textMatches(spec.toolResult, r.text))) return false;
  if (spec.toolUseId !== undefined && !ctx.toolResults.some((r) => r.id === spec.toolUseId)) return false;
  if (spec.isError !== undefined && !ctx.toolResults.some((r) => Boolean(r.isError) === spec.isError)) return false;
  if (spec.model !== undefined && !textMatches(spec.model, ctx.body.model)) return false;
  if (spec.when !== undefined && !spec.when(ctx.body, ctx)) return false;
  return true;
}

// The scripted conversation: an ordered list of turns. A request takes the first turn, in
// order, that still has uses left (`times`, default 1) and whose `match` accepts it; so a
// failing turn followed by a succeeding one with the same match scripts "fail, then the
// retry succeeds".
export class Script {
  constructor(turns = []) {
    this.turns = [];
    this.push(...turns);
  }

  push(...turns) {
    for (const t of turns) this.turns.push({ turn: t, used: 0, times: t.times ?? 1 });
  }

  take(ctx) {
    for (let i = 0; i < this.turns.length; i++) {
      const entry = this.turns[i];
      if (entry.used >= entry.times) continue;
      if (!matches(entry.turn.match, ctx)) continue;
      entry.used++;
      return { index: i, turn: entry.turn };
    }
    return null;
  }

  // Turns not (fully) used yet: a test that ends with some left did not drive the
  // conversation it scripted.
  remaining() {
    return this.turns.filter((e) => e.used < e.times && e.times !== Infinity).map((e) => e.turn);
  }
}

// Writes `events` ([{label, text}]) to an SSE response. Control points count the events
// already written (pings and injections included): at `cutAfter` the socket is destroyed,
// at `hangAfter` nothing more is sent (close() of the fake ends it), at `errorAfter`
// `errorEvent()` is written and the response ends; `inject: [{after, raw}]` writes raw
// bytes as they are. `delayMs` pauses after each event. The labels written land in
// `record.sent` and the ending in `record.outcome`.
export async function playEvents(res, events, opts, record, errorEvent) {
  const { cutAfter, hangAfter, errorAfter, delayMs = 0 } = opts;
  const injections = (opts.inject ?? []).map((i) => ({ ...i, done: false }));
  const queue = [...events];
  let written = 0;
  const emit = async (label, text) => {
    await new Promise((resolve) => res.write(text, resolve));
    record.sent.push(label);
    written++;
    if (delayMs) await sleep(delayMs);
  };
  res.flushHeaders();
  for (;;) {
    const inj = injections.find((i) => !i.done && i.after === written);
    if (inj) { inj.done = true; await emit('inject', inj.raw); continue; }
    if (cutAfter === written) { record.outcome = 'cut'; res.socket?.destroy(); return; }
    if (hangAfter === written) { record.outcome = 'hang'; return; }
    if (errorAfter === written) {
      await emit('error', errorEvent());
      record.outcome = 'error-event';
      res.end();
      return;
    }
    if (!queue.length) break;
    const ev = queue.shift();
    await emit(ev.label, ev.text);
  }
  record.outcome = 'ok';
  res.end();
}
