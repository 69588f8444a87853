import { useMutation, useQueryClient } from '@tanstack/react-query';

import { runAction } from '@/lib/api-client';
import type { Record_ } from '@/lib/api-types';
import { withHabitChanged, withHabitRemoved } from '../logic';
import { APP_ID, type HabitData } from '../types';
import { editLists, HABIT_MUTATION, refreshAfter, rollback } from './mutation-helpers';

// Action archive_habit (destructive: asked for confirmation first). The history is kept.
export function archiveHabit({ habitId, version }: { habitId: string; version: number }) {
  return runAction<Record_<HabitData>>(APP_ID, 'archive_habit', { habit_id: habitId, expected_version: version });
}

export function useArchiveHabit() {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: HABIT_MUTATION,
    mutationFn: archiveHabit,
    onMutate: ({ habitId }) =>
      editLists(qc, (list, includesArchived) =>
        includesArchived ? withHabitChanged(list, habitId, { archived: true }) : withHabitRemoved(list, habitId),
      ),
    onError: (_e, _v, snapshot) => rollback(qc, snapshot),
    onSettled: () => refreshAfter(qc),
  });
}
