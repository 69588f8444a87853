import { Archive, Flame, MoreHorizontal, Pencil, Plus, Trophy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useSearchParams } from '@/lib/router';

import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { Button } from '@/components/ui/button';
import { Menu, MenuCheckItem, MenuContent, MenuTrigger } from '@/components/ui/dropdown-menu';
import { EmptyState, ErrorState, LoadingRows } from '@/components/ui/feedback';
import { toast } from '@/components/ui/toast';
import { isApiError, type ApiError } from '@/lib/api-error';
import { dayLabel } from '@/lib/dates';
import { useArchiveHabit } from '../api/archive-habit';
import { useCreateHabit } from '../api/create-habit';
import { useHabits } from '../api/list-habits';
import { useLogCompletion } from '../api/log-completion';
import { useUndoCompletion } from '../api/undo-completion';
import { useUpdateHabit } from '../api/update-habit';
import { progress, scheduleLabel } from '../logic';
import type { Habit } from '../types';
import { HabitDialog, type HabitFormValue } from './habit-dialog';
import { HabitRow } from './habit-row';
import { MonthHeatmap } from './month-heatmap';
import { StreakFlame } from './streak-flame';

function failed(what: string, retry?: () => void) {
  return (e: unknown) =>
    toast({
      variant: 'error',
      title: `${what} did not work`,
      description: isApiError(e) ? `${e.message} ${e.hint}` : 'Try again.',
      ...(retry && isApiError(e) && e.retryable ? { action: { label: 'Retry', onClick: retry } } : {}),
    });
}

// The Habit Tracker: today's list with checkboxes and streaks, the selected habit's month,
// and create / edit / archive.
export function HabitTrackerWindow() {
  const [showArchived, setShowArchived] = useState(false);
  const habits = useHabits({ includeArchived: showArchived });
  const create = useCreateHabit();
  const update = useUpdateHabit();
  const archive = useArchiveHabit();
  const log = useLogCompletion();
  const undo = useUndoCompletion();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [editing, setEditing] = useState<Habit | 'new' | null>(null);
  const [archiving, setArchiving] = useState<Habit | null>(null);
  const [search, setSearch] = useSearchParams();
  useEffect(() => {
    // "New habit…" from the command palette.
    if (search.get('new') === '1') {
      setEditing('new');
      setSearch({}, { replace: true });
    }
  }, [search, setSearch]);

  const list = habits.data;
  const selected = list?.habits.find((h) => h.id === selectedId) ?? list?.habits.find((h) => !h.data.archived);
  useEffect(() => {
    if (selectedId && list && !list.habits.some((h) => h.id === selectedId)) setSelectedId(null);
  }, [list, selectedId]);

  const toggle = (h: Habit, done: boolean) => {
    const m = done ? log : undo;
    const run = () => m.mutate({ habitId: h.id }, { onError: failed(done ? `Logging “${h.data.name}”` : 'Undoing', run) });
    run();
  };

  const save = (v: HabitFormValue) => {
    if (editing === 'new') {
      create.mutate(v, {
        onError: failed('Creating the habit'),
        onSuccess: (r) => {
          setSelectedId(r.id);
          toast({ variant: 'success', title: `“${r.data.name}” created`, description: 'Check it off whenever you do it.' });
        },
      });
    } else if (editing) {
      update.mutate(
        { habitId: editing.id, version: editing.version, ...v },
        { onError: (e) => failed('Saving')(e as ApiError) },
      );
    }
    setEditing(null);
  };

  const confirmArchive = () => {
    if (!archiving) return;
    const h = archiving;
    archive.mutate(
      { habitId: h.id, version: h.version },
      {
        onError: failed(`Archiving “${h.data.name}”`),
        onSuccess: () => toast({ title: `“${h.data.name}” archived`, description: 'Its history is kept. Show archived habits from the ⋯ menu.' }),
      },
    );
    setArchiving(null);
  };

  const p = list ? progress(list) : { due: 0, done: 0 };
  const activeCount = list?.habits.filter((h) => !h.data.archived).length ?? 0;

  return (
    <div className="mx-auto flex w-full max-w-6xl flex-col gap-5 p-6">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm text-muted">{list ? dayLabel(list.date) : '\u00a0'}</p>
          <h2 className="text-xl font-semibold tracking-tight">
            {list && p.due > 0 ? (p.done === p.due ? 'All done today' : `${p.done} of ${p.due} done today`) : 'Today'}
          </h2>
          {list && p.due > 0 && (
            <div
              className="mt-2 h-1.5 w-56 overflow-hidden rounded-full bg-surface-3"
              role="progressbar"
              aria-label="Done today"
              aria-valuemin={0}
              aria-valuemax={p.due}
              aria-valuenow={p.done}
            >
              <div className="h-full rounded-full bg-accent transition-[width] duration-(--k-duration-slow)" style={{ width: `${(p.done / p.due) * 100}%` }} />
            </div>
          )}
        </div>
        <div className="flex items-center gap-2">
          <Menu>
            <MenuTrigger asChild>
              <Button size="icon" variant="ghost" aria-label="View options">
                <MoreHorizontal aria-hidden />
              </Button>
            </MenuTrigger>
            <MenuContent>
              <MenuCheckItem checked={showArchived} onSelect={() => setShowArchived((v) => !v)}>
                Show archived habits
              </MenuCheckItem>
            </MenuContent>
          </Menu>
          <Button variant="primary" onClick={() => setEditing('new')}>
            <Plus aria-hidden /> New habit
          </Button>
        </div>
      </header>

      {habits.isPending ? (
        <LoadingRows rows={4} label="Loading habits" />
      ) : habits.isError ? (
        <ErrorState
          title="Your habits could not be loaded"
          message={isApiError(habits.error) ? habits.error.message : undefined}
          hint={isApiError(habits.error) ? habits.error.hint : undefined}
          onRetry={() => void habits.refetch()}
        />
      ) : activeCount === 0 && !showArchived ? (
        <div className="rounded-xl border border-line bg-surface shadow-raised">
          <EmptyState
            icon={<Flame aria-hidden />}
            title="No habits yet"
            action={
              <Button variant="primary" onClick={() => setEditing('new')}>
                <Plus aria-hidden /> Create your first habit
              </Button>
            }
          >
            Start small: drink a glass of water, read ten pages, walk around the block. Check it off each day and watch the streak grow.
          </EmptyState>
        </div>
      ) : (
        <div className="grid items-start gap-5 lg:grid-cols-[minmax(0,1fr)_22rem]">
          <section aria-label="Habits" className="rounded-xl border border-line bg-surface p-2 shadow-raised">
            <ul className="flex flex-col gap-0.5">
              {list?.habits.map((h) => (
                <HabitRow
                  key={h.id}
                  habit={h}
                  selected={selected?.id === h.id}
                  onSelect={() => setSelectedId(h.id)}
                  onToggle={(done) => toggle(h, done)}
                  onEdit={() => setEditing(h)}
                  onArchive={() => setArchiving(h)}
                />
              ))}
            </ul>
          </section>
          {selected && list && (
            <aside aria-label={`${selected.data.name} details`} className="flex flex-col gap-4 rounded-xl border border-line bg-surface p-4 shadow-raised">
              <div className="flex items-start justify-between gap-2">
                <div className="min-w-0">
                  <h3 className="truncate text-base font-semibold">{selected.data.name}</h3>
                  <p className="text-sm text-muted">{scheduleLabel(selected.data.schedule)}</p>
                </div>
                {!selected.data.archived && (
                  <div className="flex gap-1">
                    <Button size="icon-sm" variant="ghost" aria-label={`Edit ${selected.data.name}`} onClick={() => setEditing(selected)}>
                      <Pencil aria-hidden />
                    </Button>
                    <Button size="icon-sm" variant="ghost" aria-label={`Archive ${selected.data.name}`} onClick={() => setArchiving(selected)}>
                      <Archive aria-hidden />
                    </Button>
                  </div>
                )}
              </div>
              <dl className="grid grid-cols-2 gap-2">
                <div className="rounded-lg bg-surface-2 p-3">
                  <dt className="text-xs text-muted">Current streak</dt>
                  <dd className="mt-1">
                    <StreakFlame current={selected.streak.current} size="lg" />
                  </dd>
                </div>
                <div className="rounded-lg bg-surface-2 p-3">
                  <dt className="text-xs text-muted">Best streak</dt>
                  <dd className="mt-1 inline-flex items-center gap-1.5 px-1 py-1 text-lg font-semibold tabular-nums">
                    <Trophy className="size-5 text-warning" aria-hidden />
                    {selected.streak.best}
                    <span className="sr-only">days</span>
                  </dd>
                </div>
              </dl>
              <MonthHeatmap key={selected.id} habit={selected} today={list.date} />
            </aside>
          )}
        </div>
      )}

      <HabitDialog
        open={editing !== null}
        onOpenChange={(o) => !o && setEditing(null)}
        habit={editing === 'new' ? undefined : (editing ?? undefined)}
        onSubmit={save}
      />
      <ConfirmDialog
        open={archiving !== null}
        onOpenChange={(o) => !o && setArchiving(null)}
        title={`Archive “${archiving?.data.name ?? ''}”?`}
        description="It leaves your list, your streaks and the Dashboard's score. Its history is kept; archived habits stay visible under “Show archived habits”."
        confirmLabel="Archive habit"
        onConfirm={confirmArchive}
      />
    </div>
  );
}
