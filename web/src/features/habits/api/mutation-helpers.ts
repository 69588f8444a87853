import type { QueryClient } from '@tanstack/react-query';

import { queryKeys } from '@/lib/query-keys';
import { APP_ID, type HabitList } from '../types';
import { habitsKey } from './list-habits';

export const HABIT_MUTATION = ['habit-tracker', 'mutation'] as const;

// Optimistic edit of both cached lists (with and without archived habits); answers the
// snapshot to roll back to.
export async function editLists(qc: QueryClient, edit: (list: HabitList, includesArchived: boolean) => HabitList) {
  await qc.cancelQueries({ queryKey: queryKeys.app(APP_ID) });
  const snapshot = [false, true].map((a) => [habitsKey(a), qc.getQueryData<HabitList>(habitsKey(a)), a] as const);
  for (const [key, list, a] of snapshot) if (list) qc.setQueryData<HabitList>(key, edit(list, a));
  return snapshot;
}

export function rollback(qc: QueryClient, snapshot: Awaited<ReturnType<typeof editLists>> | undefined) {
  for (const [key, list] of snapshot ?? []) qc.setQueryData(key, list);
}

// After the last of overlapping habit mutations settles, fetch the truth: this app's data
// and every output (the Dashboard's score reads the habits).
export function refreshAfter(qc: QueryClient) {
  if (qc.isMutating({ mutationKey: HABIT_MUTATION }) > 1) return;
  void qc.invalidateQueries({ queryKey: queryKeys.app(APP_ID) });
  void qc.invalidateQueries({ queryKey: queryKeys.outputs.all });
}
