import { describe, expect, it } from 'vitest';

import { isScheduled, matchHabit, progress, scheduleLabel, withCompletion, withHabitAdded, withHabitChanged, withHabitRemoved } from './logic';
import type { Habit, HabitList } from './types';

function habit(id: string, name: string, over: Partial<Habit> = {}): Habit {
  return {
    id,
    data: { name, schedule: { kind: 'daily' }, target: 1, active: true, archived: false },
    version: 1,
    created_at: 0,
    updated_at: 0,
    streak: { current: 2, best: 5 },
    due_today: true,
    done_today: false,
    ...over,
  };
}

const list = (...habits: Habit[]): HabitList => ({ date: '2026-12-01', habits }); // a Tuesday

describe('habit schedules in words', () => {
  it('names the common schedules', () => {
    expect(scheduleLabel({ kind: 'daily' })).toBe('Every day');
    expect(scheduleLabel({ kind: 'weekdays', days: ['fri', 'mon', 'tue', 'wed', 'thu'] })).toBe('Weekdays');
    expect(scheduleLabel({ kind: 'weekdays', days: ['sun', 'sat'] })).toBe('Weekends');
    expect(scheduleLabel({ kind: 'weekdays', days: ['sun', 'wed', 'mon'] })).toBe('Mon, Wed, Sun');
  });

  it('knows which days are scheduled', () => {
    expect(isScheduled({ kind: 'weekdays', days: ['tue'] }, '2026-12-01')).toBe(true);
    expect(isScheduled({ kind: 'weekdays', days: ['mon'] }, '2026-12-01')).toBe(false);
    expect(isScheduled({ kind: 'daily' }, '2026-12-06')).toBe(true);
  });
});

describe('optimistic edits of the habit list', () => {
  it('checking a habit moves its streak up a day and the best with it', () => {
    const l = withCompletion(list(habit('a', 'Run', { streak: { current: 5, best: 5 } })), 'a', true);
    expect(l.habits[0]).toMatchObject({ done_today: true, streak: { current: 6, best: 6 } });
  });

  it('unchecking moves it back down, never below zero, and leaves the best alone', () => {
    const l = withCompletion(list(habit('a', 'Run', { done_today: true, streak: { current: 0, best: 3 } })), 'a', false);
    expect(l.habits[0]).toMatchObject({ done_today: false, streak: { current: 0, best: 3 } });
  });

  it('checking twice changes nothing the second time', () => {
    const once = withCompletion(list(habit('a', 'Run')), 'a', true);
    expect(withCompletion(once, 'a', true).habits[0]?.streak.current).toBe(3);
  });

  it('adds, changes and removes habits', () => {
    let l = withHabitAdded(list(habit('a', 'Run')), { name: 'Read', schedule: { kind: 'weekdays', days: ['mon'] }, target: 1 }, 'optimistic-1');
    expect(l.habits[1]).toMatchObject({ id: 'optimistic-1', due_today: false, streak: { current: 0, best: 0 } });
    l = withHabitChanged(l, 'optimistic-1', { schedule: { kind: 'daily' } });
    expect(l.habits[1]?.due_today).toBe(true);
    l = withHabitRemoved(l, 'a');
    expect(l.habits.map((h) => h.id)).toEqual(['optimistic-1']);
  });

  it('counts what is due and done today', () => {
    expect(progress(list(habit('a', 'A', { done_today: true }), habit('b', 'B'), habit('c', 'C', { due_today: false })))).toEqual({ due: 2, done: 1 });
  });
});

describe('finding a habit by a typed name (the palette)', () => {
  const habits = [habit('a', 'Read 10 pages'), habit('b', 'Run'), habit('c', 'Morning run')];
  it('prefers an exact name, then a prefix, then any part', () => {
    expect(matchHabit(habits, 'run')?.id).toBe('b');
    expect(matchHabit(habits, 'read')?.id).toBe('a');
    expect(matchHabit(habits, 'morning')?.id).toBe('c');
    expect(matchHabit(habits, 'swim')).toBeUndefined();
    expect(matchHabit(habits, '  ')).toBeUndefined();
  });
});
