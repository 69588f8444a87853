import { Checkbox as C, Switch as S, Tooltip as T, ToggleGroup as G } from 'radix-ui';
import { Check } from 'lucide-react';
import type { ReactNode } from 'react';

import { cn } from '@/lib/cn';

export function Badge({
  children,
  tone = 'neutral',
  className,
}: {
  children: ReactNode;
  tone?: 'neutral' | 'accent' | 'success' | 'warning' | 'danger';
  className?: string;
}) {
  const tones = {
    neutral: 'bg-surface-2 text-muted border-line',
    accent: 'bg-accent-soft text-accent-text border-transparent',
    success: 'bg-success-soft text-success border-transparent',
    warning: 'bg-warning-soft text-warning border-transparent',
    danger: 'bg-danger-soft text-danger-text border-transparent',
  } as const;
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1 whitespace-nowrap rounded-full border px-2 py-0.5 text-xs font-medium',
        tones[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

export function Card({ children, className }: { children: ReactNode; className?: string }) {
  return <div className={cn('rounded-xl border border-line bg-surface shadow-raised', className)}>{children}</div>;
}

export function Kbd({ children }: { children: ReactNode }) {
  return (
    <kbd className="inline-flex h-5 min-w-5 items-center justify-center rounded border border-line-strong bg-surface-2 px-1 font-sans text-[11px] font-medium text-muted">
      {children}
    </kbd>
  );
}

export function Switch({
  checked,
  onCheckedChange,
  label,
  id,
  disabled,
}: {
  checked: boolean;
  onCheckedChange: (v: boolean) => void;
  label?: string;
  id?: string;
  disabled?: boolean;
}) {
  return (
    <S.Root
      id={id}
      checked={checked}
      onCheckedChange={onCheckedChange}
      disabled={disabled}
      aria-label={label}
      className="relative inline-flex h-5 w-9 shrink-0 items-center rounded-full bg-surface-3 transition-colors duration-(--k-duration-fast) data-[state=checked]:bg-accent disabled:opacity-50"
    >
      <S.Thumb className="block size-4 translate-x-0.5 rounded-full bg-white shadow transition-transform duration-(--k-duration-fast) data-[state=checked]:translate-x-[18px]" />
    </S.Root>
  );
}

export function Checkbox({
  checked,
  onCheckedChange,
  label,
  disabled,
  className,
  round,
}: {
  checked: boolean;
  onCheckedChange: (v: boolean) => void;
  label: string;
  disabled?: boolean;
  className?: string;
  round?: boolean;
}) {
  return (
    <C.Root
      checked={checked}
      onCheckedChange={(v) => onCheckedChange(v === true)}
      disabled={disabled}
      aria-label={label}
      className={cn(
        'flex shrink-0 items-center justify-center border-2 border-line-strong bg-surface transition-colors duration-(--k-duration-fast)',
        'hover:border-accent data-[state=checked]:border-accent data-[state=checked]:bg-accent data-[state=checked]:text-accent-fg',
        'disabled:cursor-not-allowed disabled:opacity-50',
        round ? 'size-6 rounded-full' : 'size-4 rounded',
        className,
      )}
    >
      <C.Indicator>
        <Check className={round ? 'size-4' : 'size-3'} strokeWidth={3} aria-hidden />
      </C.Indicator>
    </C.Root>
  );
}

export function Tooltip({ content, children }: { content: ReactNode; children: ReactNode }) {
  return (
    <T.Root delayDuration={400}>
      <T.Trigger asChild>{children}</T.Trigger>
      <T.Portal>
        <T.Content
          sideOffset={6}
          className="z-[70] rounded-md bg-fg px-2 py-1 text-xs font-medium text-canvas shadow-overlay data-[state=delayed-open]:animate-fade-in"
        >
          {content}
        </T.Content>
      </T.Portal>
    </T.Root>
  );
}

export const TooltipProvider = T.Provider;

// A row of mutually exclusive choices (theme, schedule kind) or several (weekdays).
export function Segmented<V extends string>({
  value,
  onValueChange,
  options,
  label,
}: {
  value: V;
  onValueChange: (v: V) => void;
  options: Array<{ value: V; label: ReactNode; icon?: ReactNode }>;
  label: string;
}) {
  return (
    <G.Root
      type="single"
      value={value}
      onValueChange={(v) => v && onValueChange(v as V)}
      aria-label={label}
      className="inline-flex rounded-lg border border-line bg-surface-2 p-0.5"
    >
      {options.map((o) => (
        <G.Item
          key={o.value}
          value={o.value}
          className="inline-flex h-7 items-center gap-1.5 rounded-md px-3 text-sm text-muted transition-colors duration-(--k-duration-fast) hover:text-fg data-[state=on]:bg-surface data-[state=on]:text-fg data-[state=on]:shadow-raised [&_svg]:size-4"
        >
          {o.icon}
          {o.label}
        </G.Item>
      ))}
    </G.Root>
  );
}

export function MultiToggle<V extends string>({
  value,
  onValueChange,
  options,
  label,
}: {
  value: V[];
  onValueChange: (v: V[]) => void;
  options: Array<{ value: V; label: string; short: string }>;
  label: string;
}) {
  return (
    <G.Root
      type="multiple"
      value={value}
      onValueChange={(v) => onValueChange(v as V[])}
      aria-label={label}
      className="flex flex-wrap gap-1"
    >
      {options.map((o) => (
        <G.Item
          key={o.value}
          value={o.value}
          aria-label={o.label}
          className="h-8 min-w-10 rounded-md border border-line-strong bg-surface px-2 text-sm text-muted transition-colors duration-(--k-duration-fast) hover:text-fg data-[state=on]:border-accent data-[state=on]:bg-accent-soft data-[state=on]:text-accent-text"
        >
          {o.short}
        </G.Item>
      ))}
    </G.Root>
  );
}
