// The agent chat's transcript as plain data, and what each streamed event does to it (pure:
// unit-tested). A turn is the person's message and the assistant's reply: text as it
// streams, the tool calls and their results, a confirmation the person must answer, the
// turn's cost, or an error.
import type { ChatEvent, Confirmation, Conversation, Usage } from './api/chat';

export interface ToolStep {
  id: string;
  name: string;
  input: unknown;
  done: boolean;
  ok?: boolean;
  result?: unknown;
  error?: string;
}

// What the reply is made of, in the order it streamed: text runs and tool steps.
export type Part = { kind: 'text'; text: string } | { kind: 'tool'; id: string };

export interface Turn {
  key: string;
  user: string;
  text: string; // all the reply's text
  tools: ToolStep[];
  parts: Part[];
  confirmation: (Confirmation & { answered?: 'approved' | 'cancelled' }) | null;
  status: 'streaming' | 'completed' | 'awaiting_confirmation' | 'error';
  error: { code: string; message: string } | null;
  usage: Usage | null;
  costMicros: number | null;
  routed: boolean;
}

export interface ChatState {
  conversationId: string | null;
  turns: Turn[];
}

export const emptyChat: ChatState = { conversationId: null, turns: [] };

let n = 0;
export function startTurn(s: ChatState, message: string): ChatState {
  const turn: Turn = {
    key: `t${++n}`,
    user: message,
    text: '',
    tools: [],
    parts: [],
    confirmation: null,
    status: 'streaming',
    error: null,
    usage: null,
    costMicros: null,
    routed: false,
  };
  return { ...s, turns: [...s.turns, turn] };
}

// A confirmation answered: the same turn goes on streaming.
export function resumeTurn(s: ChatState, approve: boolean): ChatState {
  return mapLast(s, (t) => ({
    ...t,
    status: 'streaming',
    confirmation: t.confirmation ? { ...t.confirmation, answered: approve ? 'approved' : 'cancelled' } : null,
  }));
}

function mapLast(s: ChatState, fn: (t: Turn) => Turn): ChatState {
  const last = s.turns[s.turns.length - 1];
  if (!last) return s;
  return { ...s, turns: [...s.turns.slice(0, -1), fn(last)] };
}

export function failTurn(s: ChatState, error: { code: string; message: string }): ChatState {
  return mapLast(s, (t) => ({ ...t, status: 'error', error }));
}

const errorText = (e: unknown): string | undefined => {
  if (e === undefined || e === null) return undefined;
  if (typeof e === 'string') return e;
  const m = (e as { message?: unknown }).message;
  return typeof m === 'string' ? m : JSON.stringify(e);
};

export function applyEvent(s: ChatState, e: ChatEvent): ChatState {
  switch (e.type) {
    case 'conversation':
      return { ...s, conversationId: e.conversation_id };
    case 'text':
      return mapLast(s, (t) => {
        const delta = e.delta ?? '';
        const last = t.parts[t.parts.length - 1];
        const parts: Part[] =
          last?.kind === 'text' ? [...t.parts.slice(0, -1), { kind: 'text', text: last.text + delta }] : [...t.parts, { kind: 'text', text: delta }];
        return { ...t, text: t.text + delta, parts };
      });
    case 'tool_call':
      return mapLast(s, (t) =>
        t.tools.some((x) => x.id === e.id)
          ? t
          : { ...t, tools: [...t.tools, { id: e.id, name: e.name, input: e.input, done: false }], parts: [...t.parts, { kind: 'tool', id: e.id }] },
      );
    case 'tool_result':
      return mapLast(s, (t) => {
        const step = { done: true, ok: e.ok, result: e.result, error: errorText(e.error) };
        const known = t.tools.some((x) => x.id === e.id);
        return {
          ...t,
          tools: known ? t.tools.map((x) => (x.id === e.id ? { ...x, ...step } : x)) : [...t.tools, { id: e.id, name: e.name, input: undefined, ...step }],
          parts: known ? t.parts : [...t.parts, { kind: 'tool', id: e.id }],
        };
      });
    case 'confirmation_required': {
      const { type: _t, ...c } = e;
      return mapLast(s, (t) => ({ ...t, confirmation: c, status: 'awaiting_confirmation' }));
    }
    case 'done':
      return {
        ...mapLast(s, (t) => ({
          ...t,
          status: e.status === 'awaiting_confirmation' ? 'awaiting_confirmation' : t.status === 'error' ? 'error' : 'completed',
          usage: e.usage ? addUsage(t.usage, e.usage) : t.usage,
          costMicros: (t.costMicros ?? 0) + (e.cost_micros ?? 0),
          routed: e.routed === true,
        })),
        conversationId: e.conversation_id ?? s.conversationId,
      };
    case 'error':
      return failTurn(s, e.error ?? { code: 'agent_error', message: 'The assistant stopped.' });
    default:
      return s;
  }
}

function addUsage(a: Usage | null, b: Usage): Usage {
  if (!a) return b;
  return {
    input_tokens: a.input_tokens + b.input_tokens,
    output_tokens: a.output_tokens + b.output_tokens,
    cache_creation_input_tokens: (a.cache_creation_input_tokens ?? 0) + (b.cache_creation_input_tokens ?? 0),
    cache_read_input_tokens: (a.cache_read_input_tokens ?? 0) + (b.cache_read_input_tokens ?? 0),
  };
}

// A conversation read back from the server, as turns.
export function fromConversation(c: Conversation, appId = ''): ChatState {
  const turns: Turn[] = [];
  const blank = () => startTurn(emptyChat, '').turns[0]!;
  for (const m of c.messages ?? []) {
    const last = turns[turns.length - 1];
    if (m.role === 'user' && !m.text && m.tool_results?.length) {
      for (const r of m.tool_results) {
        const step = last?.tools.find((t) => t.id === r.tool_call_id);
        if (step) Object.assign(step, { done: true, ok: r.ok, error: r.ok ? undefined : r.content, result: r.ok ? r.content : undefined });
      }
      continue;
    }
    if (m.role === 'user') {
      turns.push({ ...startTurn(emptyChat, m.text).turns[0]!, status: 'completed' });
      continue;
    }
    const tools: ToolStep[] = (m.tool_calls ?? []).map((x, i) => ({
      id: x.id ?? `${m.id ?? 'm'}-${i}`,
      name: x.name,
      input: x.input,
      done: x.ok !== undefined,
      ok: x.ok,
      result: x.result,
    }));
    const parts: Part[] = [...(m.text ? [{ kind: 'text' as const, text: m.text }] : []), ...tools.map((x) => ({ kind: 'tool' as const, id: x.id }))];
    const turn = last ?? { ...blank(), status: 'completed' as const };
    if (!last) turns.push(turn);
    turn.text += (turn.text && m.text ? '\n\n' : '') + (m.text ?? '');
    turn.tools.push(...tools);
    turn.parts.push(...parts);
  }
  const last = turns[turns.length - 1];
  const pending = c.pending_confirmation;
  let open: ToolStep | undefined;
  if (last && pending) {
    open = [...last.tools].reverse().find((t) => !t.done);
    last.confirmation = {
      id: pending.id,
      tool_call_id: pending.tool_call_id ?? open?.id ?? '',
      app_id: pending.app_id ?? appId,
      action: pending.action ?? open?.name ?? 'an action',
      input: pending.input ?? open?.input ?? {},
      description: pending.description ?? 'It waits for your answer before going on.',
    };
    last.status = 'awaiting_confirmation';
  }
  // Stored calls without a result and not waiting: finished before the result was kept.
  for (const t of turns) for (const step of t.tools) if (!step.done && step !== open) Object.assign(step, { done: true, ok: true });
  return { conversationId: c.id, turns };
}

// "$0.0042" (micro-dollars in, a short price out).
export function formatCost(micros: number): string {
  const dollars = micros / 1_000_000;
  if (dollars === 0) return '$0';
  if (dollars < 0.01) return `$${dollars.toFixed(4)}`;
  return `$${dollars.toFixed(2)}`;
}

// What to do about a chat error, in a sentence.
export function chatHint(code: string): string {
  switch (code) {
    case 'budget_exceeded':
      return 'Today’s AI budget is spent. It starts again tomorrow; an administrator can raise the cap.';
    case 'conversation_not_found':
      return 'That conversation is gone: start a new one.';
    case 'confirmation_not_found':
    case 'confirmation_expired':
      return 'That confirmation was already answered or expired: ask again.';
    case 'message_too_long':
    case 'payload_too_large':
      return 'Shorten the message and send it again.';
    case 'not_found':
    case 'unknown_route':
    case 'no_agent':
      return 'This app has no assistant on this server.';
    case 'agent_unavailable':
    case 'provider_unavailable':
    case 'overloaded':
    case 'rate_limited':
      return 'The model is busy: try again in a moment.';
    case 'stream_broken':
    case 'network_error':
      return 'Check your connection and send the message again; what was done is kept.';
    default:
      return 'Try again; if it keeps failing, the server log says why.';
  }
}
