import { describe, expect, it } from 'vitest';

import { applyEvent, emptyChat, formatCost, fromConversation, resumeTurn, startTurn, type ChatState } from './chat-state';
import type { ChatEvent } from './api/chat';

const run = (s: ChatState, events: ChatEvent[]) => events.reduce(applyEvent, s);

describe('chat state', () => {
  it('builds a turn from streamed events: text deltas, a tool call and its result, the cost', () => {
    let s = startTurn(emptyChat, 'I ran today');
    s = run(s, [
      { type: 'conversation', conversation_id: 'c1' },
      { type: 'text', delta: 'Logging ' },
      { type: 'tool_call', id: 'tc1', name: 'log_completion', input: { habit_id: 'h1' } },
      { type: 'tool_result', id: 'tc1', name: 'log_completion', ok: true, result: { streak: 3 } },
      { type: 'text', delta: 'done: 3 days.' },
      { type: 'done', conversation_id: 'c1', status: 'completed', routed: false, usage: { input_tokens: 100, output_tokens: 20 }, cost_micros: 420 },
    ]);
    expect(s.conversationId).toBe('c1');
    const t = s.turns[0]!;
    expect(t.text).toBe('Logging done: 3 days.');
    expect(t.tools).toEqual([{ id: 'tc1', name: 'log_completion', input: { habit_id: 'h1' }, done: true, ok: true, result: { streak: 3 }, error: undefined }]);
    expect(t.parts).toEqual([
      { kind: 'text', text: 'Logging ' },
      { kind: 'tool', id: 'tc1' },
      { kind: 'text', text: 'done: 3 days.' },
    ]);
    expect(t.status).toBe('completed');
    expect(t.costMicros).toBe(420);
    expect(formatCost(420)).toBe('$0.0004');
  });

  it('waits on a confirmation, then the answered turn goes on and adds up its cost', () => {
    let s = startTurn(emptyChat, 'archive Run');
    s = run(s, [
      { type: 'tool_call', id: 'tc', name: 'archive_habit', input: { habit_id: 'h1' } },
      { type: 'confirmation_required', id: 'cf1', tool_call_id: 'tc', app_id: 'habit-tracker', action: 'archive_habit', input: { habit_id: 'h1' }, description: 'Archive “Run”' },
      { type: 'done', conversation_id: 'c', status: 'awaiting_confirmation', cost_micros: 100 },
    ]);
    expect(s.turns[0]!.status).toBe('awaiting_confirmation');
    expect(s.turns[0]!.confirmation?.action).toBe('archive_habit');
    s = resumeTurn(s, true);
    expect(s.turns[0]!.confirmation?.answered).toBe('approved');
    s = run(s, [
      { type: 'tool_result', id: 'tc', name: 'archive_habit', ok: true },
      { type: 'text', delta: 'Archived.' },
      { type: 'done', conversation_id: 'c', status: 'completed', cost_micros: 50 },
    ]);
    expect(s.turns[0]!.status).toBe('completed');
    expect(s.turns[0]!.costMicros).toBe(150);
  });

  it('an error event ends the turn with the error; a failed tool keeps its message', () => {
    let s = startTurn(emptyChat, 'x');
    s = run(s, [
      { type: 'tool_result', id: 't', name: 'x', ok: false, error: { code: 'not_found', message: 'No such habit' } },
      { type: 'error', error: { code: 'provider_unavailable', message: 'The model did not answer.' } },
    ]);
    expect(s.turns[0]!.tools[0]!.error).toBe('No such habit');
    expect(s.turns[0]!.status).toBe('error');
    expect(s.turns[0]!.error?.code).toBe('provider_unavailable');
  });

  it('reads a stored conversation back as turns: tool results matched to their calls, a pending confirmation filled in', () => {
    const s = fromConversation(
      {
        id: 'c9',
        messages: [
          { role: 'user', text: 'hi', created_at: 1 },
          { role: 'assistant', text: 'Looking.', tool_calls: [{ id: 'a', name: 'list_habits', input: {} }], created_at: 2 },
          { role: 'user', text: '', tool_results: [{ tool_call_id: 'a', ok: true, content: '{"habits":[]}' }], created_at: 3 },
          { role: 'assistant', text: 'No habits.', created_at: 4 },
          { role: 'user', text: 'archive Run', created_at: 5 },
          { role: 'assistant', text: '', tool_calls: [{ id: 'b', name: 'archive_habit', input: { habit_id: 'h1' } }], created_at: 6 },
        ],
        pending_confirmation: { id: 'p' },
      },
      'habit-tracker',
    );
    expect(s.turns.map((t) => [t.user, t.text, t.status])).toEqual([
      ['hi', 'Looking.\n\nNo habits.', 'completed'],
      ['archive Run', '', 'awaiting_confirmation'],
    ]);
    expect(s.turns[0]!.tools[0]).toMatchObject({ id: 'a', done: true, ok: true });
    expect(s.turns[1]!.confirmation).toMatchObject({ id: 'p', action: 'archive_habit', input: { habit_id: 'h1' }, app_id: 'habit-tracker', tool_call_id: 'b' });
    expect(s.turns[1]!.tools[0]!.done).toBe(false);
  });
});
