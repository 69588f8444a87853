import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, apiStream } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { SseParser } from '@/lib/sse';

// The agent chat of one app (docs/agents.md): a turn is a POST answered with server-sent
// events, read through fetch (EventSource cannot POST or send the bearer token).
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export interface Confirmation {
  id: string;
  tool_call_id: string;
  app_id: string;
  action: string;
  input: unknown;
  description: string;
}

export type ChatEvent =
  | { type: 'conversation'; conversation_id: string }
  | { type: 'text'; delta: string }
  | { type: 'tool_call'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; id: string; name: string; ok: boolean; result?: unknown; error?: { code?: string; message?: string } | string }
  | ({ type: 'confirmation_required' } & Confirmation)
  | {
      type: 'done';
      conversation_id: string;
      status: 'completed' | 'awaiting_confirmation' | string;
      routed?: boolean;
      usage?: Usage;
      cost_micros?: number;
    }
  | { type: 'error'; error: { code: string; message: string } };

const KNOWN = new Set(['conversation', 'text', 'tool_call', 'tool_result', 'confirmation_required', 'done', 'error']);

// Reads the event stream of a turn, calling onEvent for each event as it arrives. Resolves
// when the stream ends; a broken connection mid-turn becomes an `error` event.
export async function readChatStream(res: Response, onEvent: (e: ChatEvent) => void): Promise<void> {
  const reader = res.body?.getReader();
  if (!reader) return;
  const parser = new SseParser();
  const emit = (name: string, data: string) => {
    if (!KNOWN.has(name)) return;
    let payload: Record<string, unknown> = {};
    try {
      payload = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return;
    }
    onEvent({ ...payload, type: name } as ChatEvent);
  };
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const e of parser.push(value)) emit(e.event, e.data);
    }
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    onEvent({ type: 'error', error: { code: 'stream_broken', message: 'The connection dropped before the reply was complete.' } });
  }
}

const base = (app: string) => `/api/v1/apps/${encodeURIComponent(app)}/agent`;

export async function sendChat(app: string, message: string, conversationId: string | null, onEvent: (e: ChatEvent) => void, signal?: AbortSignal) {
  const body = conversationId ? { message, conversation_id: conversationId } : { message };
  await readChatStream(await apiStream(`${base(app)}/chat`, body, signal), onEvent);
}

export async function confirmChat(app: string, id: string, approve: boolean, onEvent: (e: ChatEvent) => void, signal?: AbortSignal) {
  await readChatStream(await apiStream(`${base(app)}/confirm`, { id, approve }, signal), onEvent);
}

export interface ConversationSummary {
  id: string;
  title: string;
  updated_at: number;
}

export interface StoredMessage {
  id?: string;
  role: 'user' | 'assistant' | string;
  text: string;
  tool_calls?: Array<{ id?: string; name: string; input?: unknown; ok?: boolean; result?: unknown }>;
  // Tool results travel in a user message of their own (no text), as in Anthropic's API.
  tool_results?: Array<{ tool_call_id: string; ok: boolean; content?: string }>;
  created_at: number;
}

export interface Conversation {
  id: string;
  title?: string;
  messages: StoredMessage[];
  // The server may give only the id: the action and its arguments are then the last tool
  // call still without a result.
  pending_confirmation?: (Partial<Confirmation> & { id: string }) | null;
}

export function useConversations(app: string) {
  return useQuery({
    queryKey: queryKeys.agent.conversations(app),
    queryFn: ({ signal }) => api<{ items: ConversationSummary[] }>(`${base(app)}/conversations`, { signal }).then((r) => r.items),
    retry: false,
  });
}

export function getConversation(app: string, id: string, signal?: AbortSignal) {
  return api<Conversation>(`${base(app)}/conversations/${encodeURIComponent(id)}`, { signal });
}

export function useDeleteConversation(app: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<void>(`${base(app)}/conversations/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onMutate: async (id) => {
      await qc.cancelQueries({ queryKey: queryKeys.agent.conversations(app) });
      const before = qc.getQueryData<ConversationSummary[]>(queryKeys.agent.conversations(app));
      qc.setQueryData<ConversationSummary[]>(queryKeys.agent.conversations(app), (xs) => xs?.filter((x) => x.id !== id));
      return before;
    },
    onError: (_e, _id, before) => qc.setQueryData(queryKeys.agent.conversations(app), before),
    onSettled: () => void qc.invalidateQueries({ queryKey: queryKeys.agent.conversations(app) }),
  });
}

export interface UsageSummary {
  today: { day?: string; cost_micros: number; cap_micros: number | null; remaining_micros?: number };
  provider?: string | null;
  days?: Array<{ day: string; app_id: string; model: string; cost_micros: number }>;
}

export function useUsage() {
  return useQuery({
    queryKey: queryKeys.usage,
    queryFn: ({ signal }) => api<UsageSummary>('/api/v1/usage', { signal }),
    retry: false,
  });
}
