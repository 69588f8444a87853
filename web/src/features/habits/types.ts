import type { Weekday } from '@/lib/dates';
import type { Record_ } from '@/lib/api-types';

export const APP_ID = 'habit-tracker';

export type Schedule = { kind: 'daily' } | { kind: 'weekdays'; days: Weekday[] };

export interface HabitData {
  name: string;
  schedule: Schedule;
  target: number;
  active: boolean;
  archived: boolean;
}

export interface Streak {
  current: number;
  best: number;
}

export interface Habit extends Record_<HabitData> {
  streak: Streak;
  due_today: boolean;
  done_today: boolean;
}

export interface HabitList {
  date: string;
  habits: Habit[];
}

export interface HabitLog extends Record_<{ habit_id: string; date: string; completed: boolean; note?: string }> {}

export interface DailyStreaks {
  date: string;
  habits: Array<{ habit_id: string; name: string; current: number; best: number }>;
}
