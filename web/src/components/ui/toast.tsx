import { Toast as T } from 'radix-ui';
import { AlertCircle, CheckCircle2, Info, X } from 'lucide-react';
import { useSyncExternalStore, type ReactNode } from 'react';

import { cn } from '@/lib/cn';

// Toasts: short, polite notes in the corner. A failure says what happened and what to do
// (title + description); an optional action offers the fix ("Retry", "Undo"). Announced to
// screen readers by Radix (errors assertively).
export interface ToastInput {
  title: string;
  description?: string;
  variant?: 'info' | 'success' | 'error';
  action?: { label: string; onClick: () => void };
  durationMs?: number;
}

interface ToastItem extends ToastInput {
  id: number;
  open: boolean;
}

let items: ToastItem[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function toast(input: ToastInput): void {
  items = [...items.slice(-3), { ...input, id: nextId++, open: true }];
  emit();
}

function close(id: number) {
  items = items.map((t) => (t.id === id ? { ...t, open: false } : t));
  emit();
  setTimeout(() => {
    items = items.filter((t) => t.id !== id);
    emit();
  }, 300);
}

const icons: Record<NonNullable<ToastInput['variant']>, ReactNode> = {
  info: <Info className="size-4 text-accent-text" aria-hidden />,
  success: <CheckCircle2 className="size-4 text-success" aria-hidden />,
  error: <AlertCircle className="size-4 text-danger-text" aria-hidden />,
};

export function Toaster() {
  const list = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => items,
  );
  return (
    <T.Provider swipeDirection="right" duration={5000}>
      {list.map((t) => (
        <T.Root
          key={t.id}
          open={t.open}
          onOpenChange={(open) => !open && close(t.id)}
          duration={t.durationMs ?? (t.variant === 'error' ? 8000 : 4000)}
          type={t.variant === 'error' ? 'foreground' : 'background'}
          className={cn(
            'pointer-events-auto flex w-full items-start gap-3 rounded-lg border border-line bg-surface p-3 pr-2 text-fg shadow-overlay',
            'data-[state=open]:animate-slide-up data-[state=closed]:opacity-0 transition-opacity duration-(--k-duration-base)',
          )}
        >
          <span className="mt-0.5">{icons[t.variant ?? 'info']}</span>
          <div className="min-w-0 flex-1">
            <T.Title className="text-sm font-medium">{t.title}</T.Title>
            {t.description && <T.Description className="mt-0.5 text-sm text-muted">{t.description}</T.Description>}
          </div>
          {t.action && (
            <T.Action altText={t.action.label} asChild>
              <button
                type="button"
                onClick={t.action.onClick}
                className="rounded-md px-2 py-1 text-sm font-medium text-accent-text hover:bg-surface-2"
              >
                {t.action.label}
              </button>
            </T.Action>
          )}
          <T.Close aria-label="Dismiss" className="rounded-md p-1 text-muted hover:bg-surface-2 hover:text-fg">
            <X className="size-4" aria-hidden />
          </T.Close>
        </T.Root>
      ))}
      <T.Viewport
        label="Notifications ({hotkey})"
        className="pointer-events-none fixed bottom-0 right-0 z-[60] flex w-full max-w-sm flex-col gap-2 p-4 outline-none"
      />
    </T.Provider>
  );
}
