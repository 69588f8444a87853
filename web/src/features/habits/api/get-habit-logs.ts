import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { firstOfMonth, lastOfMonth, type YearMonth } from '@/lib/dates';
import { queryKeys } from '@/lib/query-keys';
import { APP_ID, type HabitLog } from '../types';

// POST /api/v1/apps/habit-tracker/query on habit_logs — one habit's completions in a month,
// for the heatmap.
export function getHabitLogs(habitId: string, month: YearMonth, signal?: AbortSignal) {
  return api<{ items: HabitLog[]; next_cursor: string | null }>(`/api/v1/apps/${APP_ID}/query`, {
    method: 'POST',
    body: {
      table: 'habit_logs',
      where: { habit_id: habitId, date: { gte: firstOfMonth(month), lte: lastOfMonth(month) } },
      limit: 500,
    },
    signal,
  });
}

export function useHabitLogs(habitId: string | undefined, month: YearMonth) {
  return useQuery({
    queryKey: queryKeys.appQuery(APP_ID, 'habit_logs', { habitId, month: firstOfMonth(month) }),
    queryFn: ({ signal }) => getHabitLogs(habitId as string, month, signal),
    enabled: Boolean(habitId) && !habitId?.startsWith('optimistic-'),
    placeholderData: keepPreviousData,
    select: (out) => new Set(out.items.filter((l) => l.data.completed).map((l) => l.data.date)),
  });
}
