import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';

import { isApiError } from '@/lib/api-error';
import { queryKeys } from '@/lib/query-keys';
import { confirmChat, getConversation, sendChat, type ChatEvent } from '../api/chat';
import { applyEvent, emptyChat, failTurn, fromConversation, resumeTurn, startTurn, type ChatState } from '../chat-state';

// One app's chat: the transcript, sending a message, answering a confirmation, opening a
// stored conversation. What the assistant changed (a tool result) refreshes the app's data.
export function useAgentChat(app: string) {
  const qc = useQueryClient();
  const [chat, setChat] = useState<ChatState>(emptyChat);
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const chatRef = useRef(chat);
  chatRef.current = chat;

  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    abort.current?.abort();
    setChat(emptyChat);
  }, [app]);

  const onEvent = useCallback(
    (e: ChatEvent) => {
      setChat((s) => applyEvent(s, e));
      if (e.type === 'tool_result' && e.ok) {
        void qc.invalidateQueries({ queryKey: queryKeys.app(app) });
        void qc.invalidateQueries({ queryKey: queryKeys.outputs.all });
      }
      if (e.type === 'done') {
        void qc.invalidateQueries({ queryKey: queryKeys.agent.conversations(app) });
        void qc.invalidateQueries({ queryKey: queryKeys.usage });
      }
    },
    [qc, app],
  );

  const run = useCallback(async (fn: (signal: AbortSignal) => Promise<void>) => {
    abort.current?.abort();
    const ctl = new AbortController();
    abort.current = ctl;
    setBusy(true);
    try {
      await fn(ctl.signal);
      // A stream that ended without `done` or `error`.
      setChat((s) => {
        const last = s.turns[s.turns.length - 1];
        return last?.status === 'streaming' ? failTurn(s, { code: 'stream_broken', message: 'The reply stopped before it was complete.' }) : s;
      });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') {
        setChat((s) => failTurn(s, { code: 'stopped', message: 'Stopped.' }));
      } else {
        setChat((s) =>
          failTurn(s, isApiError(e) ? { code: e.code, message: e.message } : { code: 'agent_error', message: 'The assistant could not be reached.' }),
        );
      }
    } finally {
      if (abort.current === ctl) abort.current = null;
      setBusy(false);
    }
  }, []);

  const send = useCallback(
    (message: string) => {
      const text = message.trim();
      if (!text) return;
      setChat((s) => startTurn(s, text));
      const cid = chatRef.current.conversationId;
      void run((signal) => sendChat(app, text, cid, onEvent, signal));
    },
    [app, onEvent, run],
  );

  const confirm = useCallback(
    (approve: boolean) => {
      const last = chatRef.current.turns[chatRef.current.turns.length - 1];
      const id = last?.confirmation?.id;
      if (!id) return;
      setChat((s) => resumeTurn(s, approve));
      void run((signal) => confirmChat(app, id, approve, onEvent, signal));
    },
    [app, onEvent, run],
  );

  const open = useCallback(
    async (id: string) => {
      abort.current?.abort();
      try {
        setChat(fromConversation(await getConversation(app, id), app));
      } catch (e) {
        setChat(failTurn(startTurn(emptyChat, ''), isApiError(e) ? { code: e.code, message: e.message } : { code: 'agent_error', message: 'The conversation could not be loaded.' }));
      }
    },
    [app],
  );

  const reset = useCallback(() => {
    abort.current?.abort();
    setChat(emptyChat);
  }, []);

  const stop = useCallback(() => abort.current?.abort(), []);

  return { chat, busy, send, confirm, open, reset, stop };
}
