import { ChevronLeft, ChevronRight } from 'lucide-react';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';

import { Button } from '@/components/ui/button';
import { cn } from '@/lib/cn';
import { addMonths, compareMonths, dayLabel, monthLabel, monthOf, monthWeeks, type YearMonth } from '@/lib/dates';
import { useHabitLogs } from '../api/get-habit-logs';
import { useLogCompletion } from '../api/log-completion';
import { useUndoCompletion } from '../api/undo-completion';
import { isScheduled } from '../logic';
import type { Habit } from '../types';

const HEAD = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

// One habit's month: a cell per day, filled when done. A past day's cell toggles its
// completion (for the day you forgot to log); arrow keys move between days.
export function MonthHeatmap({ habit, today }: { habit: Habit; today: string }) {
  const current = monthOf(today);
  const [month, setMonth] = useState<YearMonth>(current);
  const logs = useHabitLogs(habit.id, month);
  const log = useLogCompletion();
  const undo = useUndoCompletion();
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const weeks = useMemo(() => monthWeeks(month), [month]);
  const days = useMemo(() => weeks.flat().filter((d): d is string => d !== null), [weeks]);
  const [focus, setFocus] = useState<string>(today);
  const grid = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Keep the roving focus inside the month shown.
    if (!days.includes(focus)) setFocus(days.includes(today) ? today : (days[0] as string));
  }, [days, focus, today]);

  const done = (d: string) => pending[d] ?? (logs.data?.has(d) || (d === today && habit.done_today));

  const toggle = (d: string) => {
    if (d > today || habit.id.startsWith('optimistic-')) return;
    const next = !done(d);
    setPending((p) => ({ ...p, [d]: next }));
    const clear = () =>
      setPending((p) => {
        const { [d]: _, ...rest } = p;
        return rest;
      });
    const m = next ? log : undo;
    m.mutate({ habitId: habit.id, date: d }, { onSettled: clear });
  };

  const move = (e: KeyboardEvent, d: string) => {
    const i = days.indexOf(d);
    const delta = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[e.key];
    if (delta === undefined) return;
    e.preventDefault();
    const next = days[Math.min(days.length - 1, Math.max(0, i + delta))];
    if (next) {
      setFocus(next);
      grid.current?.querySelector<HTMLButtonElement>(`[data-day="${next}"]`)?.focus();
    }
  };

  const doneCount = days.filter((d) => done(d)).length;
  return (
    <div className="flex flex-col gap-3">
      <div className="flex items-center justify-between">
        <h3 className="text-sm font-semibold" aria-live="polite">
          {monthLabel(month)}
        </h3>
        <div className="flex items-center gap-1">
          <Button size="icon-sm" variant="ghost" aria-label="Previous month" onClick={() => setMonth((m) => addMonths(m, -1))}>
            <ChevronLeft aria-hidden />
          </Button>
          <Button
            size="icon-sm"
            variant="ghost"
            aria-label="Next month"
            disabled={compareMonths(month, current) >= 0}
            onClick={() => setMonth((m) => addMonths(m, 1))}
          >
            <ChevronRight aria-hidden />
          </Button>
        </div>
      </div>
      <div ref={grid} role="group" aria-label={`${habit.data.name}, ${monthLabel(month)}: ${doneCount} days done`}>
        <div className="mb-1 grid grid-cols-7 gap-1.5" aria-hidden>
          {HEAD.map((h) => (
            <span key={h} className="text-center text-[11px] font-medium text-subtle">
              {h.slice(0, 2)}
            </span>
          ))}
        </div>
        <div className={cn('grid grid-cols-7 gap-1.5 transition-opacity', logs.isFetching && !logs.data && 'opacity-60')}>
          {weeks.flat().map((d, i) => {
            if (!d) return <span key={`pad-${i}`} aria-hidden />;
            const future = d > today;
            const scheduled = isScheduled(habit.data.schedule, d);
            const isDone = done(d);
            const label = `${dayLabel(d)}: ${isDone ? 'done' : future ? 'upcoming' : scheduled ? 'not done' : 'not scheduled'}`;
            return (
              <button
                key={d}
                type="button"
                data-day={d}
                tabIndex={d === focus ? 0 : -1}
                aria-label={label}
                aria-pressed={future ? undefined : isDone}
                disabled={future}
                title={label}
                onClick={() => toggle(d)}
                onKeyDown={(e) => move(e, d)}
                onFocus={() => setFocus(d)}
                className={cn(
                  'flex aspect-square items-center justify-center rounded-md text-[11px] font-medium tabular-nums transition-colors duration-(--k-duration-fast)',
                  isDone
                    ? 'bg-heat-1 text-white hover:opacity-90'
                    : scheduled
                      ? 'bg-heat-0 text-muted hover:bg-surface-3'
                      : 'border border-dashed border-line-strong text-subtle hover:bg-surface-2',
                  future && 'cursor-default opacity-40 hover:bg-transparent',
                  d === today && 'ring-2 ring-accent ring-offset-2 ring-offset-surface',
                )}
              >
                {Number(d.slice(8))}
              </button>
            );
          })}
        </div>
      </div>
      <p className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-muted">
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden className="size-3 rounded-sm bg-heat-1" /> Done
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden className="size-3 rounded-sm bg-heat-0" /> Scheduled
        </span>
        <span className="inline-flex items-center gap-1.5">
          <span aria-hidden className="size-3 rounded-sm border border-dashed border-line-strong" /> Rest day
        </span>
        <span className="ml-auto">Select a past day to change it.</span>
      </p>
    </div>
  );
}
