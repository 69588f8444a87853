import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { User } from '@/lib/api-types';
import { queryKeys } from '@/lib/query-keys';
import { updateUser } from '@/lib/session';

// PATCH /api/v1/me {name?, time_zone?}. A new time zone moves "today" for every app.
export function updateMe(changes: { name?: string; time_zone?: string }) {
  return api<User>('/api/v1/me', { method: 'PATCH', body: changes });
}

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateMe,
    onSuccess: (me) => {
      qc.setQueryData(queryKeys.me, me);
      updateUser(me);
    },
    onSettled: (_d, _e, changes) => {
      void qc.invalidateQueries({ queryKey: queryKeys.me });
      if (changes.time_zone) {
        void qc.invalidateQueries({ queryKey: ['app'] });
        void qc.invalidateQueries({ queryKey: queryKeys.outputs.all });
      }
    },
  });
}
