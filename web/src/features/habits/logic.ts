// The Habit Tracker's UI logic, pure and unit-tested: schedule words, what is due, and the
// optimistic edits of the cached habit list (the server's answer replaces them).
import { WEEKDAYS, weekdayOf, type Weekday } from '@/lib/dates';
import type { Habit, HabitData, HabitList, Schedule } from './types';

const NAMES: Record<Weekday, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

export function scheduleLabel(s: Schedule): string {
  if (s.kind === 'daily') return 'Every day';
  const days = WEEKDAYS.filter((d) => s.days.includes(d));
  if (days.length === 7) return 'Every day';
  if (days.length === 5 && !days.includes('sat') && !days.includes('sun')) return 'Weekdays';
  if (days.length === 2 && days.includes('sat') && days.includes('sun')) return 'Weekends';
  return days.map((d) => NAMES[d]).join(', ');
}

export function isScheduled(s: Schedule, isoDay: string): boolean {
  return s.kind === 'daily' || s.days.includes(weekdayOf(isoDay));
}

// Marks a habit done (or not) today in the cached list, moving its streak the way the server
// will: one more (or one fewer) day.
export function withCompletion(list: HabitList, habitId: string, done: boolean): HabitList {
  return {
    ...list,
    habits: list.habits.map((h) => {
      if (h.id !== habitId || h.done_today === done) return h;
      const current = Math.max(0, h.streak.current + (done ? 1 : -1));
      return { ...h, done_today: done, streak: { current, best: Math.max(h.streak.best, current) } };
    }),
  };
}

export function withStreak(list: HabitList, habitId: string, streak: Habit['streak'], doneToday?: boolean): HabitList {
  return {
    ...list,
    habits: list.habits.map((h) =>
      h.id === habitId ? { ...h, streak, ...(doneToday === undefined ? {} : { done_today: doneToday }) } : h,
    ),
  };
}

export function withHabitAdded(list: HabitList, data: Pick<HabitData, 'name' | 'schedule' | 'target'>, tempId: string): HabitList {
  const now = Date.now();
  const habit: Habit = {
    id: tempId,
    data: { ...data, active: true, archived: false },
    version: 0,
    created_at: now,
    updated_at: now,
    streak: { current: 0, best: 0 },
    due_today: isScheduled(data.schedule, list.date),
    done_today: false,
  };
  return { ...list, habits: [...list.habits, habit] };
}

export function withHabitChanged(list: HabitList, habitId: string, patch: Partial<HabitData>): HabitList {
  return {
    ...list,
    habits: list.habits.map((h) => {
      if (h.id !== habitId) return h;
      const data = { ...h.data, ...patch };
      return { ...h, data, due_today: isScheduled(data.schedule, list.date) };
    }),
  };
}

export function withHabitRemoved(list: HabitList, habitId: string): HabitList {
  return { ...list, habits: list.habits.filter((h) => h.id !== habitId) };
}

export function isOptimistic(h: Habit): boolean {
  return h.id.startsWith('optimistic-');
}

export function progress(list: HabitList): { due: number; done: number } {
  const due = list.habits.filter((h) => !h.data.archived && h.due_today);
  return { due: due.length, done: due.filter((h) => h.done_today).length };
}

// "Log habit run" in the palette: the best match of a typed name among the habits.
export function matchHabit(habits: Habit[], typed: string): Habit | undefined {
  const q = typed.trim().toLowerCase();
  if (!q) return undefined;
  return (
    habits.find((h) => h.data.name.toLowerCase() === q) ??
    habits.find((h) => h.data.name.toLowerCase().startsWith(q)) ??
    habits.find((h) => h.data.name.toLowerCase().includes(q))
  );
}
