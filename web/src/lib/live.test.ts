import { describe, expect, it } from 'vitest';

import { backoffDelay, BACKOFF_MAX_MS, DEAD_AFTER_MS, LiveConnection, type LiveEvent, type LiveSocket } from './live';

class FakeSocket implements LiveSocket {
  sent: Array<Record<string, unknown>> = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly ticket: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  // The server's side.
  open() {
    this.onopen?.({});
  }
  push(msg: object) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  drop() {
    this.onclose?.({});
  }
}

// A manual clock for the timers.
function harness() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void }>();
  const sockets: FakeSocket[] = [];
  const events: LiveEvent[] = [];
  const resyncs: string[] = [];
  let tickets = 0;
  let ticketFails = 0;
  const conn = new LiveConnection(
    {
      ticket: async () => {
        if (ticketFails > 0) {
          ticketFails--;
          throw new Error('offline');
        }
        return `t${++tickets}`;
      },
      open: (t) => {
        const s = new FakeSocket(t);
        sockets.push(s);
        return s;
      },
      setTimeout: (fn, ms) => {
        const id = nextId++;
        timers.set(id, { at: now + ms, fn });
        return id;
      },
      clearTimeout: (h) => void timers.delete(h as number),
      random: () => 0.5,
    },
    { onEvent: (e) => events.push(e), onResync: (s) => resyncs.push(`${s.app_id}/${s.stream_id}`) },
  );
  const flush = () => new Promise((r) => setTimeout(r, 0));
  const advance = async (ms: number) => {
    now += ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      due[1].fn();
      await flush();
    }
  };
  return {
    conn,
    sockets,
    events,
    resyncs,
    flush,
    advance,
    failTickets: (n: number) => void (ticketFails = n),
    last: () => sockets[sockets.length - 1] as FakeSocket,
  };
}

const HABITS = { app_id: 'habit-tracker', stream_id: 'completion_updates' };
const SCORE = { app_id: 'dashboard', stream_id: 'productivity_score' };

describe('LiveConnection', () => {
  it('subscribes every stream once open, then delivers events in order and drops duplicates', async () => {
    const h = harness();
    h.conn.setStreams([HABITS, SCORE]);
    h.conn.start();
    await h.flush();
    const s = h.last();
    expect(s.ticket).toBe('t1');
    expect(s.sent).toEqual([]);
    s.open();
    expect(s.sent).toEqual([
      { type: 'subscribe', ...HABITS },
      { type: 'subscribe', ...SCORE },
    ]);
    s.push({ type: 'subscribed', ...HABITS, seq: 4 });
    s.push({ type: 'event', ...HABITS, seq: 5, data: { habit_id: 'h1' } });
    s.push({ type: 'event', ...HABITS, seq: 5, data: { habit_id: 'h1' } });
    s.push({ type: 'event', ...HABITS, seq: 3, data: {} });
    s.push({ type: 'event', app_id: 'other', stream_id: 'x', seq: 1, data: {} });
    expect(h.events.map((e) => e.seq)).toEqual([5]);
    expect(h.conn.seqOf(HABITS)).toBe(5);
  });

  it('reconnects with a new ticket and since_seq per stream after the connection drops', async () => {
    const h = harness();
    h.conn.setStreams([HABITS, SCORE]);
    h.conn.start();
    await h.flush();
    h.last().open();
    h.last().push({ type: 'subscribed', ...HABITS, seq: 7 });
    h.last().push({ type: 'subscribed', ...SCORE, seq: 0 });
    h.last().push({ type: 'event', ...SCORE, seq: 1, data: { score: 50 } });
    h.last().drop();
    expect(h.conn.status).toBe('retrying');
    await h.advance(200); // before the first backoff (500 · 0.75)
    expect(h.sockets).toHaveLength(1);
    await h.advance(200);
    expect(h.sockets).toHaveLength(2);
    const s2 = h.last();
    expect(s2.ticket).toBe('t2');
    s2.open();
    expect(s2.sent).toEqual([
      { type: 'subscribe', ...HABITS, since_seq: 7 },
      { type: 'subscribe', ...SCORE, since_seq: 1 },
    ]);
    // The replay of what was missed, then a duplicate of what was already seen.
    s2.push({ type: 'subscribed', ...HABITS, seq: 9 });
    s2.push({ type: 'event', ...HABITS, seq: 8, data: {} });
    s2.push({ type: 'event', ...HABITS, seq: 9, data: {} });
    s2.push({ type: 'event', ...SCORE, seq: 1, data: {} });
    expect(h.events.map((e) => `${e.app_id}:${e.seq}`)).toEqual(['dashboard:1', 'habit-tracker:8', 'habit-tracker:9']);
  });

  it('backs off exponentially with jitter, capped, and resets after a connection opened', async () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 0.999999)).toBe(500);
    expect(backoffDelay(3, () => 0.5)).toBe(3000);
    expect(backoffDelay(40, () => 0.999999)).toBe(BACKOFF_MAX_MS);
    const h = harness();
    h.failTickets(3);
    h.conn.start();
    await h.flush();
    expect(h.sockets).toHaveLength(0);
    await h.advance(375); // attempt 0: 500 · 0.75
    await h.advance(750); // attempt 1
    await h.advance(1500); // attempt 2 — the ticket works this time
    expect(h.sockets).toHaveLength(1);
    h.last().open();
    expect(h.conn.status).toBe('open');
    h.last().drop();
    await h.advance(375); // back to the first delay
    expect(h.sockets).toHaveLength(2);
  });

  it('follows from the new head on resync_required and asks for a reload', async () => {
    const h = harness();
    h.conn.setStreams([HABITS]);
    h.conn.start();
    await h.flush();
    h.last().open();
    h.last().push({ type: 'subscribed', ...HABITS, seq: 2 });
    h.last().push({ type: 'resync_required', ...HABITS, seq: 40 });
    expect(h.resyncs).toEqual(['habit-tracker/completion_updates']);
    h.last().push({ type: 'event', ...HABITS, seq: 40, data: {} });
    h.last().push({ type: 'event', ...HABITS, seq: 41, data: {} });
    expect(h.events.map((e) => e.seq)).toEqual([41]);
  });

  it('subscribes and unsubscribes as the streams change, and closes a silent connection', async () => {
    const h = harness();
    h.conn.setStreams([HABITS]);
    h.conn.start();
    await h.flush();
    const s = h.last();
    s.open();
    h.conn.setStreams([SCORE]);
    expect(s.sent.slice(1)).toEqual([
      { type: 'unsubscribe', ...HABITS },
      { type: 'subscribe', ...SCORE },
    ]);
    await h.advance(25_000);
    expect(s.sent[s.sent.length - 1]).toEqual({ type: 'ping' });
    await h.advance(DEAD_AFTER_MS - 25_000);
    expect(s.closed).toBe(true);
    await h.advance(500);
    expect(h.sockets).toHaveLength(2);
  });

  it('stops for good: no retry after stop()', async () => {
    const h = harness();
    h.conn.start();
    await h.flush();
    h.last().open();
    h.conn.stop();
    expect(h.last().closed).toBe(true);
    await h.advance(60_000);
    expect(h.sockets).toHaveLength(1);
  });
});
