import { MoreHorizontal, Pencil, Archive } from 'lucide-react';

import { Button } from '@/components/ui/button';
import { Menu, MenuContent, MenuItem, MenuTrigger } from '@/components/ui/dropdown-menu';
import { Badge, Checkbox } from '@/components/ui/misc';
import { cn } from '@/lib/cn';
import { isOptimistic, scheduleLabel } from '../logic';
import type { Habit } from '../types';
import { StreakFlame } from './streak-flame';

// One habit in the list: today's checkbox, its name and schedule, its streak, its menu.
export function HabitRow({
  habit,
  selected,
  onSelect,
  onToggle,
  onEdit,
  onArchive,
}: {
  habit: Habit;
  selected: boolean;
  onSelect: () => void;
  onToggle: (done: boolean) => void;
  onEdit: () => void;
  onArchive: () => void;
}) {
  const pending = isOptimistic(habit);
  const archived = habit.data.archived;
  return (
    <li
      className={cn(
        'group flex items-center gap-3 rounded-lg border px-3 py-2.5 transition-colors duration-(--k-duration-fast)',
        selected ? 'border-accent/40 bg-accent-soft/50' : 'border-transparent hover:bg-surface-2',
      )}
      aria-busy={pending || undefined}
    >
      <Checkbox
        round
        checked={habit.done_today}
        disabled={pending || archived || !habit.due_today}
        onCheckedChange={onToggle}
        label={
          habit.due_today
            ? `${habit.data.name}: ${habit.done_today ? 'done today' : 'not done yet today'}`
            : `${habit.data.name}: not scheduled today`
        }
      />
      <button
        type="button"
        onClick={onSelect}
        aria-current={selected ? 'true' : undefined}
        className="flex min-w-0 flex-1 flex-col items-start text-left outline-offset-4"
      >
        <span className={cn('truncate font-medium', habit.done_today && 'text-muted')}>
          {habit.data.name}
        </span>
        <span className="flex items-center gap-2 text-xs text-muted">
          {scheduleLabel(habit.data.schedule)}
          {!habit.due_today && !archived && <span>· rest day today</span>}
          {habit.data.target > 1 && <span>· {habit.data.target}× a day</span>}
          {archived && <Badge>Archived</Badge>}
          {pending && <span>· saving…</span>}
        </span>
      </button>
      <StreakFlame current={habit.streak.current} best={habit.streak.best} />
      {!archived && (
        <Menu>
          <MenuTrigger asChild>
            <Button size="icon-sm" variant="ghost" aria-label={`More for ${habit.data.name}`} disabled={pending}>
              <MoreHorizontal aria-hidden />
            </Button>
          </MenuTrigger>
          <MenuContent>
            <MenuItem onSelect={onEdit}>
              <Pencil aria-hidden /> Edit
            </MenuItem>
            <MenuItem danger onSelect={onArchive}>
              <Archive aria-hidden /> Archive…
            </MenuItem>
          </MenuContent>
        </Menu>
      )}
    </li>
  );
}
