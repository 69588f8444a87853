// Live updates: one WebSocket per tab to /ws (docs/realtime.md), carrying every stream the
// desktop follows. Pure of React and of TanStack Query (lib/live-queries.ts maps events onto
// the caches), and of the browser: the socket, the ticket, the timers and randomness are
// given, so the reconnect and replay logic is unit-tested with a fake socket.
//
// - Each connect takes a new single-use ticket (POST /api/v1/ws-ticket).
// - The last sequence number seen is remembered per stream; a reconnect subscribes with
//   `since_seq` and the server replays what was missed. Events at or below it are duplicates
//   (delivery is at least once) and dropped.
// - `resync_required` (the gap is older than the server keeps): the stream's data is reloaded
//   (onResync) and followed from the given seq.
// - Lost connections are retried with exponential backoff (0.5 s doubling to 30 s) with
//   jitter (half to all of it), reset once a connection opened; sooner when the browser says
//   it is online again.
// - A ping every 25 s; no message for 60 s means the connection is dead: closed and retried.

export interface StreamRef {
  app_id: string;
  stream_id: string;
}

export interface LiveEvent extends StreamRef {
  seq: number;
  data: unknown;
}

export type LiveStatus = 'idle' | 'connecting' | 'open' | 'retrying';

// What we use of a WebSocket.
export interface LiveSocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface LiveDeps {
  ticket: () => Promise<string>;
  open: (ticket: string) => LiveSocket;
  setTimeout: (fn: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  random: () => number;
}

export interface LiveHandlers {
  onEvent: (e: LiveEvent) => void;
  onResync: (s: StreamRef) => void;
  onStatus?: (s: LiveStatus) => void;
}

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_MAX_MS = 30_000;
export const PING_EVERY_MS = 25_000;
export const DEAD_AFTER_MS = 60_000;

export const streamKey = (s: StreamRef) => `${s.app_id}/${s.stream_id}`;

// The wait before retry number `attempt` (0-based): base·2^attempt capped, times [0.5, 1).
export function backoffDelay(attempt: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling * (0.5 + random() / 2));
}

export class LiveConnection {
  private readonly deps: LiveDeps;
  private readonly handlers: LiveHandlers;
  private streams = new Map<string, StreamRef>();
  private readonly lastSeq = new Map<string, number>();
  private socket: LiveSocket | null = null;
  private opened = false;
  private running = false;
  private attempt = 0;
  private retryTimer: unknown = null;
  private pingTimer: unknown = null;
  private deadTimer: unknown = null;
  private generation = 0;
  status: LiveStatus = 'idle';

  constructor(deps: LiveDeps, handlers: LiveHandlers) {
    this.deps = deps;
    this.handlers = handlers;
  }

  // The last sequence number seen on a stream (undefined before the first subscription).
  seqOf(s: StreamRef): number | undefined {
    return this.lastSeq.get(streamKey(s));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  stop(): void {
    this.running = false;
    this.generation++;
    this.clearTimers();
    if (this.retryTimer !== null) this.deps.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const s = this.socket;
    this.socket = null;
    this.opened = false;
    if (s) {
      s.onclose = s.onmessage = s.onerror = s.onopen = null;
      s.close(1000, 'bye');
    }
    this.setStatus('idle');
  }

  // The streams to follow: new ones are subscribed, dropped ones unsubscribed (and forgotten).
  setStreams(list: StreamRef[]): void {
    const next = new Map(list.map((s) => [streamKey(s), s] as const));
    for (const [k, s] of this.streams)
      if (!next.has(k)) {
        this.lastSeq.delete(k);
        this.sendJson({ type: 'unsubscribe', ...s });
      }
    for (const [k, s] of next) if (!this.streams.has(k)) this.subscribe(s);
    this.streams = next;
  }

  // Now, rather than after the backoff (the browser went online, the tab became visible).
  retryNow(): void {
    if (!this.running || this.socket) return;
    if (this.retryTimer !== null) this.deps.clearTimeout(this.retryTimer);
    this.retryTimer = null;
    void this.connect();
  }

  private setStatus(s: LiveStatus) {
    if (this.status === s) return;
    this.status = s;
    this.handlers.onStatus?.(s);
  }

  private sendJson(msg: object) {
    if (this.socket && this.opened) this.socket.send(JSON.stringify(msg));
  }

  private subscribe(s: StreamRef) {
    const since = this.lastSeq.get(streamKey(s));
    this.sendJson(since === undefined ? { type: 'subscribe', ...s } : { type: 'subscribe', ...s, since_seq: since });
  }

  private clearTimers() {
    if (this.pingTimer !== null) this.deps.clearTimeout(this.pingTimer);
    if (this.deadTimer !== null) this.deps.clearTimeout(this.deadTimer);
    this.pingTimer = this.deadTimer = null;
  }

  private heartbeat() {
    this.clearTimers();
    const gen = this.generation;
    this.pingTimer = this.deps.setTimeout(() => {
      if (gen === this.generation) this.sendJson({ type: 'ping' });
    }, PING_EVERY_MS);
    this.deadTimer = this.deps.setTimeout(() => {
      if (gen === this.generation) this.socket?.close(4000, 'silent');
      if (gen === this.generation) this.lost();
    }, DEAD_AFTER_MS);
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    this.setStatus(this.attempt === 0 ? 'connecting' : 'retrying');
    let ticket: string;
    try {
      ticket = await this.deps.ticket();
    } catch {
      if (gen === this.generation) this.scheduleRetry();
      return;
    }
    if (gen !== this.generation || !this.running) return;
    let socket: LiveSocket;
    try {
      socket = this.deps.open(ticket);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (gen !== this.generation) return;
      this.opened = true;
      this.attempt = 0;
      this.setStatus('open');
      for (const s of this.streams.values()) this.subscribe(s);
      this.heartbeat();
    };
    socket.onmessage = (ev) => {
      if (gen !== this.generation) return;
      this.heartbeat();
      this.receive(ev.data);
    };
    socket.onclose = () => {
      if (gen === this.generation) this.lost();
    };
    socket.onerror = () => undefined; // a close follows
  }

  private lost() {
    this.generation++;
    this.clearTimers();
    const s = this.socket;
    this.socket = null;
    this.opened = false;
    if (s) s.onclose = s.onmessage = s.onerror = s.onopen = null;
    if (this.running) this.scheduleRetry();
  }

  private scheduleRetry() {
    if (!this.running) return;
    this.setStatus('retrying');
    const delay = backoffDelay(this.attempt++, this.deps.random);
    this.retryTimer = this.deps.setTimeout(() => {
      this.retryTimer = null;
      if (this.running) void this.connect();
    }, delay);
  }

  private receive(raw: unknown) {
    if (typeof raw !== 'string') return;
    let msg: { type?: string; app_id?: string; stream_id?: string; seq?: number; data?: unknown };
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object' || typeof msg.app_id !== 'string' || typeof msg.stream_id !== 'string') return;
    const ref = { app_id: msg.app_id, stream_id: msg.stream_id };
    const key = streamKey(ref);
    if (!this.streams.has(key)) return;
    const seq = typeof msg.seq === 'number' ? msg.seq : null;
    switch (msg.type) {
      case 'subscribed':
        // The head when subscribed: the first time, that is where we follow from; after a
        // reconnect the server replays from since_seq on its own.
        if (seq !== null && !this.lastSeq.has(key)) this.lastSeq.set(key, seq);
        break;
      case 'event': {
        if (seq === null) return;
        const last = this.lastSeq.get(key);
        if (last !== undefined && seq <= last) return; // a duplicate
        this.lastSeq.set(key, seq);
        this.handlers.onEvent({ ...ref, seq, data: msg.data });
        break;
      }
      case 'resync_required':
        if (seq !== null) this.lastSeq.set(key, seq);
        this.handlers.onResync(ref);
        break;
      default:
        break;
    }
  }
}
