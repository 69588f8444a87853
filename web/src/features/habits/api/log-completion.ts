import { useMutation, useQueryClient } from '@tanstack/react-query';

import { runAction } from '@/lib/api-client';
import { withCompletion, withStreak } from '../logic';
import { APP_ID, type HabitLog, type HabitList, type Streak } from '../types';
import { editLists, HABIT_MUTATION, refreshAfter, rollback } from './mutation-helpers';

// Action log_completion — marks a habit done today (or on `date`); idempotent per day.
export function logCompletion(input: { habitId: string; date?: string }) {
  return runAction<{ log: HabitLog; streak: Streak; already_logged: boolean }>(APP_ID, 'log_completion', {
    habit_id: input.habitId,
    ...(input.date ? { date: input.date } : {}),
  });
}

export function useLogCompletion() {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: HABIT_MUTATION,
    mutationFn: logCompletion,
    onMutate: ({ habitId, date }) =>
      editLists(qc, (list: HabitList) => (date && date !== list.date ? list : withCompletion(list, habitId, true))),
    onSuccess: (out, { habitId, date }) => {
      void editLists(qc, (list) => (date && date !== list.date ? list : withStreak(list, habitId, out.streak, true)));
    },
    onError: (_e, _v, snapshot) => rollback(qc, snapshot),
    onSettled: () => refreshAfter(qc),
  });
}
