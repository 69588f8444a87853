import { useQuery } from '@tanstack/react-query';

import { runAction } from '@/lib/api-client';
import { queryKeys } from '@/lib/query-keys';
import { APP_ID, type HabitList } from '../types';

// Action list_habits — the habits with today's state (the server's "today", in the
// user's time zone) and their streaks.
export const habitsKey = (includeArchived: boolean) =>
  queryKeys.appAction(APP_ID, 'list_habits', { include_archived: includeArchived });

export function listHabits(includeArchived: boolean, signal?: AbortSignal): Promise<HabitList> {
  return runAction<HabitList>(APP_ID, 'list_habits', includeArchived ? { include_archived: true } : {}, signal);
}

export function useHabits({
  includeArchived = false,
  enabled = true,
  inBackground = false,
}: { includeArchived?: boolean; enabled?: boolean; inBackground?: boolean } = {}) {
  return useQuery({
    queryKey: habitsKey(includeArchived),
    queryFn: ({ signal }) => listHabits(includeArchived, signal),
    enabled,
    // A background reader (the palette's commands) does not refetch on every focus.
    refetchOnWindowFocus: !inBackground,
  });
}
