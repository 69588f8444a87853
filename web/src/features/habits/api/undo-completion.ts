import { useMutation, useQueryClient } from '@tanstack/react-query';

import { runAction } from '@/lib/api-client';
import { withCompletion, withStreak } from '../logic';
import { APP_ID, type HabitList, type Streak } from '../types';
import { editLists, HABIT_MUTATION, refreshAfter, rollback } from './mutation-helpers';

// Action undo_completion — takes back a completion (today unless `date`).
export function undoCompletion(input: { habitId: string; date?: string }) {
  return runAction<{ habit_id: string; date: string; streak: Streak }>(APP_ID, 'undo_completion', {
    habit_id: input.habitId,
    ...(input.date ? { date: input.date } : {}),
  });
}

export function useUndoCompletion() {
  const qc = useQueryClient();
  return useMutation({
    mutationKey: HABIT_MUTATION,
    mutationFn: undoCompletion,
    onMutate: ({ habitId, date }) =>
      editLists(qc, (list: HabitList) => (date && date !== list.date ? list : withCompletion(list, habitId, false))),
    onSuccess: (out, { habitId, date }) => {
      void editLists(qc, (list) => (date && date !== list.date ? list : withStreak(list, habitId, out.streak, false)));
    },
    onError: (_e, _v, snapshot) => rollback(qc, snapshot),
    onSettled: () => refreshAfter(qc),
  });
}
