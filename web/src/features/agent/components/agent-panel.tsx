import { AlertTriangle, Bot, Check, History, Loader2, MessageSquarePlus, Send, Square, Trash2, Wrench, X } from 'lucide-react';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

import { Button } from '@/components/ui/button';
import { Menu, MenuContent, MenuItem, MenuLabel, MenuSeparator, MenuTrigger } from '@/components/ui/dropdown-menu';
import { Textarea } from '@/components/ui/input';
import { Badge, Tooltip } from '@/components/ui/misc';
import { toast } from '@/components/ui/toast';
import { cn } from '@/lib/cn';
import { relativeTime } from '@/lib/dates';
import { useConversations, useDeleteConversation, useUsage } from '../api/chat';
import { chatHint, formatCost, type ToolStep, type Turn } from '../chat-state';
import { useAgentChat } from '../hooks/use-agent-chat';

const short = (v: unknown, max = 80) => {
  if (v === undefined) return '';
  const s = JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

function ToolLine({ step }: { step: ToolStep }) {
  return (
    <details className="group rounded-md border border-line bg-surface-2/60 text-xs" data-testid="tool-step">
      <summary className="flex cursor-pointer list-none items-center gap-1.5 px-2 py-1">
        {!step.done ? (
          <Loader2 className="size-3.5 animate-spin text-muted" aria-hidden />
        ) : step.ok ? (
          <Check className="size-3.5 text-success" aria-hidden />
        ) : (
          <X className="size-3.5 text-danger-text" aria-hidden />
        )}
        <Wrench className="size-3 text-muted" aria-hidden />
        <span className="font-mono font-medium">{step.name}</span>
        <span className="truncate font-mono text-muted">{short(step.input, 48)}</span>
        <span className="sr-only">{!step.done ? 'running' : step.ok ? 'done' : 'failed'}</span>
      </summary>
      <div className="space-y-1 border-t border-line px-2 py-1.5">
        <pre className="whitespace-pre-wrap break-all font-mono text-[11px] text-muted">{JSON.stringify(step.input ?? {}, null, 2)}</pre>
        {step.error && <p className="text-danger-text">{step.error}</p>}
        {step.result !== undefined && <pre className="whitespace-pre-wrap break-all font-mono text-[11px]">{short(step.result, 400)}</pre>}
      </div>
    </details>
  );
}

function TurnView({ turn, onConfirm, onRetry, busy }: { turn: Turn; onConfirm: (approve: boolean) => void; onRetry: () => void; busy: boolean }) {
  const c = turn.confirmation;
  return (
    <li className="flex flex-col gap-2">
      {turn.user && (
        <p className="max-w-[85%] self-end whitespace-pre-wrap rounded-lg rounded-br-sm bg-accent px-3 py-2 text-sm text-accent-fg">
          <span className="sr-only">You: </span>
          {turn.user}
        </p>
      )}
      <div className="flex flex-col gap-1.5" data-testid="assistant-reply">
        {turn.parts.map((part, i) => {
          if (part.kind === 'tool') {
            const step = turn.tools.find((t) => t.id === part.id);
            return step ? <ToolLine key={`tool-${part.id}`} step={step} /> : null;
          }
          const streamingHere = turn.status === 'streaming' && i === turn.parts.length - 1;
          return (
            <p key={`text-${i}`} className="whitespace-pre-wrap text-sm leading-relaxed">
              <span className="sr-only">Assistant: </span>
              {i > 0 ? part.text.replace(/^\s+/, '') : part.text}
              {streamingHere && <span aria-hidden className="ml-0.5 inline-block h-4 w-1.5 animate-pulse bg-muted align-text-bottom" />}
            </p>
          );
        })}
        {turn.status === 'streaming' && turn.parts[turn.parts.length - 1]?.kind !== 'text' && (
          <p className="text-sm text-muted">
            <span aria-hidden className="inline-block h-4 w-1.5 animate-pulse bg-muted align-text-bottom" />
            <span className="sr-only">The assistant is working…</span>
          </p>
        )}
        {c && (
          <section aria-label="Confirmation needed" className="rounded-lg border border-warning/50 bg-warning-soft/50 p-3" data-testid="confirmation">
            <p className="flex items-center gap-1.5 text-sm font-semibold">
              <AlertTriangle className="size-4 text-warning" aria-hidden /> Confirm: {c.description}
            </p>
            <p className="mt-1 text-xs text-muted">
              The assistant wants to run <span className="font-mono font-medium text-fg">{c.app_id} · {c.action}</span> with:
            </p>
            <pre tabIndex={0} aria-label="Arguments" className="mt-1 max-h-40 overflow-auto rounded bg-surface p-2 font-mono text-[11px]">{JSON.stringify(c.input ?? {}, null, 2)}</pre>
            {c.answered ? (
              <p className="mt-2 text-xs font-medium">{c.answered === 'approved' ? 'Approved' : 'Cancelled'}</p>
            ) : (
              <div className="mt-2 flex gap-2">
                <Button size="sm" variant="primary" disabled={busy} onClick={() => onConfirm(true)}>
                  Approve
                </Button>
                <Button size="sm" variant="secondary" disabled={busy} onClick={() => onConfirm(false)}>
                  Cancel
                </Button>
              </div>
            )}
          </section>
        )}
        {turn.status === 'error' && turn.error && turn.error.code !== 'stopped' && (
          <div role="alert" className="rounded-lg border border-danger/40 bg-danger-soft/60 p-3 text-sm">
            <p className="font-medium">{turn.error.message}</p>
            <p className="mt-0.5 text-xs text-muted">{chatHint(turn.error.code)}</p>
            {turn.user && (
              <Button size="sm" variant="secondary" className="mt-2" disabled={busy} onClick={onRetry}>
                Send again
              </Button>
            )}
          </div>
        )}
        {turn.status === 'error' && turn.error?.code === 'stopped' && <p className="text-xs text-muted">Stopped.</p>}
        {(turn.status === 'completed' || turn.status === 'awaiting_confirmation') && turn.costMicros !== null && (
          <p className="text-[11px] text-muted" data-testid="turn-cost">
            {turn.routed
              ? 'Answered without a model · $0'
              : `${formatCost(turn.costMicros)}${turn.usage ? ` · ${turn.usage.input_tokens + turn.usage.output_tokens} tokens` : ''}`}
          </p>
        )}
      </div>
    </li>
  );
}

// The agent chat of one app, as a side panel: the reply streams in as it is written, tool
// calls show compactly (expand for the arguments and result), a destructive action waits for
// Approve/Cancel with its exact arguments, each turn says what it cost.
export function AgentPanel({ app, appName, onClose }: { app: string; appName: string; onClose: () => void }) {
  const { chat, busy, send, confirm, open, reset, stop } = useAgentChat(app);
  const conversations = useConversations(app);
  const del = useDeleteConversation(app);
  const usage = useUsage();
  const [draft, setDraft] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [chat]);
  useEffect(() => inputRef.current?.focus(), [app]);

  const submit = () => {
    if (busy || !draft.trim()) return;
    send(draft);
    setDraft('');
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  const awaiting = chat.turns[chat.turns.length - 1]?.status === 'awaiting_confirmation';
  const today = usage.data?.today;

  return (
    <aside aria-label={`${appName} assistant`} className="flex h-full w-full flex-col border-l border-line bg-surface md:w-[24rem]">
      <div className="flex items-center gap-1 border-b border-line px-3 py-2">
        <Bot className="size-4 text-accent-text" aria-hidden />
        <h2 className="flex-1 truncate text-sm font-semibold">Assistant</h2>
        <Menu>
          <Tooltip content="Conversations">
            <MenuTrigger asChild>
              <Button size="icon-sm" variant="ghost" aria-label="Conversations">
                <History aria-hidden />
              </Button>
            </MenuTrigger>
          </Tooltip>
          <MenuContent className="w-72">
            <MenuLabel>Conversations</MenuLabel>
            {conversations.isPending && <p className="px-2 py-1.5 text-xs text-muted">Loading…</p>}
            {conversations.isError && <p className="px-2 py-1.5 text-xs text-muted">The history could not be loaded.</p>}
            {conversations.data?.length === 0 && <p className="px-2 py-1.5 text-xs text-muted">None yet.</p>}
            {conversations.data?.map((c) => (
              <MenuItem key={c.id} onSelect={() => void open(c.id)}>
                <span className="min-w-0 flex-1">
                  <span className="block truncate">{c.title || 'Untitled'}</span>
                  <span className="block text-xs text-muted">{relativeTime(c.updated_at)}</span>
                </span>
              </MenuItem>
            ))}
            {chat.conversationId && (
              <>
                <MenuSeparator />
                <MenuItem
                  onSelect={() => {
                    const id = chat.conversationId as string;
                    reset();
                    del.mutate(id, { onError: () => toast({ title: 'The conversation could not be deleted', description: 'Try again.', variant: 'error' }) });
                  }}
                >
                  <Trash2 aria-hidden /> Delete this conversation
                </MenuItem>
              </>
            )}
          </MenuContent>
        </Menu>
        <Tooltip content="New conversation">
          <Button size="icon-sm" variant="ghost" aria-label="New conversation" onClick={reset} disabled={busy}>
            <MessageSquarePlus aria-hidden />
          </Button>
        </Tooltip>
        <Tooltip content="Close the assistant">
          <Button size="icon-sm" variant="ghost" aria-label="Close the assistant" onClick={onClose}>
            <X aria-hidden />
          </Button>
        </Tooltip>
      </div>
      <div ref={logRef} role="log" aria-label="Conversation" aria-busy={busy} tabIndex={0} className="min-h-0 flex-1 overflow-y-auto px-3 py-3 outline-none focus-visible:ring-2 focus-visible:ring-ring/40">
      <ol className="flex min-h-full flex-col gap-4">
        {chat.turns.length === 0 && (
          <li className="m-auto max-w-64 text-center text-sm text-muted">
            <Bot className="mx-auto mb-2 size-7 text-subtle" aria-hidden />
            Ask {appName}’s assistant to do something for you — “I read 10 pages today”, “how are my streaks?”. It asks before anything it cannot undo.
          </li>
        )}
        {chat.turns.map((t) => (
          <TurnView key={t.key} turn={t} busy={busy} onConfirm={confirm} onRetry={() => send(t.user)} />
        ))}
      </ol>
      </div>
      <form
        className="border-t border-line p-3"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <label htmlFor={`agent-input-${app}`} className="sr-only">
          Message to the assistant
        </label>
        <div className="flex items-end gap-2">
          <Textarea
            id={`agent-input-${app}`}
            ref={inputRef}
            rows={2}
            maxLength={4000}
            value={draft}
            placeholder={awaiting ? 'Answer the confirmation above first' : 'Message… (Enter sends, Shift+Enter for a new line)'}
            disabled={awaiting}
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKey}
            className="flex-1"
          />
          {busy ? (
            <Button type="button" size="icon" variant="secondary" aria-label="Stop" onClick={stop}>
              <Square aria-hidden />
            </Button>
          ) : (
            <Button type="submit" size="icon" variant="primary" aria-label="Send" disabled={!draft.trim() || awaiting}>
              <Send aria-hidden />
            </Button>
          )}
        </div>
        <p className={cn('mt-1.5 text-[11px] text-muted', !today && 'invisible')} data-testid="usage-today">
          {today ? `Today: ${formatCost(today.cost_micros)}${today.cap_micros ? ` of ${formatCost(today.cap_micros)}` : ''}` : '—'}
          {today?.cap_micros && today.cost_micros >= today.cap_micros ? (
            <Badge tone="warning" className="ml-1.5">
              Budget spent
            </Badge>
          ) : null}
        </p>
      </form>
    </aside>
  );
}
