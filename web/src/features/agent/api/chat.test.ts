import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { isApiError } from '@/lib/api-error';
import { resetSessionForTest } from '@/lib/session';
import { readChatStream, sendChat, type ChatEvent } from './chat';

const user = { id: 'u', email: 'a@b.c', name: 'A', role: 'user', created_at: 0, time_zone: 'UTC' };
beforeEach(() => resetSessionForTest({ status: 'signed-in', user }, 'token'));
afterEach(() => {
  resetSessionForTest();
  vi.unstubAllGlobals();
});

const STREAM =
  'event: conversation\ndata: {"conversation_id":"c1"}\n\n' +
  'event: text\ndata: {"delta":"Logged “Run” — "}\n\n' +
  'event: tool_call\ndata: {"id":"t1","name":"log_completion","input":{"habit_id":"h"}}\n\n' +
  'event: tool_result\ndata: {"id":"t1","name":"log_completion","ok":true,"result":{"streak":{"current":1}}}\n\n' +
  'event: mystery\ndata: {}\n\n' +
  'event: done\ndata: {"conversation_id":"c1","status":"completed","routed":true,"usage":{"input_tokens":0,"output_tokens":0},"cost_micros":0}\n\n';

// A response whose body arrives in the given pieces.
function streamed(pieces: Uint8Array[], { breakAfter }: { breakAfter?: number } = {}) {
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (breakAfter !== undefined && i === breakAfter) return c.error(new TypeError('network'));
      if (i < pieces.length) c.enqueue(pieces[i++]!);
      else c.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

describe('the chat stream', () => {
  it('turns the bytes into events in order, however they are cut, skipping unknown ones', async () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (const size of [1, 7, 64, bytes.length]) {
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.slice(i, i + size));
      const events: ChatEvent[] = [];
      await readChatStream(streamed(pieces), (e) => events.push(e));
      expect(events.map((e) => e.type)).toEqual(['conversation', 'text', 'tool_call', 'tool_result', 'done']);
      expect(events[1]).toEqual({ type: 'text', delta: 'Logged “Run” — ' });
    }
  });

  it('a connection that breaks mid-turn becomes an error event', async () => {
    const bytes = new TextEncoder().encode(STREAM);
    const events: ChatEvent[] = [];
    await readChatStream(streamed([bytes.slice(0, 60), bytes.slice(60, 90)], { breakAfter: 2 }), (e) => events.push(e));
    expect(events[0]!.type).toBe('conversation');
    expect(events[events.length - 1]).toMatchObject({ type: 'error', error: { code: 'stream_broken' } });
  });

  it('an error before the stream starts is the JSON envelope, thrown as an ApiError; the request carries the token', async () => {
    const fetchMock = vi.fn(async () =>
      new Response(JSON.stringify({ error: { code: 'budget_exceeded', message: 'Today’s budget is spent.', retryable: false } }), {
        status: 429,
        headers: { 'content-type': 'application/json' },
      }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const err = await sendChat('habit-tracker', 'hi', 'c1', () => undefined).catch((e: unknown) => e);
    expect(isApiError(err) && err.code).toBe('budget_exceeded');
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/apps/habit-tracker/agent/chat');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer token');
    expect(JSON.parse(String(init.body))).toEqual({ message: 'hi', conversation_id: 'c1' });
  });
});
