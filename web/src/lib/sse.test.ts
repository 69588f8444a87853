import { describe, expect, it } from 'vitest';

import { SseParser, type SseEvent } from './sse';

const STREAM =
  'event: conversation\ndata: {"conversation_id":"c1"}\n\n' +
  ': keep-alive\n\n' +
  'event: text\r\ndata: {"delta":"Héllo ✓"}\r\n\r\n' +
  'event: text\rdata: {"delta":" world"}\r\r' +
  'data: line one\ndata: line two\n\n' +
  'event: done\ndata:{"status":"completed"}\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'conversation', data: '{"conversation_id":"c1"}' },
  { event: 'text', data: '{"delta":"Héllo ✓"}' },
  { event: 'text', data: '{"delta":" world"}' },
  { event: 'message', data: 'line one\nline two' },
  { event: 'done', data: '{"status":"completed"}' },
];

function feed(chunks: Array<Uint8Array | string>): SseEvent[] {
  const p = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...p.push(c));
  out.push(...p.end());
  return out;
}

describe('SseParser', () => {
  it('parses a whole stream: named events, comments, \\n, \\r\\n and \\r line ends, multi-line data', () => {
    expect(feed([STREAM])).toEqual(EXPECTED);
  });

  it('gives the same events however the bytes are split — at every position, and byte by byte', () => {
    const bytes = new TextEncoder().encode(STREAM);
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(feed([bytes.slice(0, cut), bytes.slice(cut)])).toEqual(EXPECTED);
    }
    expect(feed(Array.from(bytes, (b) => new Uint8Array([b])))).toEqual(EXPECTED);
  });

  it('splits in three anywhere (random cuts), text chunks too', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let n = 0; n < 200; n++) {
      const a = Math.floor(rnd() * STREAM.length);
      const b = a + Math.floor(rnd() * (STREAM.length - a));
      expect(feed([STREAM.slice(0, a), STREAM.slice(a, b), STREAM.slice(b)])).toEqual(EXPECTED);
    }
  });

  it('drops an event cut off by the end of the stream, and ignores unknown fields', () => {
    expect(feed(['retry: 10\nfoo: bar\nevent: text\ndata: {"delta":"a"}\n\nevent: text\ndata: {"delta":"b"}'])).toEqual([
      { event: 'text', data: '{"delta":"a"}' },
    ]);
  });
});
