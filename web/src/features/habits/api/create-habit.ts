import { useMutation, useQueryClient } from '@tanstack/react-query';

import { runAction } from '@/lib/api-client';
import type { Record_ } from '@/lib/api-types';
import { withHabitAdded } from '../logic';
import { APP_ID, type HabitData, type Schedule } from '../types';
import { editLists, HABIT_MUTATION, refreshAfter, rollback } from './mutation-helpers';

export interface NewHabit {
  name: string;
  schedule: Schedule;
  target: number;
}

// Action create_habit.
export function createHabit(input: NewHabit) {
  return runAction<Record_<HabitData>>(APP_ID, 'create_habit', input);
}

export function useCreateHabit() {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: HABIT_MUTATION,
    mutationFn: createHabit,
    onMutate: (input) => editLists(qc, (list) => withHabitAdded(list, input, `optimistic-${Date.now()}`)),
    onError: (_e, _v, snapshot) => rollback(qc, snapshot),
    onSettled: () => refreshAfter(qc),
  });
}
