import { Flame } from 'lucide-react';

import { cn } from '@/lib/cn';

// The current streak as a flame: lit from one day on, bigger words for a screen reader.
export function StreakFlame({ current, best, size = 'md' }: { current: number; best?: number; size?: 'sm' | 'md' | 'lg' }) {
  const lit = current > 0;
  const label = `Streak: ${current} day${current === 1 ? '' : 's'}${best !== undefined ? `, best ${best}` : ''}`;
  return (
    <span
      className={cn(
        'inline-flex items-center gap-1 rounded-full font-semibold tabular-nums',
        size === 'lg' ? 'px-3 py-1 text-lg' : size === 'md' ? 'px-2 py-0.5 text-sm' : 'px-1.5 text-xs',
        lit ? 'bg-flame-soft text-flame' : 'bg-surface-2 text-subtle',
      )}
      title={label}
    >
      <Flame
        aria-hidden
        className={cn(size === 'lg' ? 'size-5' : size === 'md' ? 'size-4' : 'size-3', lit && 'fill-current')}
      />
      <span aria-hidden>{current}</span>
      <span className="sr-only">{label}</span>
    </span>
  );
}
