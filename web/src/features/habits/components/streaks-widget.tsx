import { Flame, Plus } from 'lucide-react';
import { Link } from '@/lib/router';

import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/feedback';
import { isApiError } from '@/lib/api-error';
import { useDailyStreaks } from '../api/get-daily-streaks';
import { StreakFlame } from './streak-flame';

// The desktop widget for the output daily_streaks: each active habit's current streak.
export function StreaksWidget({ size }: { size: 'sm' | 'md' | 'lg' }) {
  const q = useDailyStreaks();
  if (q.isPending) return <LoadingRows rows={size === 'sm' ? 2 : 3} label="Loading streaks" />;
  if (q.isError)
    return (
      <ErrorState
        title="Streaks could not be loaded"
        hint={isApiError(q.error) ? q.error.hint : undefined}
        onRetry={() => void q.refetch()}
      />
    );
  const habits = [...q.data.habits].sort((a, b) => b.current - a.current);
  if (habits.length === 0)
    return (
      <EmptyState icon={<Flame aria-hidden />} title="No habits yet" className="py-4">
        <Link to="/apps/habit-tracker" className="inline-flex items-center gap-1 font-medium text-accent-text hover:underline">
          <Plus className="size-4" aria-hidden /> Start one
        </Link>
      </EmptyState>
    );
  const best = habits.reduce((m, h) => Math.max(m, h.current), 0);
  const shown = size === 'sm' ? habits.slice(0, 3) : size === 'md' ? habits.slice(0, 6) : habits;
  return (
    <div className="flex h-full flex-col gap-3">
      {size !== 'sm' && (
        <p className="text-sm text-muted">
          Longest going: <span className="font-semibold text-fg">{best} day{best === 1 ? '' : 's'}</span>
        </p>
      )}
      <ul className="flex flex-col gap-1.5" aria-label="Habit streaks">
        {shown.map((h) => (
          <li key={h.habit_id} className="flex items-center justify-between gap-2">
            <span className="truncate text-sm">{h.name}</span>
            <StreakFlame current={h.current} best={h.best} size="sm" />
          </li>
        ))}
      </ul>
      {shown.length < habits.length && <p className="text-xs text-muted">and {habits.length - shown.length} more</p>}
    </div>
  );
}
