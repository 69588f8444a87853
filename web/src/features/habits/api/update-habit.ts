import { useMutation, useQueryClient } from '@tanstack/react-query';

import { runAction } from '@/lib/api-client';
import type { Record_ } from '@/lib/api-types';
import { withHabitChanged } from '../logic';
import { APP_ID, type HabitData, type Schedule } from '../types';
import { editLists, HABIT_MUTATION, refreshAfter, rollback } from './mutation-helpers';

export interface HabitChanges {
  habitId: string;
  version: number;
  name?: string;
  schedule?: Schedule;
  target?: number;
}

// Action update_habit, with the version the person edited (409 version_conflict when it
// changed meanwhile).
export function updateHabit({ habitId, version, ...changes }: HabitChanges) {
  return runAction<Record_<HabitData>>(APP_ID, 'update_habit', { habit_id: habitId, expected_version: version, ...changes });
}

export function useUpdateHabit() {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: HABIT_MUTATION,
    mutationFn: updateHabit,
    onMutate: ({ habitId, version: _v, ...changes }) => editLists(qc, (list) => withHabitChanged(list, habitId, changes)),
    onError: (_e, _v, snapshot) => rollback(qc, snapshot),
    onSettled: () => refreshAfter(qc),
  });
}
